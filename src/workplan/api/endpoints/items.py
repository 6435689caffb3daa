"""Plan items: the filtered, cursor-paginated tree; one item; its changes, completion and remarks."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import BeforeValidator, Field, StringConstraints

from workplan.accounts import selectors as unit_selectors
from workplan.api.endpoints import actor, changes_of, status
from workplan.api.endpoints.plans import DispatchIn, DispatchOut, dispatch_out
from workplan.api.pagination import keyset_page
from workplan.api.schemas import (
    DEFAULT_LIMIT,
    NO_NUL,
    Id,
    Input,
    IsoDate,
    Limit,
    LongText,
    Note,
    Out,
    PathCursor,
    PathId,
    QueryId,
    Reason,
    SearchText,
    Title,
    Year,
    cents,
    not_a_boolean,
    responses,
)
from workplan.core import tree
from workplan.plans import selectors as plan_selectors
from workplan.plans import services
from workplan.plans.models import AssignmentRole, ItemStatus, PlanItem, TargetKind
from workplan.progress import selectors as progress_selectors
from workplan.progress import services as progress_services
from workplan.progress.models import EventKind, ItemEvent, ItemProgress, ItemState

router = Router(tags=["items"])

Number = Annotated[str, StringConstraints(max_length=30, pattern=NO_NUL)]
Label = Annotated[str, StringConstraints(max_length=40, pattern=NO_NUL)]


Weight = Annotated[
    float,
    Field(ge=0, le=99999.99, description="Relative weight; stored with two decimal places."),
    BeforeValidator(not_a_boolean),
]


class OwnerOut(Out):
    id: int
    unit_id: int
    unit_name: str
    role: AssignmentRole


class TargetOut(Out):
    id: int
    text: str
    kind: TargetKind
    comparator: str
    value: float | None
    value_max: float | None
    unit: str


class DeadlineOut(Out):
    id: int
    text: str
    date: dt.date | None


class ProgressOut(Out):
    state: ItemState
    closed_at: dt.datetime | None
    carried_to_year: int | None
    reason: str
    version: int = Field(description="Send it back as `version` to complete or carry over the item.")


class ItemOut(Out):
    id: int
    plan_id: int
    parent_id: int | None = Field(
        description="The parent item (null for a top-level part, or one you may not see)."
    )
    depth: int
    has_children: bool
    number: str
    label: str
    title: str
    body: str
    weight: float
    start_date: dt.date | None
    due_date: dt.date | None
    status: ItemStatus
    version: int
    owners: list[OwnerOut]
    targets: list[TargetOut]
    deadlines: list[DeadlineOut]
    progress: ProgressOut | None = Field(
        description="Completion (办结) or carry-over; null until dispatched."
    )


class ItemPage(Out):
    items: list[ItemOut]
    next_cursor: str | None


def _progress_out(progress: ItemProgress | None) -> ProgressOut | None:
    if progress is None:
        return None
    return ProgressOut(
        state=ItemState(progress.state),
        closed_at=progress.closed_at,
        carried_to_year=progress.carried_to_year,
        reason=progress.reason,
        version=progress.version,
    )


def item_out(item: PlanItem, parents: dict[str, int]) -> ItemOut:
    return ItemOut(
        id=item.pk,
        plan_id=item.plan_id,
        parent_id=parents.get(item.path[: -PlanItem.steplen]) if item.depth > 1 else None,
        depth=item.depth,
        has_children=item.numchild > 0,
        number=item.number,
        label=item.label,
        title=item.title,
        body=item.body,
        weight=float(item.weight),
        start_date=item.start_date,
        due_date=item.due_date,
        status=ItemStatus(item.status),
        version=item.version,
        owners=[
            OwnerOut(id=a.pk, unit_id=a.unit_id, unit_name=a.unit.name, role=AssignmentRole(a.role))
            for a in item.assignments.all()
        ],
        targets=[
            TargetOut(
                id=t.pk,
                text=t.text,
                kind=TargetKind(t.kind),
                comparator=t.comparator,
                value=t.value,
                value_max=t.value_max,
                unit=t.unit,
            )
            for t in item.targets.all()
        ],
        deadlines=[DeadlineOut(id=d.pk, text=d.text, date=d.date) for d in item.deadlines.all()],
        progress=_progress_out(getattr(item, "progress", None)),
    )


def _render(user: Any, rows: list[PlanItem]) -> list[ItemOut]:
    parents = tree.tree_parent_ids(PlanItem, rows, PlanItem.objects.visible_to(user))
    return [item_out(item, parents) for item in rows]


def _one(user: Any, item_id: int) -> ItemOut:
    item = plan_selectors.item_get_for_user(user=user, item_id=item_id)
    found = list(progress_selectors.item_list_for_user(user=user, plan=item.plan).filter(pk=item.pk))
    return _render(user, found)[0]


@router.get(
    "/plans/{plan_id}/items",
    response=responses(ItemPage),
    summary="The plan's items you may see, in document order, filtered",
    description="Items come in document (tree) order with `parent_id` and `depth`, so a client "
    "rebuilds the tree. Pages are cursor-based: pass `next_cursor` back as `cursor`.",
)
def item_list(
    request: HttpRequest,
    plan_id: PathId,
    unit_id: QueryId = None,
    include_subunits: Annotated[bool, Query(description="With `unit_id`: its sub-units' items too.")] = False,
    status: ItemStatus | None = None,
    state: Annotated[
        ItemState | None,
        Query(description="open (not yet completed or carried over), completed, carried_over"),
    ] = None,
    due_from: IsoDate | None = None,
    due_to: IsoDate | None = None,
    q: SearchText = None,
    parent_id: QueryId = None,
    depth: Annotated[int | None, Query(ge=1, le=64)] = None,
    cursor: PathCursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> ItemPage:
    user = actor(request)
    plan = plan_selectors.plan_get_for_user(user=user, plan_id=plan_id)
    items = progress_selectors.item_list_for_user(
        user=user,
        plan=plan,
        unit=unit_selectors.unit_get_by_id_for_user(user=user, unit_id=unit_id)
        if unit_id is not None
        else None,
        include_subunits=include_subunits,
        status=status,
        state=state,
        due_from=due_from,
        due_to=due_to,
        text=q,
        parent=plan_selectors.item_get_for_user(user=user, item_id=parent_id)
        if parent_id is not None
        else None,
        depth=depth,
    )
    rows: list[PlanItem]
    rows, next_cursor = keyset_page(items, key="path", cursor=cursor, limit=limit)
    return ItemPage(items=_render(user, rows), next_cursor=next_cursor)


class ItemIn(Input):
    title: Title
    parent_id: Id | None = Field(None, description="The parent item; omit for a new top-level part.")
    number: Number = ""
    label: Label = ""
    body: LongText = ""
    weight: Weight = 1
    start_date: IsoDate | None = None
    due_date: IsoDate | None = None


@router.post("/plans/{plan_id}/items", response=responses(ItemOut, 201), summary="Add an item (planners)")
def item_create(request: HttpRequest, plan_id: PathId, payload: ItemIn) -> Any:
    user = actor(request)
    plan = plan_selectors.plan_get_for_user(user=user, plan_id=plan_id)
    parent = (
        plan_selectors.item_get_for_user(user=user, item_id=payload.parent_id)
        if payload.parent_id is not None
        else None
    )
    item = services.item_create(
        actor=user,
        plan=plan,
        parent=parent,
        title=payload.title,
        number=payload.number,
        label=payload.label,
        body=payload.body,
        weight=cents(payload.weight),
        start_date=payload.start_date,
        due_date=payload.due_date,
    )
    return status(201, _one(user, item.pk))


@router.get("/items/{item_id}", response=responses(ItemOut), summary="One item with its owners and promises")
def item_get(request: HttpRequest, item_id: PathId) -> ItemOut:
    return _one(actor(request), item_id)


class ItemPatch(Input):
    version: int = Field(
        ge=0, le=2**31, description="The `version` you read: a stale write is refused (409)."
    )
    number: Number | None = None
    label: Label | None = None
    title: Title | None = None
    body: LongText | None = None
    weight: Weight | None = None
    start_date: IsoDate | None = Field(None, description="null clears the date.")
    due_date: IsoDate | None = Field(None, description="null clears the date.")
    status: ItemStatus | None = None


NULLABLE_ITEM_FIELDS = frozenset({"start_date", "due_date"})


@router.patch("/items/{item_id}", response=responses(ItemOut), summary="Change an item (planners)")
def item_update(request: HttpRequest, item_id: PathId, payload: ItemPatch) -> ItemOut:
    user = actor(request)
    item = plan_selectors.item_get_for_user(user=user, item_id=item_id)
    changes = {k: v for k, v in changes_of(payload).items() if v is not None or k in NULLABLE_ITEM_FIELDS}
    if changes.get("weight") is not None:
        changes["weight"] = cents(changes["weight"])
    services.item_update(actor=user, item=item, expected_version=payload.version, **changes)
    return _one(user, item.pk)


@router.delete("/items/{item_id}", response=responses(None, 204), summary="Delete an item and its sub-items")
def item_delete(request: HttpRequest, item_id: PathId) -> Any:
    user = actor(request)
    services.item_delete(actor=user, item=plan_selectors.item_get_for_user(user=user, item_id=item_id))
    return status(204, None)


class MoveIn(Input):
    target_id: Id = Field(description="The item to move next to, or into.")
    position: Literal["first-child", "last-child", "left", "right"]


@router.post("/items/{item_id}/move", response=responses(ItemOut), summary="Move an item with its sub-items")
def item_move(request: HttpRequest, item_id: PathId, payload: MoveIn) -> ItemOut:
    user = actor(request)
    item = plan_selectors.item_get_for_user(user=user, item_id=item_id)
    target = plan_selectors.item_get_for_user(user=user, item_id=payload.target_id)
    services.item_move(actor=user, item=item, target=target, position=payload.position)
    return _one(user, item.pk)


@router.post(
    "/items/{item_id}/dispatch",
    response=responses(DispatchOut),
    summary="Dispatch (交办) one item to its units",
)
def item_dispatch(request: HttpRequest, item_id: PathId, payload: DispatchIn) -> DispatchOut:
    user = actor(request)
    item = plan_selectors.item_get_for_user(user=user, item_id=item_id)
    return dispatch_out(progress_services.item_dispatch(actor=user, item=item, note=payload.note))


class CompleteIn(Input):
    note: Note = ""
    version: int | None = Field(None, ge=0, le=2**31, description="`progress.version` as you read it.")


class CarryOverIn(Input):
    reason: Reason
    to_year: Year | None = Field(None, description="Default: the year after the plan's.")
    version: int | None = Field(None, ge=0, le=2**31, description="`progress.version` as you read it.")


@router.post(
    "/items/{item_id}/complete", response=responses(ProgressOut), summary="Complete (办结) an item (planners)"
)
def item_complete(request: HttpRequest, item_id: PathId, payload: CompleteIn) -> ProgressOut:
    user = actor(request)
    item = plan_selectors.item_get_for_user(user=user, item_id=item_id)
    progress = progress_services.item_complete(
        actor=user, item=item, note=payload.note, expected_version=payload.version
    )
    return _progress_out(progress)  # type: ignore[return-value]


@router.post(
    "/items/{item_id}/carry-over",
    response=responses(ProgressOut),
    summary="Carry an unfinished item over to a later year (planners)",
)
def item_carry_over(request: HttpRequest, item_id: PathId, payload: CarryOverIn) -> ProgressOut:
    user = actor(request)
    item = plan_selectors.item_get_for_user(user=user, item_id=item_id)
    progress = progress_services.item_carry_over(
        actor=user,
        item=item,
        reason=payload.reason,
        to_year=payload.to_year,
        expected_version=payload.version,
    )
    return _progress_out(progress)  # type: ignore[return-value]


class EventOut(Out):
    id: int
    kind: EventKind
    at: dt.datetime
    actor: str
    unit_id: int | None
    track_id: int | None
    report_id: int | None
    text: str
    data: dict[str, Any]


def event_out(event: ItemEvent) -> EventOut:
    return EventOut(
        id=event.pk,
        kind=EventKind(event.kind),
        at=event.at,
        actor=event.actor_repr,
        unit_id=event.unit_id,
        track_id=event.track_id,
        report_id=event.report_id,
        text=event.text,
        data=dict(event.data or {}),
    )


@router.get(
    "/items/{item_id}/timeline",
    response=responses(list[EventOut]),
    summary="The item's timeline: 交办, 签收, 办理, 反馈, 审核, 办结, warnings, remarks",
)
def item_timeline(request: HttpRequest, item_id: PathId) -> list[EventOut]:
    user = actor(request)
    item = plan_selectors.item_get_for_user(user=user, item_id=item_id)
    return [event_out(e) for e in progress_selectors.item_timeline(user=user, item=item)]


class RemarkIn(Input):
    text: Annotated[str, StringConstraints(max_length=5000, pattern=r"^[^\x00]*[^\x00\s][^\x00]*$")]


def _remarks(request: HttpRequest, item_id: int, kind: str) -> list[EventOut]:
    user = actor(request)
    item = plan_selectors.item_get_for_user(user=user, item_id=item_id)
    return [event_out(e) for e in progress_selectors.item_remarks(user=user, item=item) if e.kind == kind]


@router.get("/items/{item_id}/comments", response=responses(list[EventOut]), summary="Comments on the item")
def comment_list(request: HttpRequest, item_id: PathId) -> list[EventOut]:
    return _remarks(request, item_id, EventKind.COMMENT)


@router.post(
    "/items/{item_id}/comments",
    response=responses(EventOut, 201),
    summary="Comment (the item's planners, units and leaders)",
)
def comment_create(request: HttpRequest, item_id: PathId, payload: RemarkIn) -> Any:
    user = actor(request)
    item = plan_selectors.item_get_for_user(user=user, item_id=item_id)
    return status(201, event_out(progress_services.comment_create(actor=user, item=item, text=payload.text)))


@router.get(
    "/items/{item_id}/instructions",
    response=responses(list[EventOut]),
    summary="Leaders' written instructions (批示) on the item",
)
def instruction_list(request: HttpRequest, item_id: PathId) -> list[EventOut]:
    return _remarks(request, item_id, EventKind.INSTRUCTION)


@router.post(
    "/items/{item_id}/instructions",
    response=responses(EventOut, 201),
    summary="Write an instruction (批示) (leaders over the plan or its units)",
)
def instruction_create(request: HttpRequest, item_id: PathId, payload: RemarkIn) -> Any:
    user = actor(request)
    item = plan_selectors.item_get_for_user(user=user, item_id=item_id)
    return status(
        201, event_out(progress_services.instruction_create(actor=user, item=item, text=payload.text))
    )
