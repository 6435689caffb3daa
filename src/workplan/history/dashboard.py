"""The dashboard of a past day: the same figures as today's, from the as-of board (history.selectors)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import connection

from workplan.accounts.models import Unit
from workplan.history.dates import end_of_day
from workplan.history.reports import _STATES_SQL, _tables
from workplan.history.selectors import plan_board_at
from workplan.plans.models import Plan, PlanItem
from workplan.progress.dashboard import WARNING_ORDER, Dashboard, PartSummary, Tally, TrendPoint, UnitSummary
from workplan.progress.models import Track
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
    rows = plan_board_at(user=user, plan=plan, day=day)
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
        trend=trend_at(user=user, plan=plan, day=day),
        heat=[
            (u, [tallies[(u.pk, p)].percent if (u.pk, p) in tallies else None for p in part_paths])
            for u in ordered_units
        ],
    )


def trend_at(*, user: Any, plan: Plan, day: dt.date) -> list[TrendPoint]:
    """Per period: the reports sent by the end of ``day`` and their review state then (one statement).

    Only the tracks the user may see today count (their scope's query is a subquery here).
    """
    visible_sql, visible_params = (
        Track.objects.visible_to(user).filter(item__plan=plan).values("id").query.sql_with_params()
    )
    sql = f"""
    WITH states AS ({_STATES_SQL})
    SELECT p.id, p.label, p."index",
           AVG(CASE WHEN s.kind <> 'returned' THEN r.percent END),
           COUNT(*),
           SUM(CASE WHEN s.kind = 'accepted' THEN 1 ELSE 0 END),
           SUM(CASE WHEN s.kind = 'returned' THEN 1 ELSE 0 END)
    FROM states s JOIN {{report}} r ON r.id = s.report_id JOIN {{period}} p ON p.id = r.period_id
    WHERE s.rn = 1 AND s.track_id IN ({visible_sql})
    GROUP BY p.id, p.label, p."index" ORDER BY p."index"
    """.format(**_tables())  # noqa: S608 - table names from the models, values are parameters
    stamp = connection.ops.adapt_datetimefield_value(end_of_day(day))
    with connection.cursor() as cursor:
        cursor.execute(sql, [plan.pk, stamp, *visible_params])
        rows = cursor.fetchall()
    return [
        TrendPoint(
            period_id=period_id,
            label=label,
            average_percent=round(average) if average is not None else None,
            reports=count,
            accepted=int(accepted or 0),
            returned=int(returned or 0),
        )
        for period_id, label, _index, average, count, accepted, returned in rows
    ]
