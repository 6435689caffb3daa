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
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import QuerySet

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


class ReportRow(NamedTuple):
    """One report of the plan at the instant: its track and period, review state and percent then.

    The review state is the report's status name ("submitted", "accepted", "returned")."""

    track_id: int
    period_id: int
    period_index: int
    period_label: str
    state: str
    percent: int
    self_status: str
    report_id: int


_REVIEW_KINDS = "('reported', 'accepted', 'returned')"


@dataclass
class PeriodTally:
    """One period's reports at the instant: how many, reviewed how, and the sum of the counted percents."""

    period_id: int
    period_index: int
    label: str
    reports: int = 0
    accepted: int = 0
    returned: int = 0
    percent_sum: int = 0
    counted: int = 0

    def add(self, state: str, percent: int, n: int = 1) -> None:
        self.reports += n
        self.accepted += n if state == "accepted" else 0
        self.returned += n if state == "returned" else 0
        if state != "returned":
            self.percent_sum += percent
            self.counted += n


@dataclass
class PlanReportsAt:
    """What the plan's reports said at the instant: per track (the board) and per period (the trend)."""

    tracks: dict[int, TrackReports]
    periods: list[PeriodTally]


def _unchanged_sql(t: dict[str, str]) -> str:
    """Reports of the plan sent and with no review event after the instant: as they are today."""
    return f"""
        SELECT r.id, r.track_id, p.id AS period_id, p."index" AS idx, p.label, r.status, r.percent, r.self_status
        FROM {t["report"]} r JOIN {t["period"]} p ON p.id = r.period_id
        WHERE r.item_id IN (SELECT i.id FROM {t["item"]} i WHERE i.plan_id = %s) AND r.status <> 'draft'
          AND NOT EXISTS (
              SELECT 1 FROM {t["event"]} e WHERE e.report_id = r.id AND e.at > %s AND e.kind IN {_REVIEW_KINDS}
          )
    """  # noqa: S608 - table names from the models, values are parameters


def plan_reports_at(*, plan_id: int, end: dt.datetime, visible_tracks: QuerySet[Any]) -> PlanReportsAt:
    """The plan's reports as they stood at ``end``, reduced in the database.

    A report with no ``reported``/``accepted``/``returned`` event after ``end`` stands today
    as it stood then, so its row is read as it is, and grouped in SQL: per track only its
    newest and newest not-returned report come back, per period only the counts. The reports
    that moved after ``end`` are replayed from their events up to ``end`` (none, for a report
    first sent later) and merged in. ``visible_tracks``: a query of the ids of the tracks to
    read (the user's); only their reports are read, for the board and the trend.
    """
    t = _tables()
    stamp = connection.ops.adapt_datetimefield_value(end)
    visible_sql, visible_params = visible_tracks.query.sql_with_params()
    # One statement, the unchanged set computed once: "T" rows are each track's newest and
    # newest not-returned report, "P" rows the counts per period and state (the trend).
    reduced = f"""
    WITH u AS MATERIALIZED ({_unchanged_sql(t)} AND r.track_id IN ({visible_sql})),
    g AS (
        SELECT track_id, MAX(idx) AS newest, MAX(CASE WHEN status <> 'returned' THEN idx END) AS counting
        FROM u GROUP BY track_id
    )
    SELECT 'T', u.track_id, u.period_id, u.idx, u.label, u.status, u.percent, u.self_status, u.id
    FROM u JOIN g ON g.track_id = u.track_id AND (u.idx = g.newest OR u.idx = g.counting)
    UNION ALL
    SELECT 'P', NULL, u.period_id, u.idx, u.label, u.status, COUNT(*), NULL, SUM(u.percent)
    FROM u GROUP BY u.period_id, u.idx, u.label, u.status
    """  # noqa: S608 - table names from the models, values are parameters
    moved = f"""
    SELECT r.track_id, p.id, p."index", p.label, e.kind, e.data, r.percent, r.self_status, r.id
    FROM {t["event"]} e JOIN {t["report"]} r ON r.id = e.report_id JOIN {t["period"]} p ON p.id = r.period_id
    WHERE e.at <= %s AND e.kind IN {_REVIEW_KINDS} AND e.report_id IN (
        SELECT m.report_id FROM {t["event"]} m
        WHERE m.at > %s AND m.kind IN {_REVIEW_KINDS}
          AND m.item_id IN (SELECT i.id FROM {t["item"]} i WHERE i.plan_id = %s)
    ) AND r.track_id IN ({visible_sql})
    ORDER BY e.at, e.id
    """  # noqa: S608 - table names from the models, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(reduced, [plan_id, stamp, *visible_params])
        rows, grouped = [], []
        for kind, *values in cursor.fetchall():
            if kind == "T":
                rows.append(ReportRow(*values))
            else:
                grouped.append(values)
        cursor.execute(moved, [stamp, stamp, plan_id, *visible_params])
        replayed: dict[int, ReportRow] = {}
        percent: dict[int, int] = {}
        for track, period, index, label, kind, data, pct, own, rid in cursor.fetchall():
            if kind == EventKind.REPORTED:
                percent[rid] = _percent(data, pct)
            replayed[rid] = ReportRow(
                track, period, index, label, STATE_OF_KIND[kind], percent.get(rid, pct), own, rid
            )
    periods: dict[int, PeriodTally] = {}
    for _track, period, index, label, status, count, _none, total in grouped:
        periods.setdefault(period, PeriodTally(period, index, label)).add(status, int(total or 0), n=count)
    for row in replayed.values():
        periods.setdefault(row.period_id, PeriodTally(row.period_id, row.period_index, row.period_label)).add(
            row.state, row.percent
        )
    return PlanReportsAt(
        tracks=track_reports_at(rows=rows + list(replayed.values()), end=end),
        periods=sorted(periods.values(), key=lambda p: p.period_index),
    )


def track_reports_at(*, rows: list[ReportRow], end: dt.datetime) -> dict[int, TrackReports]:
    """Per track id: what its reports said at ``end`` (tracks with no report then are absent):
    the newest report's state and self-assessment, and the newest not-returned report's percent."""
    newest: dict[int, ReportRow] = {}
    counting: dict[int, ReportRow] = {}
    for row in rows:
        if row.track_id not in newest or row.period_index > newest[row.track_id].period_index:
            newest[row.track_id] = row
        if row.state != "returned" and (
            row.track_id not in counting or row.period_index > counting[row.track_id].period_index
        ):
            counting[row.track_id] = row
    # A resubmission may have changed the self-assessment since: its audit row has the old one.
    newest_ids = [row.report_id for row in newest.values()]
    earlier = overlay_after(ProgressReport, after=end, ids=newest_ids, creations=False).earlier
    return {
        track_id: TrackReports(
            percent=counting[track_id].percent if track_id in counting else None,
            newest_state=row.state,
            newest_self_status=earlier.get(row.report_id, {}).get("self_status", row.self_status),
        )
        for track_id, row in newest.items()
    }


def _percent(data: Any, fallback: int) -> int:
    if isinstance(data, str):
        data = json.loads(data)
    value = data.get("percent") if isinstance(data, dict) else None
    return int(value) if isinstance(value, int | float) else fallback


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
