"""The dashboard of a past day: the same figures as today's, from the as-of judgement (history.selectors).

The plan's items and tracks are judged as light tuples (no model instance per row) and counted
here; model instances are read only for what the page names: the parts, the units and the
first listed items that need attention.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.paginator import Paginator

from workplan.accounts.models import Unit
from workplan.history.selectors import JudgedItem, items_by_id_at, judged_at
from workplan.plans.models import Plan, PlanItem
from workplan.progress.dashboard import (
    DASHBOARD_UNITS,
    WARNING_ORDER,
    AttentionRow,
    Dashboard,
    PartSummary,
    Tally,
    TrackRef,
    TrendPoint,
    UnitSummary,
)
from workplan.progress.models import Track
from workplan.progress.status import Status

ATTENTION_LISTED = 50  # as today's dashboard: the first rows, and how many there are


def _attention_key(row: JudgedItem) -> tuple[Any, ...]:
    return (
        -WARNING_ORDER.get(row.warning_level or "", 0),
        row.status != Status.OVERDUE,
        row.due,
        row.item.path,
    )


def plan_dashboard_at(
    *, user: Any, plan: Plan, day: dt.date, unit_page: int | str | None = None
) -> Dashboard:
    """Everything the dashboard shows, as it stood at the end of ``day`` (items the user may see today);
    the unit table and heat map hold page ``unit_page`` of the units, as today's dashboard does."""
    rows, periods, overlay = judged_at(user=user, plan=plan, day=day)
    part_paths = sorted(row.item.path for row in rows if row.item.depth == 1)
    overall = Tally()
    tallies: dict[Any, Tally] = defaultdict(Tally)  # keys: part path, unit id, (unit id, part path)
    for row in rows:
        if not row.tracks:
            continue
        part = row.item.path[: PlanItem.steplen]
        overall.add(row.status, row.percent, row.item.weight)
        tallies[part].add(row.status, row.percent, row.item.weight)
        for ts in row.tracks:
            unit_id = ts.track.unit_id
            tallies[unit_id].add(ts.status, ts.percent, row.item.weight)
            tallies[(unit_id, part)].add(ts.status, ts.percent, row.item.weight)
    unit_ids = {ts.track.unit_id for row in rows for ts in row.tracks}
    page = Paginator(Unit.objects.filter(pk__in=unit_ids).order_by("path"), DASHBOARD_UNITS).get_page(
        unit_page
    )
    ordered_units = list(page.object_list)
    attention = sorted(
        (r for r in rows if r.tracks and (r.status == Status.OVERDUE or r.warning_level)), key=_attention_key
    )
    listed = attention[:ATTENTION_LISTED]
    shown = items_by_id_at(
        ids=[r.item.pk for r in listed] + [row.item.pk for row in rows if row.item.depth == 1],
        plan=plan,
        overlay=overlay,
    )
    units = Unit.objects.in_bulk({ts.track.unit_id for r in listed for ts in r.tracks})
    parts = {shown[row.item.pk].path: shown[row.item.pk] for row in rows if row.item.depth == 1}
    return Dashboard(
        plan=plan,
        today=day,
        rows=[],
        overall=overall,
        parts=[PartSummary(part=parts[p], tally=tallies[p]) for p in part_paths if p in tallies],
        units=[UnitSummary(unit=u, tally=tallies[u.pk]) for u in ordered_units],
        attention=[
            AttentionRow(  # type: ignore[misc]
                item=shown[r.item.pk],
                status=r.status,
                percent=r.percent,
                due=r.due,
                warning_level=r.warning_level,
                # What the table shows of a track is its unit's name: no query for the tracks.
                tracks=[TrackRef(Track(id=ts.track.pk, unit=units[ts.track.unit_id])) for ts in r.tracks],
            )
            for r in listed
        ],
        attention_total=len(attention),
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
        unit_page=page,
        heat=[
            (u, [tallies[(u.pk, p)].percent if (u.pk, p) in tallies else None for p in part_paths])
            for u in ordered_units
        ],
    )
