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

from django.db.models import Avg, Count, Q

from workplan.accounts.models import Unit
from workplan.core import clock
from workplan.plans.models import Plan, PlanItem
from workplan.progress.models import ProgressReport, ReportStatus
from workplan.progress.selectors import ItemStatusRow, plan_status_board
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
    """Per reporting period: the mean reported percent and how reports were reviewed (one query)."""
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
