"""Reads of the supervision chain, always scoped to the user asking.

Lists are built in a fixed number of queries whatever their length (tracks, periods and
reports are fetched once each and joined in Python). Missing and forbidden objects both
raise ``NotFound``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from workplan.accounts.models import Unit
from workplan.core import clock
from workplan.core.errors import NotFound
from workplan.permissions import Action
from workplan.plans.models import ItemStatus, Plan, PlanItem
from workplan.progress import evidence as evidence_files
from workplan.progress import ics
from workplan.progress import status as rules_module
from workplan.progress.models import (
    CLOSED_STATES,
    REPORTING_STATES,
    Escalation,
    EventKind,
    Evidence,
    FeedToken,
    ItemEvent,
    ItemProgress,
    ItemState,
    Notification,
    NotificationQuerySet,
    Occurrence,
    Period,
    ProgressReport,
    ReportStatus,
    SelfStatus,
    SpecialDay,
    Track,
    TrackQuerySet,
    TrackState,
)
from workplan.progress.policies import feed_is_valid
from workplan.progress.status import Status
from workplan.progress.workdays import WorkingDays

# --- calendar -------------------------------------------------------------------------------------


def working_days() -> WorkingDays:
    """Weekends plus the administrators' holiday and make-up-day list."""
    return WorkingDays(dict(SpecialDay.objects.values_list("date", "is_working")))


def holiday_list(*, user: Any, year: int | None = None) -> QuerySet[SpecialDay]:
    days = SpecialDay.objects.visible_to(user)
    return days.filter(date__year=year) if year is not None else days


def plan_periods(*, user: Any, plan: Plan) -> list[Period]:
    """The plan's reporting periods in order (empty until the plan has a calendar)."""
    return list(Period.objects.visible_to(user).filter(plan=plan).order_by("index"))


def period_for_date(*, periods: list[Period], day: dt.date) -> Period | None:
    """The period containing ``day`` among ``periods`` (as returned by :func:`plan_periods`)."""
    return next((p for p in periods if p.start <= day <= p.end), None)


def period_get_for_user(*, user: Any, period_id: Any, action: Action = Action.VIEW) -> Period:
    try:
        period: Period = Period.objects.visible_to(user, action).select_related("plan").get(pk=int(period_id))
    except (Period.DoesNotExist, ValueError, TypeError):
        raise NotFound("no such reporting period") from None
    return period


# --- tracks and reports ------------------------------------------------------------------------


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
    return reports.select_related("period", "unit", "item__plan").order_by("submitted_at", "id")


def open_subitems(*, user: Any, item: PlanItem) -> list[PlanItem]:
    """The item's visible descendants that are neither completed nor carried over."""
    descendants = (
        PlanItem.objects.visible_to(user)
        .filter(plan_id=item.plan_id, path__startswith=item.path, depth__gt=item.depth)
        .exclude(status=ItemStatus.ARCHIVED)
    )
    closed = ItemProgress.objects.filter(item__in=descendants.values("pk")).exclude(state=ItemState.OPEN)
    return list(descendants.exclude(pk__in=closed.values("item_id")).order_by("path"))


# --- my tasks (the unit's inbox) ---------------------------------------------------------------


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
        rows.append(
            TaskRow(
                track=track,
                status=rules_module.derive(track_facts(track, today)),
                current_period=current,
                current_report=reports.get((track.pk, current.pk)) if current else None,
                due_period=due,
                overdue_periods=[p for p in relevant if p.due_date < today],
                returned_reports=returned.get(track.pk, []),
            )
        )
    rows.sort(key=lambda r: (not r.needs_action, r.next_due_date or dt.date.max, r.track.item.path))
    return rows


# --- timeline, instructions, warnings -----------------------------------------------------------


def item_timeline(*, user: Any, item: PlanItem) -> list[ItemEvent]:
    """Every stamped step of the item, oldest first: 交办, 签收, 办理, 反馈, 审核, 办结, warnings,
    instructions and comments (raises NotFound when the user may not see the item)."""
    if not PlanItem.objects.visible_to(user).filter(pk=item.pk).exists():
        raise NotFound("no such item")
    return list(
        ItemEvent.objects.visible_to(user)
        .filter(item=item)
        .select_related("actor", "unit", "report__period")
        .order_by("at", "id")
    )


def item_remarks(*, user: Any, item: PlanItem) -> list[ItemEvent]:
    """The leaders' instructions (批示) and the comments on the item, oldest first."""
    return [
        e for e in item_timeline(user=user, item=item) if e.kind in (EventKind.INSTRUCTION, EventKind.COMMENT)
    ]


def escalation_list(
    *, user: Any, plan: Plan | None = None, unit: Unit | None = None, item: PlanItem | None = None
) -> QuerySet[Escalation]:
    """The supervision warnings the user may see, newest first (assessment reads these)."""
    warnings = Escalation.objects.visible_to(user).select_related("item__plan", "unit", "track")
    if plan is not None:
        warnings = warnings.filter(item__plan=plan)
    if unit is not None:
        warnings = warnings.filter(unit=unit)
    if item is not None:
        warnings = warnings.filter(item=item)
    return warnings.order_by("-raised_at", "-id")


# --- derived status -----------------------------------------------------------------------------


@dataclass
class TrackStatus:
    track: Track
    status: Status
    percent: int | None
    expected_percent: float
    warning_level: str | None  # the highest warning raised on the track


@dataclass
class ItemStatusRow:
    """An item's derived status, its slowest unit's percent, and each unit's own status."""

    item: PlanItem
    status: Status
    percent: int | None
    expected_percent: float
    due: dt.date
    state: str  # "not_dispatched", or ItemProgress.state
    tracks: list[TrackStatus]
    warning_level: str | None


_ROLL_UP_ORDER = [Status.OVERDUE, Status.AT_RISK]


def _roll_up(children: list[Status]) -> Status | None:
    if not children:
        return None
    if all(s == Status.DONE for s in children):
        return Status.DONE
    for worst in _ROLL_UP_ORDER:
        if worst in children:
            return worst
    if any(s in (Status.ON_TRACK, Status.DONE) for s in children):
        return Status.ON_TRACK
    return Status.NOT_STARTED


BOARD_ITEM_FIELDS = (
    "id", "plan_id", "path", "depth", "numchild", "number", "label", "title",
    "weight", "start_date", "due_date", "status",
)  # fmt: skip
BOARD_TRACK_FIELDS = (
    "id", "item_id", "unit_id", "role", "state", "latest_percent", "version",
    "unit__id", "unit__name", "unit__short_name", "unit__path", "unit__depth", "unit__code",
)  # fmt: skip


def plan_status_board(*, user: Any, plan: Plan, today: dt.date | None = None) -> list[ItemStatusRow]:
    """Every visible item of the plan with its derived status, in document order.

    Items with units are judged by the rules of ``progress.status`` (the slowest unit's
    percent); items without (parts, unassigned measures) roll up their children: done when
    all are, else the worst of overdue / at risk, else on track once anything moves.
    Five queries whatever the plan's size.
    """
    today = today or clock.today()
    rules = rules_module.rules()
    # Only the columns the board reads: a 2,000-item plan means ~4,000 model instances, and
    # every deferred text or datetime column not converted is time saved.
    items = list(
        PlanItem.objects.visible_to(user).filter(plan=plan).only(*BOARD_ITEM_FIELDS).order_by("path")
    )
    items_by_id = {item.pk: item for item in items}
    for item in items:
        item.plan = plan  # the same object for all: no query per item
    states = dict(ItemProgress.objects.filter(plan=plan).values_list("item_id", "state"))
    tracks_by_item: dict[int, list[Track]] = defaultdict(list)
    tracks = (
        with_latest(
            Track.objects.visible_to(user).filter(item__plan=plan).exclude(state=TrackState.REASSIGNED)
        )
        .select_related("unit")
        .only(*BOARD_TRACK_FIELDS)
    )
    for track in tracks.order_by("id"):
        if track.item_id in items_by_id:
            track.item = items_by_id[track.item_id]
        tracks_by_item[track.item_id].append(track)
    order = {step.level: n for n, step in enumerate(rules.ladder, start=1)}
    warnings: dict[int, str] = {}
    for track_id, level in Escalation.objects.filter(item__plan=plan).values_list("track_id", "level"):
        if order.get(level, 0) > order.get(warnings.get(track_id, ""), 0):
            warnings[track_id] = level
    rows: dict[int, ItemStatusRow] = {}
    children: dict[str, list[Status]] = defaultdict(list)
    for item in reversed(items):  # children before parents
        state = states.get(item.pk, "not_dispatched")
        start, due = rules_module.window(start=item.start_date, due=item.due_date, year=plan.year)
        per_track = []
        for track in tracks_by_item.get(item.pk, []):
            facts = track_facts(track, today)
            per_track.append(
                TrackStatus(
                    track=track,
                    status=rules_module.derive(facts, rules),
                    percent=track.latest_percent,
                    expected_percent=facts.expected_percent,
                    warning_level=warnings.get(track.pk),
                )
            )
        percents = [t.percent for t in per_track]
        percent = None if all(p is None for p in percents) else min(p or 0 for p in percents)
        facts = rules_module.Facts(
            start=start,
            due=due,
            today=today,
            percent=percent,
            returned=any(getattr(t.track, "latest_status", None) == ReportStatus.RETURNED for t in per_track),
            self_flagged=any(
                getattr(t.track, "latest_self_status", None) in (SelfStatus.AT_RISK, SelfStatus.BEHIND)
                for t in per_track
            ),
            done=state == ItemState.COMPLETED,
        )
        derived = rules_module.derive(facts, rules)
        if not per_track and state != ItemState.COMPLETED:
            derived = _roll_up(children.get(item.path, [])) or derived
        levels = [t.warning_level for t in per_track if t.warning_level]
        rows[item.pk] = ItemStatusRow(
            item=item,
            status=derived,
            percent=percent,
            expected_percent=facts.expected_percent,
            due=due,
            state=state,
            tracks=per_track,
            warning_level=max(levels, key=lambda lv: order.get(lv, 0)) if levels else None,
        )
        if item.depth > 1:
            children[item.path[: -PlanItem.steplen]].append(derived)
    return [rows[item.pk] for item in items]


def item_status(*, user: Any, item: PlanItem, today: dt.date | None = None) -> ItemStatusRow:
    """One item's derived status (see :func:`plan_status_board`)."""
    for row in plan_status_board(user=user, plan=item.plan, today=today):
        if row.item.pk == item.pk:
            return row
    raise NotFound("no such item")


# --- recurring obligations -----------------------------------------------------------------------


@dataclass
class OccurrenceRow:
    occurrence: Occurrence
    state: str  # "met", "missed", "open" (window now), "upcoming"


def occurrence_state(occurrence: Occurrence, today: dt.date) -> str:
    """Met when a report meets it; missed once its window has passed unmet."""
    if occurrence.met_by_id is not None:
        return "met"
    if occurrence.window_end < today:
        return "missed"
    return "open" if occurrence.window_start <= today else "upcoming"


def occurrence_list(
    *, user: Any, item: PlanItem | None = None, plan: Plan | None = None, today: dt.date | None = None
) -> list[OccurrenceRow]:
    """Expected occurrences of recurring obligations with their state, by item and window."""
    today = today or clock.today()
    occurrences = Occurrence.objects.visible_to(user).select_related(
        "obligation__target", "item", "met_by__period"
    )
    if item is not None:
        occurrences = occurrences.filter(item=item)
    if plan is not None:
        occurrences = occurrences.filter(item__plan=plan)
    ordered = occurrences.order_by("item__path", "obligation_id", "index")
    return [OccurrenceRow(o, occurrence_state(o, today)) for o in ordered]


# --- notifications -------------------------------------------------------------------------------


def notification_unread(*, user: Any) -> NotificationQuerySet:
    return (
        Notification.objects.visible_to(user).unread().select_related("item").order_by("-created_at", "-id")
    )


def notification_unread_count(*, user: Any) -> int:
    return Notification.objects.visible_to(user).unread().count()


def notification_list(*, user: Any, limit: int = 50) -> list[Notification]:
    return list(
        Notification.objects.visible_to(user).select_related("item").order_by("-created_at", "-id")[:limit]
    )


# --- evidence ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceFile:
    """What a view needs to serve a file: stream ``path`` as an attachment with these headers."""

    evidence: Evidence
    path: Path
    content_type: str
    filename: str
    size: int

    def read(self) -> bytes:
        return self.path.read_bytes()


def evidence_get_for_user(*, user: Any, evidence_id: Any) -> Evidence:
    try:
        evidence: Evidence = (
            Evidence.objects.visible_to(user).select_related("report__item").get(pk=int(evidence_id))
        )
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise NotFound("no such file") from None
    return evidence


def evidence_open(*, user: Any, evidence_id: Any) -> EvidenceFile:
    """The stored file of an evidence row, only for users who may see its report."""
    evidence = evidence_get_for_user(user=user, evidence_id=evidence_id)
    path = evidence_files.path_for(evidence.sha256)
    if not path.exists():
        raise NotFound("the file is missing from storage")
    return EvidenceFile(
        evidence=evidence,
        path=path,
        content_type=evidence.content_type,
        filename=evidence.original_name,
        size=evidence.size,
    )


# --- calendar feed -------------------------------------------------------------------------------


def feed_token_list(*, user: Any) -> QuerySet[FeedToken]:
    return FeedToken.objects.visible_to(user).select_related("unit").order_by("-created_at", "-id")


def _feed_token(raw: str) -> FeedToken:
    token = (
        FeedToken.objects.filter(token_hash=FeedToken.hash_of(raw or ""), revoked_at__isnull=True)
        .select_related("unit", "created_by")
        .first()
    )
    if token is None or not token.created_by.is_active:
        raise NotFound("no such calendar feed (the link may have been revoked)")
    if not feed_is_valid(token):
        raise NotFound("no such calendar feed (the link may have been revoked)")
    return token


def feed_ics(*, token: str) -> bytes:
    """The .ics calendar of a unit's (and its sub-units') deadlines, for a valid feed token.

    Events: each open reporting period's due date (one per plan), each task's due date,
    and each unmet occurrence of a recurring obligation. A revoked or unknown token, or one
    whose creator has left the unit, raises NotFound.
    """
    feed = _feed_token(token)
    unit = feed.unit
    tracks = list(
        Track.objects.filter(unit__path__startswith=unit.path)
        .exclude(state__in=CLOSED_STATES)
        .select_related("item__plan", "unit")
        .order_by("item__path")
    )
    events: list[ics.FeedEvent] = []
    per_plan: dict[int, list[Track]] = defaultdict(list)
    for track in tracks:
        per_plan[track.item.plan_id].append(track)
        if track.item.due_date:
            events.append(
                ics.FeedEvent(
                    uid=f"item-{track.item_id}-unit-{track.unit_id}@workplan",
                    day=track.item.due_date,
                    summary=f"任务截止 Task due: {track.item}",
                    description=f"{track.item.plan} · {track.unit}",
                    category="deadline",
                )
            )
    for period in Period.objects.filter(plan_id__in=per_plan, closed_at__isnull=True).select_related("plan"):
        count = len(per_plan[period.plan_id])
        events.append(
            ics.FeedEvent(
                uid=f"period-{period.pk}-unit-{unit.pk}@workplan",
                day=period.due_date,
                summary=f"进展报送 Reports due: {period.plan} {period.label} ({count})",
                description="\n".join(str(t.item) for t in per_plan[period.plan_id][:50]),
                category="report",
            )
        )
    occurrences = Occurrence.objects.filter(
        item_id__in={t.item_id for t in tracks}, met_by__isnull=True
    ).select_related("obligation", "item")
    events.extend(
        ics.FeedEvent(
            uid=f"occurrence-{occurrence.pk}@workplan",
            day=occurrence.window_end,
            summary=f"按期开展 Due: {occurrence.obligation.description} · {occurrence.item}",
            description=f"{occurrence.window_start} – {occurrence.window_end}",
            category="obligation",
        )
        for occurrence in occurrences
    )
    events.sort(key=lambda e: (e.day, e.uid))
    return ics.render(name=f"{unit} · workplan", events=events, stamp=clock.now())
