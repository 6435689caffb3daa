"""Plans: list, create, change, delete, dispatch; periods; the breakdown table out and in."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile
from pydantic import Field, StringConstraints

from workplan.accounts import selectors as unit_selectors
from workplan.api.endpoints import actor, changes_of, read_upload, status
from workplan.api.errors import ApiError
from workplan.api.pagination import keyset_page
from workplan.api.schemas import (
    DEFAULT_LIMIT,
    Id,
    IdCursor,
    Input,
    Limit,
    Note,
    Out,
    PathId,
    QueryId,
    Year,
    responses,
)
from workplan.permissions import Action
from workplan.plans import selectors as plan_selectors
from workplan.plans import services
from workplan.plans.breakdown.changes import BreakdownPreview, breakdown_import
from workplan.plans.breakdown.export import breakdown_export
from workplan.plans.models import Plan, PlanStatus
from workplan.progress import selectors as progress_selectors
from workplan.progress import services as progress_services
from workplan.progress.services import DispatchResult

router = Router(tags=["plans"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Language = Literal["zh", "en"]
PlanTitle = Annotated[str, StringConstraints(max_length=300, pattern=r"^[^\x00]*[^\x00\s][^\x00]*$")]


class PlanOut(Out):
    id: int
    title: str
    year: int
    status: PlanStatus
    language: str
    owner_unit_id: int
    owner_unit_name: str
    source_name: str
    item_count: int | None = Field(
        description="How many items the plan holds (in lists; null in other answers)."
    )
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class PlanPage(Out):
    items: list[PlanOut]
    next_cursor: str | None


def plan_out(plan: Plan) -> PlanOut:
    return PlanOut(
        id=plan.pk,
        title=plan.title,
        year=plan.year,
        status=PlanStatus(plan.status),
        language=plan.language,
        owner_unit_id=plan.owner_unit_id,
        owner_unit_name=plan.owner_unit.name,
        source_name=plan.source_name,
        item_count=getattr(plan, "item_count", None),
        created_at=plan.created_at,
        updated_at=plan.updated_at,
        version=plan.version,
    )


@router.get("/plans", response=responses(PlanPage), summary="Plans you may see")
def plan_list(
    request: HttpRequest,
    year: Annotated[int | None, Query(ge=1990, le=2200)] = None,
    status: PlanStatus | None = None,
    owner_unit_id: QueryId = None,
    cursor: IdCursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> PlanPage:
    plans = plan_selectors.plan_list_for_user(user=actor(request))
    if year is not None:
        plans = plans.filter(year=year)
    if status is not None:
        plans = plans.filter(status=status)
    if owner_unit_id is not None:
        plans = plans.filter(owner_unit_id=owner_unit_id)
    rows, next_cursor = keyset_page(plans, key="id", cursor=cursor, limit=limit, descending=True)
    return PlanPage(items=[plan_out(p) for p in rows], next_cursor=next_cursor)


class PlanIn(Input):
    title: PlanTitle
    year: Year
    owner_unit_id: Id
    status: PlanStatus = PlanStatus.DRAFT
    language: Language = "zh"


@router.post("/plans", response=responses(PlanOut, 201), summary="Create an empty plan (planners)")
def plan_create(request: HttpRequest, payload: PlanIn) -> Any:
    user = actor(request)
    owner = unit_selectors.unit_get_by_id_for_user(user=user, unit_id=payload.owner_unit_id)
    plan = services.plan_create(
        actor=user,
        title=payload.title,
        year=payload.year,
        owner_unit=owner,
        status=payload.status,
        language=payload.language,
    )
    return status(201, plan_out(plan_selectors.plan_get_for_user(user=user, plan_id=plan.pk)))


@router.get("/plans/{plan_id}", response=responses(PlanOut), summary="One plan")
def plan_get(request: HttpRequest, plan_id: PathId) -> PlanOut:
    return plan_out(plan_selectors.plan_get_for_user(user=actor(request), plan_id=plan_id))


class PlanPatch(Input):
    version: int = Field(
        ge=0, le=2**31, description="The `version` you read: a stale write is refused (409)."
    )
    title: PlanTitle | None = None
    year: Year | None = None
    status: PlanStatus | None = None
    language: Language | None = None
    owner_unit_id: Id | None = None


@router.patch("/plans/{plan_id}", response=responses(PlanOut), summary="Change a plan (its planners)")
def plan_update(request: HttpRequest, plan_id: PathId, payload: PlanPatch) -> PlanOut:
    user = actor(request)
    plan = plan_selectors.plan_get_for_user(user=user, plan_id=plan_id)
    changes = {k: v for k, v in changes_of(payload, exclude={"owner_unit_id"}).items() if v is not None}
    if payload.owner_unit_id is not None:
        changes["owner_unit"] = unit_selectors.unit_get_by_id_for_user(
            user=user, unit_id=payload.owner_unit_id
        )
    services.plan_update(actor=user, plan=plan, expected_version=payload.version, **changes)
    return plan_out(plan_selectors.plan_get_for_user(user=user, plan_id=plan.pk))


@router.delete("/plans/{plan_id}", response=responses(None, 204), summary="Delete a plan and its items")
def plan_delete(request: HttpRequest, plan_id: PathId) -> Any:
    user = actor(request)
    services.plan_delete(actor=user, plan=plan_selectors.plan_get_for_user(user=user, plan_id=plan_id))
    return status(204, None)


class DispatchIn(Input):
    note: Note = ""


class DispatchOut(Out):
    items: int
    tracks: int
    obligations: int


def dispatch_out(result: DispatchResult) -> DispatchOut:
    return DispatchOut(items=result.items, tracks=result.tracks, obligations=result.obligations)


@router.post(
    "/plans/{plan_id}/dispatch",
    response=responses(DispatchOut),
    summary="Dispatch (交办) the plan's items to their units",
)
def plan_dispatch(request: HttpRequest, plan_id: PathId, payload: DispatchIn) -> DispatchOut:
    user = actor(request)
    plan = plan_selectors.plan_get_for_user(user=user, plan_id=plan_id)
    return dispatch_out(progress_services.plan_dispatch(actor=user, plan=plan, note=payload.note))


class PeriodOut(Out):
    id: int
    plan_id: int
    index: int
    label: str
    start: dt.date
    end: dt.date
    due_date: dt.date
    closed: bool
    version: int


@router.get(
    "/plans/{plan_id}/periods", response=responses(list[PeriodOut]), summary="The plan's reporting periods"
)
def plan_periods(request: HttpRequest, plan_id: PathId) -> list[PeriodOut]:
    user = actor(request)
    plan = plan_selectors.plan_get_for_user(user=user, plan_id=plan_id)
    return [
        PeriodOut(
            id=p.pk,
            plan_id=p.plan_id,
            index=p.index,
            label=p.label,
            start=p.start,
            end=p.end,
            due_date=p.due_date,
            closed=p.is_closed,
            version=p.version,
        )
        for p in progress_selectors.plan_periods(user=user, plan=plan)
    ]


@router.get(
    "/plans/{plan_id}/breakdown",
    response={200: None, **{k: v for k, v in responses(None).items() if k != 200}},
    summary="The breakdown table (任务分解表) as .xlsx",
    openapi_extra={
        "responses": {
            200: {  # the same (int) key ninja uses, so the two merge instead of both being served
                "description": "The workbook (headers in the plan's language unless `language` is given).",
                "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def plan_breakdown_export(
    request: HttpRequest, plan_id: PathId, language: Language | None = None
) -> HttpResponse:
    user = actor(request)
    plan = plan_selectors.plan_get_for_user(user=user, plan_id=plan_id)
    response = HttpResponse(breakdown_export(user=user, plan=plan, language=language), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="breakdown-{plan.pk}.xlsx"'
    return response


class ChangeOut(Out):
    row: int
    column: str
    item_id: int | None
    field: str
    before: str
    after: str


class ProblemOut(Out):
    message: str
    row: int | None
    column: str | None


class BreakdownOut(Out):
    applied: bool = Field(description="True when the changes were stored (`apply` and no problems).")
    ok: bool = Field(description="True when the table has no problems.")
    changes: list[ChangeOut]
    problems: list[ProblemOut]
    notes: list[str]


def breakdown_out(preview: BreakdownPreview) -> BreakdownOut:
    return BreakdownOut(
        applied=preview.applied,
        ok=preview.ok,
        changes=[
            ChangeOut(
                row=c.row, column=c.column, item_id=c.item_id, field=c.field, before=c.before, after=c.after
            )
            for c in preview.changes
        ],
        problems=[ProblemOut(message=p.message, row=p.row, column=p.column) for p in preview.problems],
        notes=list(preview.notes),
    )


@router.post(
    "/plans/{plan_id}/breakdown",
    response=responses(BreakdownOut),
    summary="Import an edited breakdown table: a dry run, or `apply` to store it",
    description="Nothing is stored while any row has a problem; then the answer is 422 with the "
    "preview (changes and problems) in `error.details`.",
)
def plan_breakdown_import(
    request: HttpRequest,
    plan_id: PathId,
    file: File[UploadedFile] = None,  # type: ignore[assignment]
    apply: Form[bool] = False,
) -> BreakdownOut:
    user = actor(request)
    plan = plan_selectors.plan_get_for_user(user=user, plan_id=plan_id, action=Action.EDIT)
    name, data = read_upload(file)
    preview = breakdown_import(actor=user, plan=plan, data=data, filename=name, apply=apply)
    result = breakdown_out(preview)
    if apply and not preview.ok:
        raise ApiError(
            422,
            f"nothing was applied: the table has {len(preview.problems)} problem(s)",
            code="invalid",
            details=result.model_dump(),
        )
    return result
