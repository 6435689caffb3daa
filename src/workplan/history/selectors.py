"""Reads of the plan as it stood at the end of a past day (the as-of board, dashboard, owners, diff).

Permission policy: today's scope. Every read starts from ``visible_to(user)`` on today's rows,
so the past shows only what the user may see now (a unit that lost a task sees its history
only if it may still see the item).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Case, CharField, F, Q, Value, When

from workplan.accounts.models import Unit
from workplan.core.errors import NotFound
from workplan.history.dates import end_of_day
from workplan.history.overlay import Overlay, overlay_after
from workplan.history.reports import (
    NOTHING_SAID,
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
WORST_FIRST = (Status.OVERDUE, Status.AT_RISK)


class ItemFacts(NamedTuple):
    """What judging an item needs, as it stood at the instant (the dashboard's light row)."""

    pk: int
    path: str
    depth: int
    weight: Decimal
    start_date: dt.date | None
    due_date: dt.date | None


class TrackFacts(NamedTuple):
    """A track's id, item, unit and chain step at the instant (the dashboard's light row)."""

    pk: int
    item_id: int
    unit_id: int
    state: str


_LIGHT_FIELDS = ItemFacts._fields[1:]


def items_at(*, user: Any, plan: Plan, end: dt.datetime) -> list[PlanItem]:
    """The plan's items the user may see, with number, title, dates and status as at ``end``."""
    items = list(PlanItem.objects.visible_to(user).filter(plan=plan).only(*ITEM_FIELDS).order_by("path"))
    overlay = overlay_after(PlanItem, after=end)  # every item's changes since: few, through (type, at)
    kept = []
    for item in items:
        if item.pk in overlay.born_after:
            continue
        overlay.apply(item)
        item.plan = plan
        kept.append(item)
    return kept


def item_facts_at(*, user: Any, plan: Plan, end: dt.datetime) -> tuple[list[ItemFacts], Overlay]:
    """:func:`items_at` as plain tuples of the judged fields (no model instances), and the
    overlay, for the few items whose titles are shown (:func:`items_by_id_at`)."""
    rows = (
        PlanItem.objects.visible_to(user).filter(plan=plan).order_by("path").values_list("id", *_LIGHT_FIELDS)
    )
    found = [ItemFacts(*row) for row in rows]
    overlay = overlay_after(PlanItem, after=end)  # every item's changes since: few, through (type, at)
    kept = []
    for item in found:
        if item.pk in overlay.born_after:
            continue
        earlier = overlay.earlier.get(item.pk)
        if earlier:
            item = item._replace(**overlay.values(PlanItem, earlier, _LIGHT_FIELDS))
        kept.append(item)
    return kept, overlay


def items_by_id_at(*, ids: Iterable[int], plan: Plan, overlay: Overlay) -> dict[int, PlanItem]:
    """Those items as model instances with their values at the overlay's instant (titles shown)."""
    found: dict[int, PlanItem] = PlanItem.objects.only(*ITEM_FIELDS).in_bulk(list(ids))
    for item in found.values():
        overlay.apply(item)
        item.plan = plan
    return found


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


NOT_DISPATCHED = "not_dispatched"


def item_state_at(end: dt.datetime) -> Case:
    """The item's own state at ``end`` as an SQL expression over its ``ItemProgress``: not
    dispatched, open, or closed (completed / carried over). Items without one: not dispatched."""
    return Case(
        When(
            Q(dispatched_at__isnull=True) | Q(dispatched_at__gt=end),
            then=Case(
                When(closed_at__isnull=True, then=Value(NOT_DISPATCHED)), default=Value(ItemState.OPEN)
            ),
        ),
        When(closed_at__lte=end, then=F("state")),
        default=Value(ItemState.OPEN),
        output_field=CharField(),
    )


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
    items: list[Any]  # PlanItem instances, or ItemFacts (light)
    tracks: dict[int, list[Any]]  # item id -> Track instances (their unit set), or TrackFacts (light)
    reports: dict[int, TrackReports]
    warnings: dict[int, str]
    states: dict[int, str]
    periods: list[PeriodTally]  # the trend: reports per period then, of the tracks the user may see
    overlay: Overlay | None = None  # the items' (light reads only)


def _inputs(*, user: Any, plan: Plan, end: dt.datetime, light: bool = False) -> _Inputs:
    """What judging the plan at ``end`` needs. ``light``: items and tracks as plain tuples (the
    dashboard counts them and shows a few), else model instances (the board shows every row)."""
    overlay = None
    items: list[Any]
    if light:
        items, overlay = item_facts_at(user=user, plan=plan, end=end)
    else:
        items = items_at(user=user, plan=plan, end=end)
    by_id: dict[int, Any] = {item.pk: item for item in items}
    tracks: dict[int, list[Any]] = defaultdict(list)
    found = (
        Track.objects.visible_to(user)
        .filter(item__plan=plan, assigned_at__lte=end)
        .annotate(state_then=track_state_at(end))
        .order_by("id")
    )
    if light:
        for pk, item_id, unit_id, state_then in found.values_list("id", "item_id", "unit_id", "state_then"):
            if state_then != TrackState.REASSIGNED and item_id in by_id:
                tracks[item_id].append(TrackFacts(pk, item_id, unit_id, state_then))
    else:
        rows = list(found.only(*TRACK_FIELDS))
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
    then = dict(
        ItemProgress.objects.filter(plan=plan)
        .annotate(then=item_state_at(end))
        .values_list("item_id", "then")
    )
    states = {item.pk: str(then.get(item.pk, NOT_DISPATCHED)) for item in items}
    said = plan_reports_at(plan_id=plan.pk, end=end, visible_tracks=found.order_by().values("id"))
    return _Inputs(
        items=items,
        tracks=tracks,
        reports=said.tracks,
        warnings=warnings,
        states=states,
        periods=said.periods,
        overlay=overlay,
    )


def plan_board_at(*, user: Any, plan: Plan, day: dt.date) -> list[ItemStatusRow]:
    """Every item the user may see, as it stood at the end of ``day`` (see :func:`board_at`)."""
    return board_at(user=user, plan=plan, day=day)[0]


@dataclass(slots=True)
class JudgedTrack:
    """One unit's track judged at the instant (``track``: the Track or its TrackFacts)."""

    track: Any
    status: Status
    percent: int | None
    facts: rules_module.Facts
    warning_level: str | None

    @property
    def expected_percent(self) -> float:  # computed when shown (the board), not when counted
        return self.facts.expected_percent


@dataclass(slots=True)
class JudgedItem:
    """One item judged at the instant (``item``: the PlanItem or its ItemFacts)."""

    item: Any
    status: Status
    percent: int | None
    facts: rules_module.Facts
    due: dt.date
    state: str
    tracks: list[JudgedTrack]
    warning_level: str | None

    @property
    def expected_percent(self) -> float:
        return self.facts.expected_percent


def _judge(data: _Inputs, *, plan: Plan, day: dt.date) -> list[JudgedItem]:
    """Every item of ``data`` judged by the status rules with ``today = day``, in document order."""
    rules = rules_module.rules()
    order = {step.level: n for n, step in enumerate(rules.ladder, start=1)}
    judged: dict[int, JudgedItem] = {}
    children: dict[str, list[Status]] = defaultdict(list)
    for item in reversed(data.items):  # children before parents
        start, due = rules_module.window(start=item.start_date, due=item.due_date, year=plan.year)
        state = data.states[item.pk]
        per_track = []
        newest: list[TrackReports] = []
        for track in data.tracks.get(item.pk, []):
            said = data.reports.get(track.pk, NOTHING_SAID)
            newest.append(said)
            facts = rules_module.Facts(
                start=start,
                due=due,
                today=day,
                percent=said.percent,
                returned=said.returned,
                self_flagged=said.self_flagged,
                done=track.state == TrackState.COMPLETED,
            )
            per_track.append(
                JudgedTrack(
                    track=track,
                    status=rules_module.derive(facts, rules),
                    percent=said.percent,
                    facts=facts,
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
            returned=any(s.returned for s in newest),
            self_flagged=any(s.self_flagged for s in newest),
            done=state == ItemState.COMPLETED,
        )
        derived = rules_module.derive(facts, rules)
        if not per_track and state != ItemState.COMPLETED:
            derived = _roll_up(children.get(item.path, [])) or derived
        levels = [t.warning_level for t in per_track if t.warning_level]
        judged[item.pk] = JudgedItem(
            item=item,
            status=derived,
            percent=percent,
            facts=facts,
            due=due,
            state=state,
            tracks=per_track,
            warning_level=max(levels, key=lambda lv: order.get(lv, 0)) if levels else None,
        )
        if item.depth > 1:
            children[item.path[: -PlanItem.steplen]].append(derived)
    return [judged[item.pk] for item in data.items]


def judged_at(*, user: Any, plan: Plan, day: dt.date) -> tuple[list[JudgedItem], list[PeriodTally], Overlay]:
    """The light form of :func:`board_at` for counting (the dashboard): items and tracks as
    plain tuples, judged by the same rules; with the trend and the items' overlay."""
    data = _inputs(user=user, plan=plan, end=end_of_day(day), light=True)
    assert data.overlay is not None  # noqa: S101 - light reads always carry it
    return _judge(data, plan=plan, day=day), data.periods, data.overlay


def board_at(*, user: Any, plan: Plan, day: dt.date) -> tuple[list[ItemStatusRow], list[PeriodTally]]:
    """Every item the user may see as it stood at the end of ``day`` (the past's status board), and
    the reporting periods' tallies of the tracks the user may see, as they stood then.

    The same rows as ``progress.selectors.plan_status_board`` (so the tree and dashboard
    templates show them unchanged), judged by the same rules with ``today = day``, but from
    the values of that day: titles and dates from the audit log, chain steps from the tracks'
    stamps, percents and review states from the timeline, warnings raised by then.
    """
    data = _inputs(user=user, plan=plan, end=end_of_day(day))
    rows = []
    for judged in _judge(data, plan=plan, day=day):
        tracks = []
        for t in judged.tracks:
            t.track.latest_percent = t.percent
            tracks.append(TrackStatus(t.track, t.status, t.percent, t.expected_percent, t.warning_level))
        rows.append(
            ItemStatusRow(
                item=judged.item,
                status=judged.status,
                percent=judged.percent,
                expected_percent=judged.expected_percent,
                due=judged.due,
                state=judged.state,
                tracks=tracks,
                warning_level=judged.warning_level,
            )
        )
    return rows, data.periods


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
