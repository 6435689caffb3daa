"""Each track's reports as they stood at a past instant, from the timeline's own stamps (SQL).

A report's review state at instant ``end`` is the kind of its newest ``reported`` /
``accepted`` / ``returned`` event at or before ``end``; its percent is the one its newest
``reported`` event carried (a returned report resubmitted with a new figure has two). A
report with no such event after ``end`` stands as it is today; a track none of whose reports
moved reads its stored roll-up inputs (``progress.rollup_state``). So the work grows with what
changed since the day, plus one grouped scan of the plan's reports for the trend (ADR 0002).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import QuerySet

from workplan.history.overlay import overlay_after
from workplan.plans.models import PlanItem
from workplan.progress.models import EventKind, ItemEvent, Period, ProgressReport, Track
from workplan.progress.rollup_state import FLAGGED_SELF

# The event kind that gives a report's review state.
STATE_OF_KIND: dict[str, str] = {
    EventKind.REPORTED: "submitted",
    EventKind.ACCEPTED: "accepted",
    EventKind.RETURNED: "returned",
}


@dataclass(frozen=True)
class TrackReports:
    """One track at the instant, as the status rules read it: its counting percent (the newest
    report not returned), and whether its newest report was returned or flagged by its unit."""

    percent: int | None
    returned: bool
    self_flagged: bool


NOTHING_SAID = TrackReports(None, returned=False, self_flagged=False)


def _tables() -> dict[str, str]:
    return {
        "event": ItemEvent._meta.db_table,
        "item": PlanItem._meta.db_table,
        "report": ProgressReport._meta.db_table,
        "period": Period._meta.db_table,
        "track": Track._meta.db_table,
    }


class ReportRow(NamedTuple):
    """One report of the plan at the instant: its track and period, review state and percent then.

    The review state is the report's status name ("submitted", "accepted", "returned")."""

    track_id: int
    period_id: int
    period_index: int
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


def _unchanged_sql(t: dict[str, str], moved: Iterable[int], tracks: str) -> str:
    """Reports of the ``tracks`` (a query of track ids, of one plan) sent and not among ``moved``
    (those with a review event after the instant): they stand as they are today. Reached
    through the tracks, whose query the planner estimates well even before ANALYZE."""
    return f"""
        SELECT r.id, r.track_id, r.period_id, p."index" AS idx, r.status, r.percent, r.self_status
        FROM {t["report"]} r JOIN {t["period"]} p ON p.id = r.period_id
        WHERE r.track_id IN ({tracks}) AND r.status <> 'draft' AND {_not_in("r.id", moved)}
    """  # noqa: S608 - table names from the models, ids are integers, values are parameters


def _moved_sql(t: dict[str, str]) -> str:
    """The plan's reports with a review event after the instant, and their tracks (params: plan id,
    instant), through the timeline's (item, at) index."""
    return f"""
        SELECT DISTINCT m.report_id, r.track_id FROM {t["event"]} m JOIN {t["report"]} r ON r.id = m.report_id
        WHERE m.item_id IN (SELECT i.id FROM {t["item"]} i WHERE i.plan_id = %s)
          AND m.at > %s AND m.kind IN {_REVIEW_KINDS}
    """  # noqa: S608 - table names from the models, values are parameters


def _id_list(ids: Iterable[int]) -> str:
    """Integer ids as an SQL list for ``IN`` (``NULL``, matching nothing, for none): a constant
    list both databases hash, where ``NOT IN (subquery)`` makes PostgreSQL re-run the subquery
    for every row."""
    return _joined(ids) or "NULL"


def _not_in(column: str, ids: Iterable[int]) -> str:
    """``column NOT IN (ids)`` as SQL, true for every row when there are none (``NOT IN (NULL)``
    would be true for none)."""
    listed = _joined(ids)
    return f"{column} NOT IN ({listed})" if listed else "1 = 1"


def _joined(ids: Iterable[int]) -> str:
    return ", ".join(str(int(pk)) for pk in ids)


def plan_reports_at(*, plan_id: int, end: dt.datetime, visible_tracks: QuerySet[Any]) -> PlanReportsAt:
    """The plan's reports as they stood at ``end``, reduced in the database.

    A report with no ``reported``/``accepted``/``returned`` event after ``end`` (and no audited
    edit since) stands today as it stood then. So a track none of whose reports moved since
    says today what it said then, and its inputs are read from the stored state that today's
    dashboard counts (``progress.rollup_state``: the same newest / counting report). Only the
    tracks with a report that moved are rebuilt: their unchanged reports as they are, their
    moved ones replayed from the events up to ``end`` (none, for a report first sent later).
    The trend counts every report per period and state in SQL. ``visible_tracks``: a query of
    the ids of the tracks to read (the user's); only their reports are read.
    """
    t = _tables()
    stamp = connection.ops.adapt_datetimefield_value(end)
    visible_sql, visible_params = visible_tracks.query.sql_with_params()
    # Self-assessments edited since (a resubmission): the audit row has the one of the instant.
    # Every report's edits since (few, through the audit log's (type, at) index), kept for this plan's.
    edited = overlay_after(ProgressReport, after=end, creations=False).earlier
    with connection.cursor() as cursor:
        cursor.execute(_moved_sql(t), [plan_id, stamp])
        moved_pairs = cursor.fetchall()
        moved_reports = sorted({report for report, _ in moved_pairs})
        moved_tracks = {track for _, track in moved_pairs}
        if edited:
            cursor.execute(
                f"""SELECT track_id FROM {t["report"]} WHERE id IN ({_id_list(edited)})
                AND item_id IN (SELECT i.id FROM {t["item"]} i WHERE i.plan_id = %s)""",  # noqa: S608 - as below
                [plan_id],
            )
            moved_tracks.update(track for (track,) in cursor.fetchall())
        rebuilt_tracks = sorted(moved_tracks)
        unchanged = _unchanged_sql(t, moved_reports, visible_sql)
        # One scan of the unchanged reports: "T" rows are the newest and newest not-returned
        # report of each rebuilt track, "P" rows the counts per period and state (the trend).
        cursor.execute(
            f"""
            WITH u AS MATERIALIZED ({unchanged}),
            g AS (
                SELECT track_id, MAX(idx) AS newest, MAX(CASE WHEN status <> 'returned' THEN idx END) AS counting
                FROM u WHERE track_id IN ({_id_list(rebuilt_tracks)}) GROUP BY track_id
            )
            SELECT 'T', u.track_id, u.period_id, u.idx, u.status, u.percent, u.self_status, u.id
            FROM u JOIN g ON g.track_id = u.track_id AND (u.idx = g.newest OR u.idx = g.counting)
            UNION ALL
            SELECT 'P', NULL, u.period_id, NULL, u.status, COUNT(*), NULL, SUM(u.percent)
            FROM u GROUP BY u.period_id, u.status
            """,  # noqa: S608 - table names from the models, ids are integers, values are parameters
            visible_params,
        )
        rows, grouped = [], []
        for kind, *values in cursor.fetchall():
            if kind == "T":
                rows.append(ReportRow(*values))
            else:
                grouped.append(values)
        cursor.execute(
            f"""
            SELECT r.track_id, p.id, p."index", e.kind, e.data, r.percent, r.self_status, r.id
            FROM {t["event"]} e JOIN {t["report"]} r ON r.id = e.report_id
            JOIN {t["period"]} p ON p.id = r.period_id
            WHERE e.report_id IN ({_id_list(moved_reports)}) AND e.at <= %s AND e.kind IN {_REVIEW_KINDS}
            ORDER BY e.at, e.id
            """,  # noqa: S608 - as above
            [stamp],
        )
        replayed: dict[int, ReportRow] = {}
        percent: dict[int, int] = {}
        # The user's tracks filtered here: in the statement, two id lists would be crossed.
        visible = moved_tracks & set(visible_tracks.values_list("id", flat=True))
        for track, period, index, kind, data, pct, own, rid in cursor.fetchall():
            if track not in visible:
                continue
            if kind == EventKind.REPORTED:
                percent[rid] = _percent(data, pct)
            replayed[rid] = ReportRow(
                track, period, index, STATE_OF_KIND[kind], percent.get(rid, pct), own, rid
            )
        cursor.execute(
            f"""SELECT k.id, k.latest_percent, k.latest_returned, k.latest_self_flagged FROM {t["track"]} k
            WHERE k.id IN ({visible_sql}) AND {_not_in("k.id", rebuilt_tracks)}""",  # noqa: S608 - as above
            visible_params,
        )
        stored = {
            track_id: TrackReports(percent, returned=bool(returned), self_flagged=bool(flagged))
            for track_id, percent, returned, flagged in cursor.fetchall()
        }
    # The periods' order and labels apart (a dozen rows): no text carried through the scan.
    named = {
        pk: (index, label)
        for pk, index, label in Period.objects.filter(plan_id=plan_id).values_list("id", "index", "label")
    }
    periods: dict[int, PeriodTally] = {}
    for _track, period, _index, status, count, _none, total in grouped:
        periods.setdefault(period, PeriodTally(period, *named[period])).add(status, int(total or 0), n=count)
    for row in replayed.values():
        periods.setdefault(row.period_id, PeriodTally(row.period_id, *named[row.period_id])).add(
            row.state, row.percent
        )
    rebuilt = track_reports_at(rows=rows + list(replayed.values()), edited=edited)
    return PlanReportsAt(
        tracks=stored | rebuilt,
        periods=sorted(periods.values(), key=lambda p: p.period_index),
    )


def track_reports_at(*, rows: list[ReportRow], edited: dict[int, dict[str, Any]]) -> dict[int, TrackReports]:
    """Per track id: what its reports (``rows``, as they stood) said (tracks with no report then
    are absent): the newest not-returned report's percent, the newest report's review and
    self-assessment (``edited``: the reports' earlier values from the audit log)."""
    newest: dict[int, ReportRow] = {}
    counting: dict[int, ReportRow] = {}
    for row in rows:
        if row.track_id not in newest or row.period_index > newest[row.track_id].period_index:
            newest[row.track_id] = row
        if row.state != "returned" and (
            row.track_id not in counting or row.period_index > counting[row.track_id].period_index
        ):
            counting[row.track_id] = row
    return {
        track_id: TrackReports(
            percent=counting[track_id].percent if track_id in counting else None,
            returned=row.state == "returned",
            self_flagged=edited.get(row.report_id, {}).get("self_status", row.self_status) in FLAGGED_SELF,
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
