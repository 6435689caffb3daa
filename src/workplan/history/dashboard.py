"""The dashboard of a past day: the same figures as today's, from the as-of board (history.selectors)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from workplan.accounts.models import Unit
from workplan.history.selectors import board_at
from workplan.plans.models import Plan, PlanItem
from workplan.progress.dashboard import WARNING_ORDER, Dashboard, PartSummary, Tally, TrendPoint, UnitSummary
from workplan.progress.selectors import ItemStatusRow
from workplan.progress.status import Status


def _attention_key(row: ItemStatusRow) -> tuple[Any, ...]:
    return (
        -WARNING_ORDER.get(row.warning_level or "", 0),
        row.status != Status.OVERDUE,
        row.due,
        row.item.path,
    )


def plan_dashboard_at(*, user: Any, plan: Plan, day: dt.date) -> Dashboard:
    """Everything the dashboard shows, as it stood at the end of ``day`` (items the user may see today)."""
    rows, periods = board_at(user=user, plan=plan, day=day)
    part_paths = sorted(row.item.path for row in rows if row.item.depth == 1)
    parts = {row.item.path: row.item for row in rows if row.item.depth == 1}
    overall = Tally()
    tallies: dict[Any, Tally] = defaultdict(Tally)  # keys: part path, unit id, (unit id, part path)
    units: dict[int, Unit] = {}
    for row in rows:
        if not row.tracks:
            continue
        part = row.item.path[: PlanItem.steplen]
        overall.add(row.status, row.percent, row.item.weight)
        tallies[part].add(row.status, row.percent, row.item.weight)
        for ts in row.tracks:
            units[ts.track.unit.pk] = ts.track.unit
            tallies[ts.track.unit.pk].add(ts.status, ts.percent, row.item.weight)
            tallies[(ts.track.unit.pk, part)].add(ts.status, ts.percent, row.item.weight)
    ordered_units = sorted(units.values(), key=lambda u: u.path)
    return Dashboard(
        plan=plan,
        today=day,
        rows=rows,
        overall=overall,
        parts=[PartSummary(part=parts[p], tally=tallies[p]) for p in part_paths if p in tallies],
        units=[UnitSummary(unit=u, tally=tallies[u.pk]) for u in ordered_units],
        attention=sorted(
            (r for r in rows if r.tracks and (r.status == Status.OVERDUE or r.warning_level)),
            key=_attention_key,
        ),
        trend=[
            TrendPoint(
                period_id=p.period_id,
                label=p.label,
                average_percent=round(p.percent_sum / p.counted) if p.counted else None,
                reports=p.reports,
                accepted=p.accepted,
                returned=p.returned,
            )
            for p in periods
        ],
        heat=[
            (u, [tallies[(u.pk, p)].percent if (u.pk, p) in tallies else None for p in part_paths])
            for u in ordered_units
        ],
    )
