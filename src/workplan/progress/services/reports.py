"""反馈 and 审核: progress reports, their review (accept / return)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from workplan.core import audit, clock
from workplan.core.errors import Conflict, Invalid
from workplan.core.services import instance_create, instance_update
from workplan.plans.models import PlanItem
from workplan.progress import notify, rollup_state
from workplan.progress.models import (
    WRITABLE_STATES,
    EventKind,
    ItemProgress,
    NotificationKind,
    Period,
    ProgressReport,
    ReportStatus,
    SelfStatus,
    Track,
    TrackState,
)
from workplan.progress.services._common import (
    _event,
    _locked_track,
    _require_planner,
    _require_reporter,
    _required_reason,
    _user_or_none,
)
from workplan.progress.services.dispatch import _advance


def _clean_percent(percent: Any) -> int:
    if isinstance(percent, bool) or not isinstance(percent, int):
        raise Invalid(
            "percent complete must be a whole number from 0 to 100", details={"percent": ["not a number"]}
        )
    if not 0 <= percent <= 100:
        raise Invalid(
            f"percent complete must be between 0 and 100, not {percent}",
            details={"percent": ["between 0 and 100"]},
        )
    return int(percent)


def _refresh_latest_percent(track: Track) -> None:
    """Cache the track's newest report facts (percent, returned, self-assessment) and its item's."""
    rollup_state.refresh_tracks(Track.objects.filter(pk=track.pk))
    fresh = Track.objects.filter(pk=track.pk).values(
        "latest_percent", "latest_returned", "latest_self_flagged"
    )
    for name, value in fresh.get().items():
        setattr(track, name, value)


def _item_closed(item: PlanItem) -> ItemProgress | None:
    progress = ItemProgress.objects.filter(item=item).first()
    return progress if progress is not None and progress.is_closed else None


@transaction.atomic
def report_save(
    *,
    actor: Any,
    track: Track,
    period: Period,
    narrative: str,
    percent: int,
    self_status: str = SelfStatus.ON_TRACK,
    submit: bool = True,
    expected_version: int | None = None,
) -> ProgressReport:
    """Write (and by default submit) the unit's report on the item for ``period`` (反馈).

    One report per track and period: saving again edits it, and a returned report saved
    again is resubmitted. ``expected_version`` is the version you loaded (``0`` when the
    form was blank): a report saved by someone else in between is refused (``Conflict``).
    Refused: closed periods, accepted reports, percent outside 0–100, closed tasks.
    """
    _require_reporter(actor, track)
    percent = _clean_percent(percent)
    if self_status not in SelfStatus.values:
        raise Invalid(
            f"unknown self-assessed status {self_status!r}; use one of {', '.join(SelfStatus.values)}"
        )
    track = _locked_track(track)  # serialises two first saves of the same report
    period = Period.objects.get(pk=period.pk)
    if period.plan_id != track.item.plan_id:
        raise Invalid("that period belongs to another plan")
    if period.is_closed:
        raise Invalid(f"the period {period.label} is closed: it takes no more reports")
    if track.state not in WRITABLE_STATES or _item_closed(track.item):
        raise Invalid(f"this task is {track.get_state_display()}: it takes no more reports")
    now, by = clock.now(), _user_or_none(actor)
    fields: dict[str, Any] = {"narrative": narrative.strip(), "percent": percent, "self_status": self_status}
    if submit:
        fields.update(status=ReportStatus.SUBMITTED, submitted_at=now, submitted_by=by)
    report = ProgressReport.objects.filter(track=track, period=period).first()
    if report is None:
        if expected_version:
            raise Conflict(
                "the report you edited no longer exists; reload the page", details={"current": None}
            )
        try:
            with transaction.atomic():
                report = instance_create(
                    actor=actor,
                    instance=ProgressReport(
                        track=track, period=period, item=track.item, unit=track.unit, **fields
                    ),
                    action="report.submitted" if submit else "report.drafted",
                )
        except IntegrityError:
            current = ProgressReport.objects.get(track=track, period=period)
            raise Conflict(
                "someone else saved this report first; reload it to see their version",
                details={"current": audit.snapshot(current)},
            ) from None
        resubmitted = False
    else:
        if expected_version == 0:
            raise Conflict(
                "someone else saved this report first; reload it to see their version",
                details={"current": audit.snapshot(report)},
            )
        if report.status == ReportStatus.ACCEPTED:
            raise Invalid(f"the report for {period.label} was accepted and can no longer change")
        resubmitted = report.status == ReportStatus.RETURNED and submit
        if not submit and report.status != ReportStatus.DRAFT:
            fields["status"] = report.status
        action = "report.resubmitted" if resubmitted else ("report.submitted" if submit else "report.drafted")
        report = instance_update(
            actor=actor, instance=report, changes=fields, action=action, expected_version=expected_version
        )
    rollup_state.refresh_tally(period_id=period.pk, unit_id=track.unit_id)
    if submit:
        if track.state in (TrackState.ASSIGNED, TrackState.ACKNOWLEDGED):
            _advance(actor, track, to=TrackState.IN_PROGRESS, action="track.started", kind=EventKind.STARTED)
        _event(
            actor=actor,
            item=track.item,
            kind=EventKind.REPORTED,
            track=track,
            report=report,
            text=report.narrative[:500],
            data={"period": period.label, "percent": percent, "resubmitted": resubmitted},
        )
    # Also when a submitted report is edited without resubmitting: its new percent counts.
    _refresh_latest_percent(track)
    return report


def _reviewable(actor: Any, report: ProgressReport) -> ProgressReport:
    """The report as stored now (locked), if the actor may review it and it awaits review."""
    _require_planner(actor, report.item.plan)
    report = (
        ProgressReport.objects.select_for_update()
        .select_related("item__plan", "period", "unit")
        .get(pk=report.pk)
    )
    if report.status != ReportStatus.SUBMITTED:
        raise Invalid(f"only a submitted report can be reviewed; this one is {report.get_status_display()}")
    return report


@transaction.atomic
def report_accept(
    *, actor: Any, report: ProgressReport, note: str = "", expected_version: int | None = None
) -> ProgressReport:
    """The planner accepts a submitted report (审核通过); it is final afterwards."""
    report = _reviewable(actor, report)
    report = instance_update(
        actor=actor,
        instance=report,
        changes={
            "status": ReportStatus.ACCEPTED,
            "reviewed_at": clock.now(),
            "reviewed_by": _user_or_none(actor),
            "review_note": note.strip(),
        },
        action="report.accepted",
        expected_version=expected_version,
    )
    rollup_state.refresh_tally(period_id=report.period_id, unit_id=report.unit_id)
    _event(
        actor=actor, item=report.item, kind=EventKind.ACCEPTED, track=report.track, report=report, text=note
    )
    return report


@transaction.atomic
def report_return(
    *, actor: Any, report: ProgressReport, reason: str, expected_version: int | None = None
) -> ProgressReport:
    """The planner returns a submitted report (退回) with the reason; the unit fixes and resubmits it."""
    report = _reviewable(actor, report)
    reason = _required_reason(reason, "returning a report")
    report = instance_update(
        actor=actor,
        instance=report,
        changes={
            "status": ReportStatus.RETURNED,
            "reviewed_at": clock.now(),
            "reviewed_by": _user_or_none(actor),
            "review_note": reason,
        },
        action="report.returned",
        expected_version=expected_version,
        reason=reason,
    )
    rollup_state.refresh_tally(period_id=report.period_id, unit_id=report.unit_id)
    _event(
        actor=actor, item=report.item, kind=EventKind.RETURNED, track=report.track, report=report, text=reason
    )
    _refresh_latest_percent(report.track)
    notify.notify(
        recipients=notify.reporters_of(report.unit),
        kind=NotificationKind.RETURNED,
        title=lambda: (
            gettext("Report returned: %(item)s (%(period)s)")
            % {"item": report.item, "period": report.period.label}
        ),
        body=reason,
        item=report.item,
        units=[report.unit],
    )
    return report


@transaction.atomic
def report_save_with_evidence(
    *,
    actor: Any,
    track: Track,
    period: Period,
    narrative: str,
    percent: int,
    self_status: str = SelfStatus.ON_TRACK,
    submit: bool = True,
    expected_version: int | None = None,
    files: Sequence[tuple[str, bytes]] = (),
) -> ProgressReport:
    """Save (and by default submit) a report with its evidence files, all or nothing.

    One transaction and one size limit (the evidence service's): a file that is refused —
    too large, empty, of a kind not accepted — leaves the report exactly as it was, so the
    form never shows an error beside a report that went out without its evidence.
    """
    from workplan.progress.services.evidence import evidence_add

    report = report_save(
        actor=actor,
        track=track,
        period=period,
        narrative=narrative,
        percent=percent,
        self_status=self_status,
        submit=submit,
        expected_version=expected_version,
    )
    for name, data in files:
        evidence_add(actor=actor, report=report, filename=name, data=data)
    return report
