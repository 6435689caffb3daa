"""Reports: the progress bulletin and the annual summary as files; good-practice marks; records."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from ninja import Query, Router
from pydantic import Field, StringConstraints

from workplan.api.endpoints import actor
from workplan.api.schemas import (
    MAX_ID,
    NO_NUL,
    Input,
    Out,
    PathId,
    QueryId,
    ShortText,
    Version,
    Year,
    responses,
)
from workplan.permissions import Action
from workplan.plans import selectors as plan_selectors
from workplan.progress import selectors as progress_selectors
from workplan.reports import selectors, services, wording
from workplan.reports.models import GeneratedDocument, GoodPractice
from workplan.reports.services import CONTENT_TYPES
from workplan.tasks.models import TaskState

router = Router(tags=["reports"])
Format = Literal["docx", "xlsx", "pdf", "html"]
Language = Literal["zh", "en"]
ShortLongText = Annotated[str, StringConstraints(max_length=2000, pattern=NO_NUL)]
PeriodLabel = Annotated[
    str | None, Query(pattern=r"^\d{4}-?([0-9]{2}|Q[1-4])$", description="2019-06 or 2019-Q2")
]


def _file_response(result: services.Generated) -> HttpResponse:
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response


def _binary(what: str) -> dict[str, Any]:
    return {
        "responses": {
            200: {  # the int key ninja uses, so the two merge instead of both being served
                "description": f"The {what}; the format from `format` (default docx).",
                "content": {
                    ctype: {"schema": {"type": "string", "format": "binary"}}
                    for ctype in CONTENT_TYPES.values()
                },
            }
        }
    }


def _generate(request: HttpRequest, plan_id: int, language: str | None, **kwargs: Any) -> HttpResponse:
    user = actor(request)
    plan = plan_selectors.plan_get_for_user(user=user, plan_id=plan_id)
    chosen = language or ("en" if plan.language.startswith("en") else "zh")
    with translation.override("en" if chosen == "en" else "zh-hans"):
        return _file_response(services.document_generate(actor=user, plan=plan, **kwargs))


@router.get(
    "/plans/{plan_id}/bulletin",
    response={200: None, **{k: v for k, v in responses(None).items() if k != 200}},
    summary="The progress bulletin (通报) of one reporting period, as a file",
    openapi_extra=_binary("bulletin"),
)
def plan_bulletin(
    request: HttpRequest,
    plan_id: PathId,
    period: PeriodLabel = None,
    period_id: QueryId = None,
    format: Format = "docx",
    language: Language | None = None,
) -> HttpResponse:
    return _generate(request, plan_id, language, kind="bulletin", fmt=format, period=period_id or period)


@router.get(
    "/plans/{plan_id}/summary",
    response={200: None, **{k: v for k, v in responses(None).items() if k != 200}},
    summary="The annual work summary in the plan's own structure, as a file",
    openapi_extra=_binary("summary"),
)
def plan_summary(
    request: HttpRequest,
    plan_id: PathId,
    year: Annotated[int | None, Query(ge=1990, le=2200)] = None,
    format: Format = "docx",
    language: Language | None = None,
) -> HttpResponse:
    return _generate(request, plan_id, language, kind="summary", fmt=format, year=year)


class DocumentOut(Out):
    id: int
    plan_id: int
    kind: str
    format: str
    period_id: int | None
    year: Year
    created_at: dt.datetime
    created_by: str | None
    inputs: dict[str, Any]
    figures: dict[str, Any]
    sha256: str
    size: int
    seconds: float
    task_id: int | None = Field(description="The background task that makes it (null: made at once).")
    task_state: TaskState | None
    ready: bool = Field(description="The file is stored: GET /documents/{id}/file (who asked for it).")


def _document_out(row: GeneratedDocument) -> DocumentOut:
    return DocumentOut(
        id=row.pk,
        plan_id=row.plan_id,
        kind=row.kind,
        format=row.format,
        period_id=row.period_id,
        year=row.year,
        created_at=row.created_at,
        created_by=str(row.created_by) if row.created_by else None,
        inputs=row.inputs,
        figures=row.figures,
        sha256=row.sha256,
        size=row.size,
        seconds=row.seconds,
        task_id=row.task_id,
        task_state=TaskState(row.task.state) if row.task else None,
        ready=bool(row.file),
    )


@router.get(
    "/plans/{plan_id}/documents",
    response=responses(list[DocumentOut]),
    summary="The documents generated for the plan, newest first, with their inputs and figures",
)
def plan_documents(request: HttpRequest, plan_id: PathId) -> list[DocumentOut]:
    user = actor(request)
    plan = plan_selectors.plan_get_for_user(user=user, plan_id=plan_id)
    return [_document_out(row) for row in selectors.document_list(user=user, plan=plan)]


class DocumentIn(Input):
    kind: Literal["bulletin", "summary"]
    format: Format = "docx"
    period_id: Annotated[int | None, Field(ge=1, le=MAX_ID)] = Field(
        None, description="The bulletin's reporting period (required for a bulletin)."
    )
    year: Annotated[int | None, Field(ge=1990, le=2200)] = None
    language: Language | None = None


@router.post(
    "/plans/{plan_id}/documents",
    response=responses(DocumentOut, 202),
    summary="Ask for a bulletin or summary to be made in the background; follow its task",
)
def document_request(request: HttpRequest, plan_id: PathId, payload: DocumentIn) -> Any:
    from workplan.api.endpoints import status

    user = actor(request)
    plan = plan_selectors.plan_get_for_user(user=user, plan_id=plan_id)
    record = services.document_request(
        actor=user,
        plan=plan,
        kind=payload.kind,
        fmt=payload.format,
        period=payload.period_id,
        year=payload.year,
        language="en" if (payload.language or plan.language[:2]) == "en" else "zh-hans",
    )
    return status(202, _document_out(selectors.document_get_for_user(user=user, document_id=record.pk)))


@router.get(
    "/documents/{document_id}", response=responses(DocumentOut), summary="One generated document's record"
)
def document_get(request: HttpRequest, document_id: PathId) -> DocumentOut:
    return _document_out(selectors.document_get_for_user(user=actor(request), document_id=document_id))


@router.get(
    "/documents/{document_id}/file",
    response={200: None, **{k: v for k, v in responses(None).items() if k != 200}},
    summary="The made document's file (only for who asked for it)",
    openapi_extra=_binary("document"),
)
def document_file(request: HttpRequest, document_id: PathId) -> HttpResponse:
    record = selectors.document_file_for_user(user=actor(request), document_id=document_id)
    with record.file.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type=CONTENT_TYPES[record.format])
    response["Content-Disposition"] = f'attachment; filename="{record.download_name()}"'
    return response


class GoodPracticeIn(Input):
    note: ShortText = ""


class GoodPracticeOut(Out):
    report_id: int
    plan_id: int
    note: str
    marked_at: dt.datetime


def _mark_out(mark: GoodPractice) -> GoodPracticeOut:
    return GoodPracticeOut(
        report_id=mark.report_id, plan_id=mark.plan_id, note=mark.note, marked_at=mark.marked_at
    )


@router.put(
    "/reports/{report_id}/good-practice",
    response=responses(GoodPracticeOut),
    summary="Mark an accepted report as good practice (典型经验) for the bulletin",
)
def good_practice_mark(request: HttpRequest, report_id: PathId, payload: GoodPracticeIn) -> GoodPracticeOut:
    user = actor(request)
    report = progress_selectors.report_get_for_user(user=user, report_id=report_id)
    return _mark_out(services.good_practice_mark(actor=user, report=report, note=payload.note))


@router.delete(
    "/reports/{report_id}/good-practice",
    response={204: None, **{k: v for k, v in responses(None).items() if k != 200}},
    summary="Take the good-practice mark off a report",
)
def good_practice_unmark(request: HttpRequest, report_id: PathId) -> Any:
    from workplan.api.endpoints import status

    user = actor(request)
    mark = selectors.mark_get_for_user(user=user, report_id=report_id, action=Action.EDIT)
    services.good_practice_unmark(actor=user, mark=mark)
    return status(204, None)


class WordingOut(Out):
    values: dict[str, str]
    defaults: dict[str, str]
    version: int


class WordingIn(Input):
    """The sentences to reword (keys of `defaults`); an empty string restores the default."""

    # Any key in the schema: the service refuses a key that is not a sentence of `defaults` (422).
    values: dict[Annotated[str, StringConstraints(max_length=40)], ShortLongText]
    version: Version = 0


def _wording_out(user: Any, plan: Any) -> WordingOut:
    values, version = selectors.wording_for_user(user=user, plan=plan)
    return WordingOut(
        values=values, defaults={k: wording.default_text(k) for k in wording.KEYS}, version=version
    )


@router.get(
    "/plans/{plan_id}/report-wording",
    response=responses(WordingOut),
    summary="The wording of the plan's documents (title, issuer, number, fixed sentences)",
)
def plan_wording(request: HttpRequest, plan_id: PathId) -> WordingOut:
    user = actor(request)
    plan = plan_selectors.plan_get_for_user(user=user, plan_id=plan_id)
    return _wording_out(user, plan)


@router.put(
    "/plans/{plan_id}/report-wording",
    response=responses(WordingOut),
    summary="Reword the plan's documents; a broken placeholder is refused (422), nothing stored",
)
def plan_wording_update(request: HttpRequest, plan_id: PathId, payload: WordingIn) -> WordingOut:
    user = actor(request)
    plan = plan_selectors.plan_get_for_user(user=user, plan_id=plan_id)
    services.wording_update(
        actor=user, plan=plan, values=dict(payload.values), expected_version=payload.version or None
    )
    return _wording_out(user, plan)
