"""My tasks: the open work of the units a user reports for."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from workplan.accounts.models import Unit
from workplan.core import clock
from workplan.permissions import Action
from workplan.plans.models import PlanItem
from workplan.progress import status as rules_module
from workplan.progress.models import (
    CLOSED_STATES,
    REPORTING_STATES,
    WRITABLE_STATES,
    Period,
    ProgressReport,
    ReportStatus,
    Track,
    TrackState,
)
from workplan.progress.selectors.calendar import period_for_date
from workplan.progress.selectors.tracks import track_facts, with_latest
from workplan.progress.status import Status


@dataclass
class TaskRow:
    """One task in a reporter's inbox, with what it needs now."""

    track: Track
    status: Status
    current_period: Period | None  # the period containing today
    current_report: ProgressReport | None  # the report for it, if any
    due_period: Period | None  # a period whose report is owed and not yet late
    overdue_periods: list[Period] = field(default_factory=list)  # owed and past due
    returned_reports: list[ProgressReport] = field(default_factory=list)  # to fix and resubmit
    # When nothing is due: the period a report can be written for now (so every open track
    # has a next action), and its report if one is already submitted and awaiting review.
    report_period: Period | None = None
    awaiting_review: ProgressReport | None = None

    @property
    def item(self) -> PlanItem:
        return self.track.item

    @property
    def needs_action(self) -> bool:
        return bool(
            self.due_period
            or self.overdue_periods
            or self.returned_reports
            or self.track.state == TrackState.ASSIGNED
        )

    @property
    def next_due_date(self) -> dt.date | None:
        if self.overdue_periods:
            return self.overdue_periods[0].due_date
        return self.due_period.due_date if self.due_period else None


def _owed(report: ProgressReport | None) -> bool:
    return report is None or report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


def _report_period(periods: list[Period], current: Period | None, today: dt.date) -> Period | None:
    """The open period to report in now: today's, else the latest begun, else the first."""
    open_ = [p for p in periods if not p.is_closed]
    if current is not None and not current.is_closed:
        return current
    begun = [p for p in open_ if p.start <= today]
    return begun[-1] if begun else (open_[0] if open_ else None)


def my_tasks(*, user: Any, today: dt.date | None = None) -> list[TaskRow]:
    """The open tasks of the units the user reports for (and their sub-units): what is due
    this period, what is overdue, what was returned. Four queries whatever the count."""
    today = today or clock.today()
    units = Unit.objects.visible_to(user, Action.REPORT).values("pk")
    tracks = list(
        with_latest(
            Track.objects.filter(unit_id__in=units)
            .exclude(state__in=CLOSED_STATES)
            .select_related("item__plan", "unit")
            .order_by("item__plan_id", "item__path", "unit__path")
        )
    )
    periods_by_plan: dict[int, list[Period]] = defaultdict(list)
    for period in Period.objects.filter(plan_id__in={t.item.plan_id for t in tracks}).order_by(
        "plan_id", "index"
    ):
        periods_by_plan[period.plan_id].append(period)
    reports: dict[tuple[int, int], ProgressReport] = {}
    returned: dict[int, list[ProgressReport]] = defaultdict(list)
    for report in ProgressReport.objects.filter(track__in=[t.pk for t in tracks]).select_related("period"):
        reports[(report.track_id, report.period_id)] = report
        if report.status == ReportStatus.RETURNED:
            returned[report.track_id].append(report)
    rows = []
    for track in tracks:
        periods = periods_by_plan.get(track.item.plan_id, [])
        current = period_for_date(periods=periods, day=today)
        owes = track.state in REPORTING_STATES
        assigned_on = timezone.localdate(track.assigned_at)
        relevant = [
            p
            for p in periods
            if owes
            and p.start <= today
            and not p.is_closed
            and assigned_on <= p.due_date
            and (track.item.start_date is None or track.item.start_date <= p.end)
            and _owed(reports.get((track.pk, p.pk)))
        ]
        due = next((p for p in relevant if p.due_date >= today), None)
        report_period = _report_period(periods, current, today) if track.state in WRITABLE_STATES else None
        written = reports.get((track.pk, report_period.pk)) if report_period else None
        rows.append(
            TaskRow(
                track=track,
                status=rules_module.derive(track_facts(track, today)),
                current_period=current,
                current_report=reports.get((track.pk, current.pk)) if current else None,
                due_period=due,
                overdue_periods=[p for p in relevant if p.due_date < today],
                returned_reports=returned.get(track.pk, []),
                report_period=report_period,
                awaiting_review=written if written and written.status == ReportStatus.SUBMITTED else None,
            )
        )
    rows.sort(key=lambda r: (not r.needs_action, r.next_due_date or dt.date.max, r.track.item.path))
    return rows
