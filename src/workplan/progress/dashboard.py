"""The plan dashboard's numbers: roll-ups by status, part and unit, attention list, trend, heat map.

One call to :func:`plan_dashboard` costs the status board's few queries plus one for the
trend, whatever the plan's size; everything else is arithmetic on those rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Avg, Count, Q, Sum

from workplan.accounts.models import Unit
from workplan.core import clock
from workplan.plans.models import Plan, PlanItem, PlanStatus
from workplan.progress import status as rules_module
from workplan.progress.models import ProgressReport, ReportStatus, ReportTally, Track, TrackState
from workplan.progress.policies import plans_seen_whole
from workplan.progress.selectors import ItemStatusRow, plan_status_board, rollups
from workplan.progress.status import Status

STATUS_ORDER = (Status.OVERDUE, Status.AT_RISK, Status.NOT_STARTED, Status.ON_TRACK, Status.DONE)
WARNING_ORDER = {"red": 3, "yellow": 2, "blue": 1}


@dataclass
class Tally:
    """Counts of tracked items by status, and their weighted mean percent complete."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_ORDER, 0))
    weighted_percent: float = 0.0
    weight: float = 0.0

    def add(self, status: Status, percent: int | None, weight: Decimal | float) -> None:
        self.counts[status] += 1
        share = 100 if status == Status.DONE else (percent or 0)
        self.weighted_percent += share * float(weight)
        self.weight += float(weight)

    def add_group(self, group: rollups.Group) -> None:
        """Add a group counted in the database (see ``progress.selectors.rollups``)."""
        self.counts[Status(group.status)] += group.count
        self.weighted_percent += group.weighted
        self.weight += group.weight

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def percent(self) -> int | None:
        return round(self.weighted_percent / self.weight) if self.weight else None


@dataclass
class PartSummary:
    part: PlanItem
    tally: Tally


@dataclass
class UnitSummary:
    unit: Unit
    tally: Tally


@dataclass
class TrendPoint:
    period_id: int
    label: str
    average_percent: int | None
    reports: int
    accepted: int
    returned: int


@dataclass
class Dashboard:
    plan: Plan
    today: dt.date
    rows: list[ItemStatusRow]
    overall: Tally
    parts: list[PartSummary]
    units: list[UnitSummary]
    attention: list[ItemStatusRow]
    trend: list[TrendPoint]
    heat: list[tuple[Unit, list[int | None]]]  # per unit, the mean percent in each part (None: nothing there)
    attention_total: int | None = None  # when ``attention`` holds only the first rows
    unit_page: Page[Unit] | None = None  # when ``units`` and ``heat`` hold one page of the units

    @property
    def attention_count(self) -> int:
        """How many items need attention: all of them, even when ``attention`` holds the first."""
        return len(self.attention) if self.attention_total is None else self.attention_total


def _part_of(row: ItemStatusRow) -> str:
    return str(row.item.path[: PlanItem.steplen])


def plan_dashboard(*, user: Any, plan: Plan, today: dt.date | None = None) -> Dashboard:
    """Everything the dashboard shows, for the items of ``plan`` that ``user`` may see."""
    today = today or clock.today()
    rows = plan_status_board(user=user, plan=plan, today=today)
    parts = {row.item.path: row.item for row in rows if row.item.depth == 1}
    overall = Tally()
    by_part: dict[str, Tally] = defaultdict(Tally)
    by_unit: dict[int, Tally] = defaultdict(Tally)
    units: dict[int, Unit] = {}
    cell: dict[tuple[int, str], Tally] = defaultdict(Tally)
    for row in rows:
        if not row.tracks:
            continue  # parts and unassigned items are judged through their children
        overall.add(row.status, row.percent, row.item.weight)
        by_part[_part_of(row)].add(row.status, row.percent, row.item.weight)
        for track_status in row.tracks:
            unit = track_status.track.unit
            units[unit.pk] = unit
            by_unit[unit.pk].add(track_status.status, track_status.percent, row.item.weight)
            cell[(unit.pk, _part_of(row))].add(track_status.status, track_status.percent, row.item.weight)
    attention = sorted(
        (r for r in rows if r.tracks and (r.status == Status.OVERDUE or r.warning_level)),
        key=lambda r: (
            -WARNING_ORDER.get(r.warning_level or "", 0),
            r.status != Status.OVERDUE,
            r.due,
            r.item.path,
        ),
    )
    unit_rows = sorted(units.values(), key=lambda u: u.path)
    return Dashboard(
        plan=plan,
        today=today,
        rows=rows,
        overall=overall,
        parts=[
            PartSummary(part=parts[path], tally=by_part[path]) for path in sorted(parts) if path in by_part
        ],
        units=[UnitSummary(unit=unit, tally=by_unit[unit.pk]) for unit in unit_rows],
        attention=attention,
        trend=_trend(user=user, plan=plan),
        heat=[
            (
                unit,
                [
                    cell[(unit.pk, path)].percent if (unit.pk, path) in cell else None
                    for path in sorted(parts)
                ],
            )
            for unit in unit_rows
        ],
    )


def _trend(*, user: Any, plan: Plan) -> list[TrendPoint]:
    """Per reporting period: the mean reported percent and how reports were reviewed (one query).

    A user who sees every report of the plan sums its stored tallies (``ReportTally``: a row
    per unit and period); anyone else counts the reports they see."""
    if plan.pk in plans_seen_whole(user, [plan]):
        tallies = (
            ReportTally.objects.filter(period__plan=plan)
            .values("period_id", "period__label", "period__index")
            .annotate(
                kept=Sum("percent_sum"),
                kept_n=Sum("percent_count"),
                reports=Sum("reports"),
                accepted=Sum("accepted"),
                returned=Sum("returned"),
            )
            .order_by("period__index")
        )
        return [
            TrendPoint(
                period_id=row["period_id"],
                label=row["period__label"],
                average_percent=round(row["kept"] / row["kept_n"]) if row["kept_n"] else None,
                reports=row["reports"],
                accepted=row["accepted"],
                returned=row["returned"],
            )
            for row in tallies
            if row["reports"]
        ]
    rows = (
        ProgressReport.objects.visible_to(user)
        .filter(item__plan=plan, submitted_at__isnull=False)
        .values("period_id", "period__label", "period__index")
        .annotate(
            average=Avg("percent", filter=~Q(status=ReportStatus.RETURNED)),
            reports=Count("id"),
            accepted=Count("id", filter=Q(status=ReportStatus.ACCEPTED)),
            returned=Count("id", filter=Q(status=ReportStatus.RETURNED)),
        )
        .order_by("period__index")
    )
    return [
        TrendPoint(
            period_id=row["period_id"],
            label=row["period__label"],
            average_percent=round(row["average"]) if row["average"] is not None else None,
            reports=row["reports"],
            accepted=row["accepted"],
            returned=row["returned"],
        )
        for row in rows
    ]


@dataclass
class AttentionRow:
    """One overdue or escalated item as the dashboard lists it (counted in SQL)."""

    item: PlanItem
    status: Status
    percent: int | None
    due: dt.date
    warning_level: str | None
    tracks: list[Any]  # objects with ``.track`` (the unit's track), as ItemStatusRow.tracks


@dataclass
class TrackRef:
    """What the attention table reads of a unit's track (``.track.unit``)."""

    track: Track


DASHBOARD_UNITS = 50  # units a page of the dashboard's unit table and heat map shows


def plan_dashboard_counted(
    *, user: Any, plan: Plan, today: dt.date | None = None, unit_page: int | str | None = None
) -> Dashboard:
    """The dashboard's figures counted in the database (``progress.selectors.rollups``): the same
    numbers as :func:`plan_dashboard`, in a fixed number of queries, without the per-item rows
    (``rows`` is empty; ``attention`` holds the first 50 and ``attention_total`` all of them).
    ``units`` and ``heat`` hold page ``unit_page`` of the units at work, ``DASHBOARD_UNITS`` a page."""
    today = today or clock.today()
    overall = Tally()
    by_part: dict[str, Tally] = defaultdict(Tally)
    for group in rollups.item_groups(user=user, plans=[plan], today=today):
        overall.add_group(group)
        by_part[group.part].add_group(group)
    by_unit: dict[int, Tally] = defaultdict(Tally)
    cell: dict[tuple[int, str], Tally] = defaultdict(Tally)
    page = Paginator(rollups.units_at_work(user=user, plans=[plan]), DASHBOARD_UNITS).get_page(unit_page)
    unit_rows = list(page.object_list)
    shown = [u.pk for u in unit_rows]
    for group in rollups.unit_groups(user=user, plans=[plan], today=today, unit_ids=shown):
        unit_id = int(group.unit_id or 0)
        by_unit[unit_id].add_group(group)
        cell[(unit_id, group.part)].add_group(group)
    parts = {p.path: p for p in PlanItem.objects.visible_to(user).filter(plan=plan, depth=1)}
    total, first = rollups.attention_items(user=user, plan=plan, today=today)
    return Dashboard(
        plan=plan,
        today=today,
        rows=[],
        overall=overall,
        parts=[
            PartSummary(part=parts[path], tally=by_part[path]) for path in sorted(parts) if path in by_part
        ],
        units=[UnitSummary(unit=unit, tally=by_unit[unit.pk]) for unit in unit_rows],
        attention=_attention_rows(user=user, plan=plan, found=first),  # type: ignore[arg-type]
        attention_total=total,
        unit_page=page,
        trend=_trend(user=user, plan=plan),
        heat=[
            (
                unit,
                [
                    cell[(unit.pk, path)].percent if (unit.pk, path) in cell else None
                    for path in sorted(parts)
                ],
            )
            for unit in unit_rows
        ],
    )


def _attention_rows(*, user: Any, plan: Plan, found: list[rollups.AttentionItem]) -> list[AttentionRow]:
    """The listed items with their units: two queries for the page."""
    items = PlanItem.objects.visible_to(user).in_bulk([a.item_id for a in found])
    tracks: dict[int, list[TrackRef]] = defaultdict(list)
    visible = (
        Track.objects.visible_to(user).filter(item_id__in=list(items)).exclude(state=TrackState.REASSIGNED)
    )
    for track in visible.select_related("unit").order_by("id"):
        tracks[track.item_id].append(TrackRef(track))
    rows = []
    for a in found:
        item = items[a.item_id]
        item.plan = plan
        _, due = rules_module.window(start=item.start_date, due=item.due_date, year=plan.year)
        rows.append(AttentionRow(item, Status(a.status), a.percent, due, a.warning_level, tracks[a.item_id]))
    return rows


@dataclass
class PlanRollup:
    plan: Plan
    tally: Tally


@dataclass
class Overview:
    """The organisation-wide view: every active plan the user sees, by plan, by unit, by status."""

    today: dt.date
    overall: Tally
    plans: list[PlanRollup]
    units: list[UnitSummary]
    unit: Unit | None  # when narrowed to one unit: ``plans`` counts that unit's tasks only
    unit_page: Page[Unit] | None = None  # when ``units`` holds one page of the units


def organisation_overview(
    *,
    user: Any,
    today: dt.date | None = None,
    unit: Unit | None = None,
    units_per_page: int | None = None,
    unit_page: int | str | None = None,
) -> Overview:
    """Counted in the database (``progress.selectors.rollups``): a few queries, whatever the size
    of the plans; the user's scope applies (a unit's users see their own work). With
    ``units_per_page``, ``units`` holds page ``unit_page`` of the units (else every unit)."""
    today = today or clock.today()
    plans = list(Plan.objects.visible_to(user).filter(status=PlanStatus.ACTIVE).order_by("-year", "title"))
    by_plan: dict[int, Tally] = defaultdict(Tally)
    overall = Tally()
    by_unit: dict[int, Tally] = defaultdict(Tally)
    unit_ids: list[int] | None = None if unit is None else [unit.pk]
    page: Page[Unit] | None = None
    if unit is None and units_per_page:
        page = Paginator(rollups.units_at_work(user=user, plans=plans), units_per_page).get_page(unit_page)
        unit_ids = [u.pk for u in page.object_list]
    for group in rollups.unit_groups(user=user, plans=plans, today=today, unit_ids=unit_ids, by_part=False):
        by_unit[int(group.unit_id or 0)].add_group(group)
        if unit is not None:
            by_plan[group.plan_id].add_group(group)
    if unit is None:
        for group in rollups.item_groups(user=user, plans=plans, today=today):
            by_plan[group.plan_id].add_group(group)
    for tally in by_plan.values():
        overall.counts = {s: overall.counts[s] + tally.counts[s] for s in STATUS_ORDER}
        overall.weighted_percent += tally.weighted_percent
        overall.weight += tally.weight
    units = (
        list(page.object_list) if page else list(Unit.objects.filter(pk__in=list(by_unit)).order_by("path"))
    )
    return Overview(
        today=today,
        overall=overall,
        plans=[PlanRollup(plan, by_plan[plan.pk]) for plan in plans if plan.pk in by_plan],
        units=[UnitSummary(u, by_unit[u.pk]) for u in units],
        unit=unit,
        unit_page=page,
    )
