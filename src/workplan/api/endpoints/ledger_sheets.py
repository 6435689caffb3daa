"""A ledger as .xlsx: export, and import (a dry run, or ``apply``: all or nothing)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router
from ninja.files import UploadedFile
from pydantic import Field

from workplan.api.endpoints import actor, read_upload
from workplan.api.endpoints.plans import XLSX, ProblemOut
from workplan.api.errors import ApiError
from workplan.api.schemas import Out, PathId, responses
from workplan.ledgers import selectors
from workplan.ledgers.sheets import SheetPreview, export_ledger, import_ledger

router = Router(tags=["ledgers"])


@router.get(
    "/ledgers/{ledger_id}/export",
    response={200: None, **{k: v for k, v in responses(None).items() if k != 200}},
    summary="A ledger's records you may see, as .xlsx",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The workbook: a hidden id column, the unit, one column per field.",
                "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def ledger_export(request: HttpRequest, ledger_id: PathId) -> HttpResponse:
    user = actor(request)
    ledger = selectors.ledger_get_for_user(user=user, key=ledger_id, by="pk")
    response = HttpResponse(export_ledger(user=user, ledger=ledger), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ledger-{ledger.pk}.xlsx"'
    return response


class SheetOut(Out):
    applied: bool = Field(description="True when the rows were stored (`apply` and no problems).")
    ok: bool = Field(description="True when the sheet has no problems.")
    added: int
    changed: int
    unchanged: int
    problems: list[ProblemOut]


def sheet_out(preview: SheetPreview) -> SheetOut:
    return SheetOut(
        applied=preview.applied,
        ok=preview.ok,
        added=len(preview.added),
        changed=len(preview.changed),
        unchanged=preview.unchanged,
        problems=[ProblemOut(message=p.message, row=p.row, column=p.column) for p in preview.problems],
    )


@router.post(
    "/ledgers/{ledger_id}/imports",
    response=responses(SheetOut),
    summary="Import a sheet into a ledger: a dry run, or `apply` to store it",
    description="Nothing is stored while any row has a problem; then the answer is 422 with the "
    "preview in `error.details`.",
)
def ledger_import(
    request: HttpRequest,
    ledger_id: PathId,
    file: File[UploadedFile] = None,  # type: ignore[assignment]
    apply: Form[bool] = False,
) -> Any:
    user = actor(request)
    ledger = selectors.ledger_get_for_user(user=user, key=ledger_id, by="pk")
    name, data = read_upload(file)
    preview = import_ledger(user=user, ledger=ledger, data=data, filename=name, apply=apply)
    result = sheet_out(preview)
    if apply and not preview.ok:
        raise ApiError(
            422,
            f"nothing was applied: the sheet has {len(preview.problems)} problem(s)",
            code="invalid",
            details=result.model_dump(),
        )
    return result
