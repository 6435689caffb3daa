"""Reads of tracks and reports: one unit's work on one item."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from workplan.accounts.models import Unit
from workplan.core.errors import NotFound
from workplan.permissions import Action
from workplan.plans.models import ItemStatus, Plan, PlanItem
from workplan.progress import status as rules_module
from workplan.progress.models import (
    Evidence,
    ItemProgress,
    ItemState,
    Period,
    ProgressReport,
    ProgressReportQuerySet,
    ReportStatus,
    SelfStatus,
    Track,
    TrackQuerySet,
    TrackState,
)


def with_latest(tracks: TrackQuerySet) -> TrackQuerySet:
    """Annotate each track with the review status and self-assessment of its newest report."""
    newest = (
        ProgressReport.objects.filter(track=OuterRef("pk"))
        .exclude(status=ReportStatus.DRAFT)
        .order_by("-period__index")
    )
    annotated: TrackQuerySet = tracks.annotate(
        latest_status=Subquery(newest.values("status")[:1]),
        latest_self_status=Subquery(newest.values("self_status")[:1]),
    )
    return annotated


def track_facts(track: Track, today: dt.date) -> rules_module.Facts:
    """The facts the status rules read for one unit's track (annotated by :func:`with_latest`)."""
    start, due = rules_module.window(
        start=track.item.start_date, due=track.item.due_date, year=track.item.plan.year
    )
    latest_status = getattr(track, "latest_status", None)
    latest_self = getattr(track, "latest_self_status", None)
    return rules_module.Facts(
        start=start,
        due=due,
        today=today,
        percent=track.latest_percent,
        returned=latest_status == ReportStatus.RETURNED,
        self_flagged=latest_self in (SelfStatus.AT_RISK, SelfStatus.BEHIND),
        done=track.state == TrackState.COMPLETED,
    )


def track_get_for_user(*, user: Any, track_id: Any, action: Action = Action.VIEW) -> Track:
    """The track, if ``user`` may see (or, with EDIT, report on) it; otherwise NotFound."""
    try:
        track: Track = (
            Track.objects.visible_to(user, action).select_related("item__plan", "unit").get(pk=int(track_id))
        )
    except (Track.DoesNotExist, ValueError, TypeError):
        raise NotFound("no such task") from None
    return track


def item_tracks(*, user: Any, item: PlanItem) -> list[Track]:
    """The units' tracks on ``item`` (reassigned ones last), each with its newest report's flags."""
    tracks = with_latest(
        Track.objects.visible_to(user).filter(item=item).select_related("unit", "item__plan")
    )
    return sorted(tracks, key=lambda t: (t.state == TrackState.REASSIGNED, t.pk))


def report_get_for_user(*, user: Any, report_id: Any, action: Action = Action.VIEW) -> ProgressReport:
    try:
        report: ProgressReport = (
            ProgressReport.objects.visible_to(user, action)
            .select_related("track", "period", "item__plan", "unit")
            .prefetch_related("evidence")
            .get(pk=int(report_id))
        )
    except (ProgressReport.DoesNotExist, ValueError, TypeError):
        raise NotFound("no such report") from None
    return report


def item_reports(*, user: Any, item: PlanItem) -> QuerySet[ProgressReport]:
    """The item's reports the user may see, by period then unit, with their evidence."""
    return (
        ProgressReport.objects.visible_to(user)
        .filter(item=item)
        .select_related("period", "unit", "submitted_by", "reviewed_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("id")))
        .order_by("period__index", "unit__path")
    )


def reports_to_review(*, user: Any, plan: Plan | None = None) -> QuerySet[ProgressReport]:
    """Submitted reports waiting for a planner's review, in plans the user plans."""
    plans = Plan.objects.visible_to(user, Action.EDIT)
    reports = ProgressReport.objects.filter(status=ReportStatus.SUBMITTED, item__plan__in=plans.values("pk"))
    if plan is not None:
        reports = reports.filter(item__plan=plan)
    return (
        reports.select_related("period", "unit", "item__plan")
        .prefetch_related("evidence")
        .order_by("submitted_at", "id")
    )


def open_subitems(*, user: Any, item: PlanItem) -> list[PlanItem]:
    """The item's visible descendants that are neither completed nor carried over."""
    descendants = (
        PlanItem.objects.visible_to(user)
        .filter(plan_id=item.plan_id, path__startswith=item.path, depth__gt=item.depth)
        .exclude(status=ItemStatus.ARCHIVED)
    )
    closed = ItemProgress.objects.filter(item__in=descendants.values("pk")).exclude(state=ItemState.OPEN)
    return list(descendants.exclude(pk__in=closed.values("item_id")).order_by("path"))


def report_of(*, user: Any, track: Track, period: Period) -> ProgressReport | None:
    """The unit's report on ``track`` for ``period``, if it has one (and ``user`` may see it)."""
    found: ProgressReport | None = (
        ProgressReport.objects.visible_to(user).filter(track=track, period=period).first()
    )
    return found


def track_list_for_user(
    *,
    user: Any,
    plan: Plan | None = None,
    item: PlanItem | None = None,
    unit: Unit | None = None,
    state: str | None = None,
) -> TrackQuerySet:
    tracks = Track.objects.visible_to(user).select_related("unit")
    if plan is not None:
        tracks = tracks.filter(item__plan=plan)
    if item is not None:
        tracks = tracks.filter(item=item)
    if unit is not None:
        tracks = tracks.filter(unit=unit)
    if state:
        tracks = tracks.filter(state=state)
    return tracks


def report_list_for_user(
    *,
    user: Any,
    plan: Plan | None = None,
    item: PlanItem | None = None,
    unit: Unit | None = None,
    period: Period | None = None,
    status: str | None = None,
) -> ProgressReportQuerySet:
    reports = ProgressReport.objects.visible_to(user).prefetch_related("evidence")
    if plan is not None:
        reports = reports.filter(item__plan=plan)
    if item is not None:
        reports = reports.filter(item=item)
    if unit is not None:
        reports = reports.filter(unit=unit)
    if period is not None:
        reports = reports.filter(period=period)
    if status:
        reports = reports.filter(status=status)
    return reports
