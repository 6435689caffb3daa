"""Each track's reports as they stood at a past instant, from the timeline's own stamps (SQL).

A report's review state at instant ``end`` is the kind of its newest ``reported`` /
``accepted`` / ``returned`` event at or before ``end``; its percent is the one its newest
``reported`` event carried (a returned report resubmitted with a new figure has two). One
statement with window functions (SQLite 3.25+ and PostgreSQL) gives, per track, its newest
report and its newest report that counts (not returned), whatever the plan's size.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection

from workplan.history.overlay import overlay_after
from workplan.plans.models import PlanItem
from workplan.progress.models import EventKind, ItemEvent, Period, ProgressReport

# The event kind that gives a report's review state.
STATE_OF_KIND: dict[str, str] = {
    EventKind.REPORTED: "submitted",
    EventKind.ACCEPTED: "accepted",
    EventKind.RETURNED: "returned",
}


@dataclass(frozen=True)
class TrackReports:
    """One track at the instant: its counting percent, and its newest report's state and self-assessment."""

    percent: int | None
    newest_state: str | None
    newest_self_status: str | None


def _tables() -> dict[str, str]:
    return {
        "event": ItemEvent._meta.db_table,
        "item": PlanItem._meta.db_table,
        "report": ProgressReport._meta.db_table,
        "period": Period._meta.db_table,
    }


_STATES_SQL = """
    SELECT e.track_id, e.report_id, e.kind,
           ROW_NUMBER() OVER (PARTITION BY e.report_id ORDER BY e.at DESC, e.id DESC) AS rn
    FROM {event} e JOIN {item} i ON i.id = e.item_id
    WHERE i.plan_id = %s AND e.at <= %s AND e.report_id IS NOT NULL AND e.kind IN ('reported', 'accepted', 'returned')
"""


def _percent(data: Any, fallback: int) -> int:
    if isinstance(data, str):
        data = json.loads(data)
    value = data.get("percent") if isinstance(data, dict) else None
    return int(value) if isinstance(value, int | float) else fallback


def track_reports_at(*, plan_id: int, end: dt.datetime) -> dict[int, TrackReports]:
    """Per track id: what its reports said at ``end`` (tracks with no report then are absent)."""
    sql = f"""
    WITH states AS ({_STATES_SQL}),
    ranked AS (
        SELECT s.track_id, s.report_id, s.kind, r.self_status, r.percent,
               ROW_NUMBER() OVER (PARTITION BY s.track_id ORDER BY p."index" DESC) AS newest,
               ROW_NUMBER() OVER (
                   PARTITION BY s.track_id ORDER BY CASE WHEN s.kind = 'returned' THEN 1 ELSE 0 END, p."index" DESC
               ) AS counting
        FROM states s JOIN {{report}} r ON r.id = s.report_id JOIN {{period}} p ON p.id = r.period_id
        WHERE s.rn = 1
    )
    SELECT k.track_id, k.report_id, k.kind, k.self_status, k.percent, k.newest, k.counting,
           (SELECT e2.data FROM {{event}} e2
             WHERE e2.report_id = k.report_id AND e2.kind = 'reported' AND e2.at <= %s
             ORDER BY e2.at DESC, e2.id DESC LIMIT 1) AS reported
    FROM ranked k WHERE k.newest = 1 OR k.counting = 1
    """.format(**_tables())  # noqa: S608 - table names from the models, values are parameters
    found: dict[int, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        stamp = connection.ops.adapt_datetimefield_value(end)
        cursor.execute(sql, [plan_id, stamp, stamp])
        for track_id, report_id, kind, self_status, percent, newest, counting, reported in cursor.fetchall():
            row = found.setdefault(track_id, {"percent": None, "state": None, "self": None, "report": None})
            if newest == 1:
                row["state"], row["self"], row["report"] = STATE_OF_KIND.get(kind), self_status, report_id
            if counting == 1 and kind != EventKind.RETURNED:
                row["percent"] = _percent(reported, percent)
    # A resubmission may have changed the self-assessment since: its audit row has the old one.
    earlier = overlay_after(ProgressReport, after=end, ids=[row["report"] for row in found.values()]).earlier
    for row in found.values():
        row["self"] = earlier.get(row["report"], {}).get("self_status", row["self"])
    return {
        track_id: TrackReports(
            percent=row["percent"], newest_state=row["state"], newest_self_status=row["self"]
        )
        for track_id, row in found.items()
    }


@dataclass(frozen=True)
class ReportAt:
    """One report at the instant: its review state and percent then."""

    report: ProgressReport
    state: str
    percent: int


def item_reports_at(*, reports: list[ProgressReport], end: dt.datetime) -> list[ReportAt]:
    """The given reports (of one item, already scoped) as they stood at ``end``; unsent ones left out."""
    if not reports:
        return []
    events = (
        ItemEvent.objects.filter(
            report__in=reports,
            at__lte=end,
            kind__in=[EventKind.REPORTED, EventKind.ACCEPTED, EventKind.RETURNED],
        )
        .order_by("at", "id")
        .values_list("report_id", "kind", "data")
    )
    state: dict[int, str] = {}
    percent: dict[int, int] = {}
    by_id = {r.pk: r for r in reports}
    for report_id, kind, data in events:
        state[report_id] = STATE_OF_KIND[kind]
        if kind == EventKind.REPORTED:
            percent[report_id] = _percent(data, by_id[report_id].percent)
    return [
        ReportAt(report=r, state=state[r.pk], percent=percent.get(r.pk, r.percent))
        for r in reports
        if r.pk in state
    ]
