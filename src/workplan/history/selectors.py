"""Reads of the plan as it stood at the end of a past day (the as-of board, dashboard, owners, diff).

Permission policy: today's scope. Every read starts from ``visible_to(user)`` on today's rows,
so the past shows only what the user may see now (a unit that lost a task sees its history
only if it may still see the item).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, CharField, F, Q, Value, When

from workplan.accounts.models import Unit
from workplan.core.errors import NotFound
from workplan.history.dates import end_of_day
from workplan.history.overlay import overlay_after
from workplan.history.reports import (
    PeriodTally,
    ReportAt,
    TrackReports,
    item_reports_at,
    plan_reports_at,
)
from workplan.ledgers.selectors import IndicatorAttainment, item_indicators
from workplan.plans.models import Assignment, Plan, PlanItem
from workplan.plans.selectors import Owner, item_get_for_user
from workplan.progress import status as rules_module
from workplan.progress.models import (
    Escalation,
    ItemEvent,
    ItemProgress,
    ItemState,
    ProgressReport,
    ReportStatus,
    SelfStatus,
    Track,
    TrackState,
)
from workplan.progress.selectors import ItemStatusRow, TrackStatus, item_timeline
from workplan.progress.status import Status

ITEM_FIELDS = (
    "id", "plan_id", "path", "depth", "numchild", "number", "label", "title",
    "weight", "start_date", "due_date", "status",
)  # fmt: skip
TRACK_FIELDS = ("id", "item_id", "unit_id", "role", "state", "version")
UNIT_FIELDS = ("id", "name", "short_name", "path", "depth", "code")
FLAGGED = (SelfStatus.AT_RISK, SelfStatus.BEHIND)
WORST_FIRST = (Status.OVERDUE, Status.AT_RISK)


def items_at(*, user: Any, plan: Plan, end: dt.datetime) -> list[PlanItem]:
    """The plan's items the user may see, with number, title, dates and status as at ``end``."""
    items = list(PlanItem.objects.visible_to(user).filter(plan=plan).only(*ITEM_FIELDS).order_by("path"))
    overlay = overlay_after(PlanItem, after=end, ids=[item.pk for item in items])
    kept = []
    for item in items:
        if item.pk in overlay.born_after:
            continue
        overlay.apply(item)
        item.plan = plan
        kept.append(item)
    return kept


def track_state_at(end: dt.datetime) -> Case:
    """The chain step a track had reached at ``end``, from its own stamps, as an SQL expression
    (no stamp is read into Python: 4,000 tracks' datetimes cost more than the query)."""
    closed_by_then = Q(closed_at__lte=end) | Q(closed_at__isnull=True, state__in=_CLOSED, updated_at__lte=end)
    return Case(
        When(closed_by_then, then=F("state")),
        When(completion_requested_at__lte=end, then=Value(TrackState.COMPLETION_REQUESTED)),
        When(started_at__lte=end, then=Value(TrackState.IN_PROGRESS)),
        When(acknowledged_at__lte=end, then=Value(TrackState.ACKNOWLEDGED)),
        default=Value(TrackState.ASSIGNED),
        output_field=CharField(),
    )


_CLOSED = (TrackState.COMPLETED, TrackState.CARRIED_OVER, TrackState.REASSIGNED, TrackState.REFUSED)


def item_state_at(progress: Mapping[str, Any] | None, end: dt.datetime) -> str:
    """The item's own state at ``end``: not dispatched, open, or closed (completed / carried over)."""
    if progress is None or progress["dispatched_at"] is None or progress["dispatched_at"] > end:
        return "not_dispatched" if progress is None or progress["closed_at"] is None else str(ItemState.OPEN)
    if progress["closed_at"] is not None and progress["closed_at"] <= end:
        return str(progress["state"])
    return str(ItemState.OPEN)


def _roll_up(children: list[Status]) -> Status | None:
    """A parent without units of its own: done when all children are, else their worst, else moving."""
    if not children:
        return None
    if set(children) == {Status.DONE}:
        return Status.DONE
    worst = next((status for status in WORST_FIRST if status in children), None)
    if worst is not None:
        return worst
    moving = {Status.ON_TRACK, Status.DONE} & set(children)
    return Status.ON_TRACK if moving else Status.NOT_STARTED


@dataclass
class _Inputs:
    items: list[PlanItem]
    tracks: dict[int, list[Track]]
    reports: dict[int, TrackReports]
    warnings: dict[int, str]
    states: dict[int, str]
    periods: list[PeriodTally]  # the trend: reports per period then, of the tracks the user may see


def _inputs(*, user: Any, plan: Plan, end: dt.datetime) -> _Inputs:
    items = items_at(user=user, plan=plan, end=end)
    by_id = {item.pk: item for item in items}
    tracks: dict[int, list[Track]] = defaultdict(list)
    found = (
        Track.objects.visible_to(user)
        .filter(item__plan=plan, assigned_at__lte=end)
        .only(*TRACK_FIELDS)
        .annotate(state_then=track_state_at(end))
        .order_by("id")
    )
    rows = list(found)
    # The units once each (a hundred, not one per track): fewer model instances to build.
    units = Unit.objects.only(*UNIT_FIELDS).in_bulk({track.unit_id for track in rows})
    for track in rows:
        track.unit = units[track.unit_id]
        state_then = getattr(track, "state_then")  # noqa: B009 - an annotation
        if state_then == TrackState.REASSIGNED or track.item_id not in by_id:
            continue
        track.state = state_then
        track.item = by_id[track.item_id]
        tracks[track.item_id].append(track)
    order = {step.level: n for n, step in enumerate(rules_module.rules().ladder, start=1)}
    warnings: dict[int, str] = {}
    raised = Escalation.objects.filter(item__plan=plan, raised_at__lte=end).values_list("track_id", "level")
    for track_id, level in raised:
        if order.get(level, 0) > order.get(warnings.get(track_id, ""), 0):
            warnings[track_id] = level
    progress = {
        row["item_id"]: row
        for row in ItemProgress.objects.filter(plan=plan).values(
            "item_id", "state", "dispatched_at", "closed_at"
        )
    }
    states = {item.pk: item_state_at(progress.get(item.pk), end) for item in items}
    said = plan_reports_at(plan_id=plan.pk, end=end, visible_tracks=found.order_by().values("id"))
    return _Inputs(
        items=items,
        tracks=tracks,
        reports=said.tracks,
        warnings=warnings,
        states=states,
        periods=said.periods,
    )


def plan_board_at(*, user: Any, plan: Plan, day: dt.date) -> list[ItemStatusRow]:
    """Every item the user may see, as it stood at the end of ``day`` (see :func:`board_at`)."""
    return board_at(user=user, plan=plan, day=day)[0]


def board_at(*, user: Any, plan: Plan, day: dt.date) -> tuple[list[ItemStatusRow], list[PeriodTally]]:
    """Every item the user may see as it stood at the end of ``day`` (the past's status board), and
    the reporting periods' tallies of the tracks the user may see, as they stood then.

    The same rows as ``progress.selectors.plan_status_board`` (so the tree and dashboard
    templates show them unchanged), judged by the same rules with ``today = day``, but from
    the values of that day: titles and dates from the audit log, chain steps from the tracks'
    stamps, percents and review states from the timeline, warnings raised by then.
    """
    end = end_of_day(day)
    data = _inputs(user=user, plan=plan, end=end)
    rules = rules_module.rules()
    order = {step.level: n for n, step in enumerate(rules.ladder, start=1)}
    rows: dict[int, ItemStatusRow] = {}
    children: dict[str, list[Status]] = defaultdict(list)
    for item in reversed(data.items):  # children before parents
        start, due = rules_module.window(start=item.start_date, due=item.due_date, year=plan.year)
        state = data.states[item.pk]
        per_track = []
        newest: list[TrackReports] = []
        for track in data.tracks.get(item.pk, []):
            said = data.reports.get(track.pk, TrackReports(None, None, None))
            newest.append(said)
            track.latest_percent = said.percent
            facts = rules_module.Facts(
                start=start,
                due=due,
                today=day,
                percent=said.percent,
                returned=said.newest_state == ReportStatus.RETURNED,
                self_flagged=said.newest_self_status in FLAGGED,
                done=track.state == TrackState.COMPLETED,
            )
            per_track.append(
                TrackStatus(
                    track=track,
                    status=rules_module.derive(facts, rules),
                    percent=said.percent,
                    expected_percent=facts.expected_percent,
                    warning_level=data.warnings.get(track.pk),
                )
            )
        known = [t.percent for t in per_track if t.percent is not None]
        percent = min([t.percent or 0 for t in per_track]) if known else None
        facts = rules_module.Facts(
            start=start,
            due=due,
            today=day,
            percent=percent,
            returned=any(s.newest_state == ReportStatus.RETURNED for s in newest),
            self_flagged=any(s.newest_self_status in FLAGGED for s in newest),
            done=state == ItemState.COMPLETED,
        )
        derived = rules_module.derive(facts, rules)
        if not per_track and state != ItemState.COMPLETED:
            derived = _roll_up(children.get(item.path, [])) or derived
        levels = [t.warning_level for t in per_track if t.warning_level]
        rows[item.pk] = ItemStatusRow(
            item=item,
            status=derived,
            percent=percent,
            expected_percent=facts.expected_percent,
            due=due,
            state=state,
            tracks=per_track,
            warning_level=max(levels, key=lambda lv: order.get(lv, 0)) if levels else None,
        )
        if item.depth > 1:
            children[item.path[: -PlanItem.steplen]].append(derived)
    return [rows[item.pk] for item in data.items], data.periods


def item_row_at(*, user: Any, item: PlanItem, day: dt.date) -> ItemStatusRow:
    """One item's row of :func:`plan_board_at`; ``NotFound`` if it did not exist then."""
    for row in plan_board_at(user=user, plan=item.plan, day=day):
        if row.item.pk == item.pk:
            return row
    raise NotFound("no such item on that day")


def owners_at(*, user: Any, plan: Plan, day: dt.date) -> dict[int, list[Owner]]:
    """Item id -> the units assigned to it at the end of ``day`` (assignments made since left out,
    assignments removed since put back from their deletion's before image)."""
    end = end_of_day(day)
    rows = list(
        Assignment.objects.visible_to(user)
        .filter(item__plan=plan)
        .select_related("unit")
        .order_by("item_id", "role", "unit__path")
    )
    overlay = overlay_after(Assignment, after=end)
    owners: dict[int, list[Owner]] = defaultdict(list)
    visible_items = set(PlanItem.objects.visible_to(user).filter(plan=plan).values_list("id", flat=True))
    for row in rows:
        if row.pk in overlay.born_after:
            continue
        overlay.apply(row)
        owners[row.item_id].append(
            Owner(unit_id=row.unit_id, name=row.unit.short_name or row.unit.name, role=row.role)
        )
    removed = [image for pk, image in overlay.deleted.items() if image.get("item_id") in visible_items]
    if removed:
        units = Unit.objects.in_bulk({image.get("unit_id") for image in removed})
        for image in removed:
            unit = units.get(image.get("unit_id"))
            if unit is not None:
                owners[image["item_id"]].append(
                    Owner(unit_id=unit.pk, name=unit.short_name or unit.name, role=image.get("role", ""))
                )
    return owners


@dataclass(frozen=True)
class ItemPageAt:
    """The item page of a past day: the item then, its units' chains, reports, warnings, timeline."""

    item: PlanItem
    plan: Plan
    day: dt.date
    row: ItemStatusRow
    owners: list[Owner]
    reports: list[ReportAt]
    warnings: list[Escalation]
    timeline: list[ItemEvent]
    indicators: list[IndicatorAttainment]  # measured from the records dated up to the day


def item_page_at(*, user: Any, item_id: Any, day: dt.date) -> ItemPageAt:
    """The item as it stood at the end of ``day`` (``NotFound`` if the user may not see it, or it
    did not exist then)."""
    item = item_get_for_user(user=user, item_id=item_id)
    end = end_of_day(day)
    row = item_row_at(user=user, item=item, day=day)
    reports = list(
        ProgressReport.objects.visible_to(user)
        .filter(item=item)
        .select_related("unit", "period")
        .order_by("period__index", "unit__path")
    )
    return ItemPageAt(
        item=row.item,
        plan=item.plan,
        day=day,
        row=row,
        owners=owners_at(user=user, plan=item.plan, day=day).get(item.pk, []),
        reports=item_reports_at(reports=reports, end=end),
        warnings=list(
            Escalation.objects.visible_to(user).filter(item=item, raised_at__lte=end).select_related("unit")
        ),
        timeline=[event for event in item_timeline(user=user, item=item) if event.at <= end],
        indicators=item_indicators(item, user=user, as_of=day),
    )
