"""The organisation workbook (units and users, .xlsx) out and in, for administrators."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router
from ninja.files import UploadedFile
from pydantic import Field

from workplan.api.endpoints import actor, read_upload
from workplan.api.errors import ApiError
from workplan.api.schemas import Out, responses
from workplan.operations import selectors
from workplan.operations.orgsheet.export import org_export, org_template
from workplan.operations.orgsheet.preview import OrgPreview
from workplan.operations.services import organisation_import

router = Router(tags=["organisation"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOK = {
    "responses": {
        "200": {
            "description": "The workbook: a units sheet and a users sheet.",
            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get(
    "/organisation",
    response={200: None, **{k: v for k, v in responses(None).items() if k != 200}},
    summary="Every unit and user as the organisation workbook (.xlsx)",
    openapi_extra=WORKBOOK,
)
def organisation_export_endpoint(request: HttpRequest, language: Literal["zh", "en"] = "zh") -> HttpResponse:
    selectors.require_admin(user=actor(request))
    return _xlsx(org_export(user=actor(request), language=language), "organisation.xlsx")


@router.get(
    "/organisation/template",
    response={200: None, **{k: v for k, v in responses(None).items() if k != 200}},
    summary="The empty organisation workbook with its headers",
    openapi_extra=WORKBOOK,
)
def organisation_template(request: HttpRequest, language: Literal["zh", "en"] = "zh") -> HttpResponse:
    selectors.require_admin(user=actor(request))
    return _xlsx(org_template(language=language), "organisation-template.xlsx")


class OrgChangeOut(Out):
    kind: str = Field(
        description="unit_create, unit_update, user_create, user_update, role_add or role_remove."
    )
    key: str = Field(description="The unit's code or the user's username.")
    sheet: str
    row: int | None
    fields: dict[str, str | bool | list[str] | None]


class OrgProblemOut(Out):
    message: str
    sheet: str | None
    row: int | None
    column: str | None


class OrgImportOut(Out):
    applied: bool = Field(description="True when the changes were stored (`apply` and no problems).")
    ok: bool = Field(description="True when the workbook has no problems.")
    changes: list[OrgChangeOut]
    problems: list[OrgProblemOut]
    notes: list[str]
    passwords: dict[str, str] = Field(
        description="The new users' one-time passwords (only when applied; shown only in this answer)."
    )


def _out(preview: OrgPreview) -> OrgImportOut:
    return OrgImportOut(
        applied=preview.applied,
        ok=preview.ok,
        changes=[
            OrgChangeOut(kind=c.kind, key=c.key, sheet=c.sheet, row=c.row, fields=c.fields)
            for c in preview.changes
        ],
        problems=[
            OrgProblemOut(message=p.message, sheet=p.sheet, row=p.row, column=p.column)
            for p in preview.problems
        ],
        notes=list(preview.notes),
        passwords=dict(preview.passwords),
    )


@router.post(
    "/organisation",
    response=responses(OrgImportOut),
    summary="Import the organisation workbook: a dry run, or `apply` to store it",
    description="Nothing is stored while any row has a problem; then the answer is 422 with the "
    "preview (changes and problems) in `error.details`.",
)
def organisation_import_endpoint(
    request: HttpRequest,
    file: File[UploadedFile] = None,  # type: ignore[assignment]
    apply: Form[bool] = False,
) -> OrgImportOut:
    user = actor(request)
    selectors.require_admin(user=user)
    name, data = read_upload(file)
    preview = organisation_import(actor=user, data=data, filename=name, apply=apply)
    result = _out(preview)
    if apply and not preview.ok:
        raise ApiError(
            422,
            f"nothing was applied: the workbook has {len(preview.problems)} problem(s)",
            code="invalid",
            details=result.model_dump(),
        )
    return result
