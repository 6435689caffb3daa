"""The plan as it stood at the end of a past day, and what changed between two days."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import Field, StringConstraints

from workplan.api.endpoints import actor
from workplan.api.errors import ApiError
from workplan.api.schemas import Out, PathId, responses
from workplan.core import clock
from workplan.history import changes as history_changes
from workplan.history.dates import BadDay, change_window, check_past_day, parse_date
from workplan.plans import selectors as plan_selectors

router = Router(tags=["history"])

# Checked by the domain (with a readable message and 400), not by the schema (422).
DayText = Annotated[str, StringConstraints(max_length=40, pattern=r"^[^\x00]*$")]


class UnitAt(Out):
    unit: str
    state: str
    percent: int | None


class ItemAt(Out):
    id: int
    number: str
    title: str
    depth: int
    due: str = Field(description="The due date then (YYYY-MM-DD).")
    status: str
    percent: int | None
    warning: str | None
    state: str
    units: list[UnitAt]


class PlanAt(Out):
    plan: int
    as_of: str
    items: list[ItemAt]


class FieldChange(Out):
    field: str
    before: Any
    after: Any


class ItemChangeOut(Out):
    id: int
    number: str
    title: str
    kind: str = Field(description="added, removed or changed")
    fields: list[FieldChange]


class PlanChanges(Out):
    plan: int
    since: str
    until: str
    changes: list[ItemChangeOut]


def _bad_day(error: BadDay) -> ApiError:
    return ApiError(400, error.message, code="bad_date", details=error.details)


@router.get(
    "/plans/{plan_id}/as-of",
    response=responses(PlanAt),
    summary="The plan's items as they stood at the end of a day (titles, dates, percents, warnings)",
)
def plan_as_of(
    request: HttpRequest,
    plan_id: PathId,
    date: Annotated[
        DayText | None,
        Query(description="YYYY-MM-DD, not before the plan nor in the future (default: today)."),
    ] = None,
) -> PlanAt:
    user = actor(request)
    plan = plan_selectors.plan_get_for_user(user=user, plan_id=plan_id)
    try:
        day = check_past_day(plan, parse_date(date, name="date"), name="date") if date else clock.today()
    except BadDay as error:
        raise _bad_day(error) from None
    items = history_changes.plan_items_at(user=user, plan=plan, day=day)
    return PlanAt(plan=plan.pk, as_of=day.isoformat(), items=[ItemAt(**item) for item in items])


@router.get(
    "/plans/{plan_id}/changes",
    response=responses(PlanChanges),
    summary="What changed in the plan between the ends of two days (default: the last 30 days)",
)
def plan_changes(
    request: HttpRequest,
    plan_id: PathId,
    since: Annotated[
        DayText | None, Query(description="YYYY-MM-DD (default: 30 days before `until`).")
    ] = None,
    until: Annotated[DayText | None, Query(description="YYYY-MM-DD (default: today).")] = None,
) -> PlanChanges:
    user = actor(request)
    plan = plan_selectors.plan_get_for_user(user=user, plan_id=plan_id)
    try:
        first, last = change_window(plan, since=since, until=until)
    except BadDay as error:
        raise _bad_day(error) from None
    found = history_changes.plan_changes(user=user, plan=plan, since=first, until=last)
    return PlanChanges(
        plan=plan.pk,
        since=first.isoformat(),
        until=last.isoformat(),
        changes=[
            ItemChangeOut(
                id=c.item_id,
                number=c.number,
                title=c.title,
                kind=c.kind,
                fields=[FieldChange(field=name, before=old, after=new) for name, old, new in c.fields],
            )
            for c in found
        ],
    )
