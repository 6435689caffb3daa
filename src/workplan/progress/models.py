"""Supervision of the work: reporting periods, the 交办→办结 chain, reports, warnings, reminders.

The chain is kept per item × responsible unit in a :class:`Track` (linked to the plans app's
``Assignment``, which this app never changes itself), and per item overall in
:class:`ItemProgress`. Every step is stamped on those rows *and* appended to
:class:`ItemEvent`, which is what the timeline shows. Reads go through ``visible_to(user)``,
which applies the rules of ``workplan.permissions``.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workplan.accounts.models import Unit
from workplan.core.models import TimestampedModel
from workplan.plans.models import Assignment, Plan, PlanItem, Target

if TYPE_CHECKING:
    from workplan.permissions import Action

USER = settings.AUTH_USER_MODEL


def _item_visible(user: Any, action: Action | None, path: str = "item") -> Q:
    return Q(**{f"{path}__in": PlanItem.objects.visible_to(user, action).values("pk")})


def _plan_visible(user: Any, action: Action | None) -> Q:
    return Q(plan__in=Plan.objects.visible_to(user, action).values("pk"))


def _track_rule(user: Any, action: Action | None, prefix: str = "") -> Q:
    from workplan import permissions

    return permissions.track_rule(permissions.scope_for(user), action or permissions.Action.VIEW, prefix)


# --- the working-day calendar -------------------------------------------------------------


class SpecialDayQuerySet(models.QuerySet["SpecialDay"]):
    def visible_to(self, user: Any, action: Action | None = None) -> SpecialDayQuerySet:
        """Everyone signed in reads the holiday list; only administrators change it."""
        from workplan import permissions

        scope = permissions.scope_for(user)
        return self.filter(permissions.working_day_rule(scope, action or permissions.Action.VIEW))


class SpecialDay(TimestampedModel):
    """A public holiday (on a weekday) or a make-up working day (调休, on a weekend).

    Weekends are days off and weekdays are working days unless a row here says otherwise.
    """

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(_("working day"), default=False)
    name = models.CharField(_("name"), max_length=100, blank=True)

    objects: ClassVar[SpecialDayQuerySet] = SpecialDayQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("holiday or make-up day")
        verbose_name_plural = _("holidays and make-up days")
        ordering: ClassVar[list[str]] = ["date"]

    def __str__(self) -> str:
        kind = "workday" if self.is_working else "holiday"
        return f"{self.date} {self.name or kind}"


# --- reporting calendar and periods --------------------------------------------------------


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    FORTNIGHTLY = "fortnightly", _("fortnightly")


class ReportingCalendarQuerySet(models.QuerySet["ReportingCalendar"]):
    def visible_to(self, user: Any, action: Action | None = None) -> ReportingCalendarQuerySet:
        """A plan's calendar is seen by those who see the plan and changed by its planners."""
        return self.filter(_plan_visible(user, action))


class ReportingCalendar(TimestampedModel):
    """How often a plan's units report, and when: the period and the due day of each report.

    Monthly and quarterly reports are due on ``due_day`` of the period's last month (the
    month's last day when it is shorter); fortnightly ones on the period's last day. A due
    date on a day off moves to the next working day.
    """

    plan = models.OneToOneField(
        Plan, on_delete=models.CASCADE, related_name="reporting_calendar", verbose_name=_("plan")
    )
    frequency = models.CharField(
        _("frequency"), max_length=12, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    due_day = models.PositiveSmallIntegerField(
        _("due day"), default=25, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    remind_before_days = models.PositiveSmallIntegerField(
        _("remind this many working days before"), default=3, validators=[MaxValueValidator(30)]
    )
    remind_after_days = models.PositiveSmallIntegerField(
        _("urge this many working days after"), default=1, validators=[MinValueValidator(1)]
    )

    objects: ClassVar[ReportingCalendarQuerySet] = ReportingCalendarQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("reporting calendar")
        verbose_name_plural = _("reporting calendars")

    def __str__(self) -> str:
        return f"{self.plan} · {self.get_frequency_display()}"


class PeriodQuerySet(models.QuerySet["Period"]):
    def visible_to(self, user: Any, action: Action | None = None) -> PeriodQuerySet:
        return self.filter(_plan_visible(user, action))

    def open(self) -> PeriodQuerySet:
        return self.filter(closed_at__isnull=True)


class Period(TimestampedModel):
    """One reporting period of a plan (a month, a quarter, a fortnight) and its due date.

    A closed period takes no more reports.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="periods", verbose_name=_("plan"))
    index = models.PositiveSmallIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=20)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    due_date = models.DateField(_("report due"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects: ClassVar[PeriodQuerySet] = PeriodQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering: ClassVar[list[str]] = ["plan", "index"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["plan", "index"], name="period_unique_index")
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["plan", "start"])]

    def __str__(self) -> str:
        return self.label

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


# --- the chain: per item, per item × unit ---------------------------------------------------


class ItemState(models.TextChoices):
    OPEN = "open", _("open")
    COMPLETED = "completed", _("completed")
    CARRIED_OVER = "carried_over", _("carried over to next year")


class ItemProgressQuerySet(models.QuerySet["ItemProgress"]):
    def visible_to(self, user: Any, action: Action | None = None) -> ItemProgressQuerySet:
        return self.filter(_item_visible(user, action))


class ItemProgress(TimestampedModel):
    """The chain of one item as a whole: dispatched (交办), then completed (办结) or carried over.

    Items that were never dispatched have no row; they count as open.
    """

    item = models.OneToOneField(PlanItem, on_delete=models.CASCADE, related_name="progress")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(_("state"), max_length=14, choices=ItemState.choices, default=ItemState.OPEN)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    dispatched_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("completed or carried over at"), null=True, blank=True)
    closed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    carried_to_year = models.PositiveIntegerField(_("carried over to year"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects: ClassVar[ItemProgressQuerySet] = ItemProgressQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("item progress")
        verbose_name_plural = _("item progress")

    def __str__(self) -> str:
        return f"{self.item} · {self.get_state_display()}"

    @property
    def is_closed(self) -> bool:
        return self.state != ItemState.OPEN


class TrackState(models.TextChoices):
    ASSIGNED = "assigned", _("assigned (交办)")
    ACKNOWLEDGED = "acknowledged", _("acknowledged (签收)")
    IN_PROGRESS = "in_progress", _("in progress (办理)")
    COMPLETION_REQUESTED = "completion_requested", _("completion requested")
    COMPLETED = "completed", _("completed (办结)")
    CARRIED_OVER = "carried_over", _("carried over")
    REASSIGNED = "reassigned", _("reassigned")


# States in which the unit still owes periodic reports.
REPORTING_STATES = (TrackState.ASSIGNED, TrackState.ACKNOWLEDGED, TrackState.IN_PROGRESS)
# States in which the unit may still write a report.
WRITABLE_STATES = (*REPORTING_STATES, TrackState.COMPLETION_REQUESTED)
CLOSED_STATES = (TrackState.COMPLETED, TrackState.CARRIED_OVER, TrackState.REASSIGNED)


class TrackQuerySet(models.QuerySet["Track"]):
    def visible_to(self, user: Any, action: Action | None = None) -> TrackQuerySet:
        """Tracks the user may see or (``EDIT``) report on; see ``permissions.track_rule``."""
        return self.filter(_track_rule(user, action))

    def active(self) -> TrackQuerySet:
        return self.exclude(state__in=CLOSED_STATES)


class Track(TimestampedModel):
    """One responsible unit's chain on one item: 交办 → 签收 → 办理 → 反馈 … → 办结.

    Created when the planner dispatches the item, for each lead and responsible
    ``Assignment`` (cooperating units support the work but do not report). ``assignment`` is
    cleared when the plans app deletes it (a reassignment), so the track keeps its history.
    ``latest_percent`` caches the percent of the newest report that was not returned.
    """

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="tracks")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="tracks")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="tracks"
    )
    role = models.CharField(_("role"), max_length=12)
    state = models.CharField(
        _("state"), max_length=20, choices=TrackState.choices, default=TrackState.ASSIGNED
    )
    assigned_at = models.DateTimeField(_("assigned at"))
    assigned_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    started_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    completion_requested_at = models.DateTimeField(_("completion requested at"), null=True, blank=True)
    completion_requested_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_reason = models.TextField(_("reason"), blank=True)
    latest_percent = models.PositiveSmallIntegerField(_("latest percent"), null=True, blank=True)

    objects: ClassVar[TrackQuerySet] = TrackQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("assignment track")
        verbose_name_plural = _("assignment tracks")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["item", "unit"], name="track_one_per_item_unit")
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["unit", "state"])]

    def __str__(self) -> str:
        return f"{self.item} · {self.unit}"

    @property
    def is_closed(self) -> bool:
        return self.state in CLOSED_STATES


# --- progress reports and evidence --------------------------------------------------------


class SelfStatus(models.TextChoices):
    ON_TRACK = "on_track", _("on track")
    AT_RISK = "at_risk", _("at risk")
    BEHIND = "behind", _("behind")
    DONE = "done", _("done")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("returned")


class ProgressReportQuerySet(models.QuerySet["ProgressReport"]):
    def visible_to(self, user: Any, action: Action | None = None) -> ProgressReportQuerySet:
        """Reports the user may see or (``EDIT``) write; the rule of the report's track."""
        return self.filter(_track_rule(user, action))


class ProgressReport(TimestampedModel):
    """A unit's report on one item for one period (反馈): narrative, percent, evidence.

    ``item`` and ``unit`` repeat the track's so that scoping is one join-free filter.
    A returned report is edited and submitted again; an accepted one is final.
    """

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="reports")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="reports")
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    narrative = models.TextField(_("progress"), blank=True)
    percent = models.PositiveSmallIntegerField(
        _("percent complete"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    self_status = models.CharField(
        _("self-assessed status"), max_length=10, choices=SelfStatus.choices, default=SelfStatus.ON_TRACK
    )
    status = models.CharField(
        _("review status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    review_note = models.TextField(_("review note or reason for return"), blank=True)

    objects: ClassVar[ProgressReportQuerySet] = ProgressReportQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["track", "period"], name="report_one_per_track_period")
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["item", "period"]),
            models.Index(fields=["unit", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.unit} · {self.period}"


class EvidenceQuerySet(models.QuerySet["Evidence"]):
    def visible_to(self, user: Any, action: Action | None = None) -> EvidenceQuerySet:
        """Evidence is seen by exactly those who see its report."""
        return self.filter(_track_rule(user, action, "report__"))


class Evidence(TimestampedModel):
    """A file attached to a report, stored once by its SHA-256 under ``MEDIA_ROOT/evidence``.

    ``kind`` and ``content_type`` come from the file's bytes (magic numbers), not its name.
    """

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    kind = models.CharField(_("file type"), max_length=10)
    content_type = models.CharField(_("content type"), max_length=100)
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    objects: ClassVar[EvidenceQuerySet] = EvidenceQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering: ClassVar[list[str]] = ["report", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["report", "sha256"], name="evidence_once_per_report")
        ]

    def __str__(self) -> str:
        return self.original_name


# --- the timeline -----------------------------------------------------------------------------


class EventKind(models.TextChoices):
    ASSIGNED = "assigned", _("assigned (交办)")
    ACKNOWLEDGED = "acknowledged", _("acknowledged (签收)")
    STARTED = "started", _("in progress (办理)")
    REPORTED = "reported", _("progress reported (反馈)")
    ACCEPTED = "accepted", _("report accepted (审核通过)")
    RETURNED = "returned", _("report returned (退回)")
    COMPLETION_REQUESTED = "completion_requested", _("completion requested")
    COMPLETED = "completed", _("completed (办结)")
    CARRIED_OVER = "carried_over", _("carried over")
    REASSIGNED = "reassigned", _("reassigned")
    ESCALATED = "escalated", _("warning raised (督办)")
    OCCURRENCE_MET = "occurrence_met", _("recurring obligation met")
    INSTRUCTION = "instruction", _("leader's instruction (批示)")
    COMMENT = "comment", _("comment")


class ItemEventQuerySet(models.QuerySet["ItemEvent"]):
    def visible_to(self, user: Any, action: Action | None = None) -> ItemEventQuerySet:
        """An item's timeline is seen by everyone who sees the item."""
        return self.filter(_item_visible(user, action))


class ItemEvent(models.Model):
    """One stamped step of an item's chain, in the order it happened: the timeline.

    Instructions (批示) and comments are events too, with their ``text``. Rows are only
    ever appended.
    """

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_repr = models.CharField(_("by"), max_length=200)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    track = models.ForeignKey(Track, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    text = models.TextField(_("text or reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects: ClassVar[ItemEventQuerySet] = ItemEventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("item event")
        verbose_name_plural = _("item events")
        ordering: ClassVar[list[str]] = ["at", "id"]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["item", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_repr} {self.kind} {self.item}"


# --- escalation, notifications, reminders ---------------------------------------------------


class Level(models.TextChoices):
    """The three colours of 三色督办, mildest first."""

    BLUE = "blue", _("blue")
    YELLOW = "yellow", _("yellow")
    RED = "red", _("red")


LEVEL_ORDER = {Level.BLUE: 1, Level.YELLOW: 2, Level.RED: 3}


class EscalationQuerySet(models.QuerySet["Escalation"]):
    def visible_to(self, user: Any, action: Action | None = None) -> EscalationQuerySet:
        return self.filter(_track_rule(user, action))


class Escalation(models.Model):
    """A supervision warning (督办) raised on one unit's track, with the reason it was raised.

    One row per track and level: assessment reads them (how often, how red, how late).
    """

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="escalations")
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=6, choices=Level.choices)
    raised_at = models.DateTimeField(_("raised at"))
    reason = models.TextField(_("reason"))
    percent = models.PositiveSmallIntegerField(_("reported percent"), null=True, blank=True)
    time_left_share = models.FloatField(_("share of time left"))

    objects: ClassVar[EscalationQuerySet] = EscalationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("supervision warning")
        verbose_name_plural = _("supervision warnings")
        ordering: ClassVar[list[str]] = ["raised_at", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["track", "level"], name="escalation_once_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.track}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: Any, action: Action | None = None) -> NotificationQuerySet:
        """Notifications are personal: each user sees (and marks read) only their own."""
        user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
        return self.filter(recipient_id=user_id) if user_id is not None else self.none()

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("new task")
    DUE_SOON = "due_soon", _("report due soon")
    OVERDUE = "overdue", _("report overdue")
    RETURNED = "returned", _("report returned")
    ESCALATION = "escalation", _("supervision warning")
    INSTRUCTION = "instruction", _("leader's instruction")
    COMMENT = "comment", _("comment")
    COMPLETION_REQUESTED = "completion_requested", _("completion requested")


class Notification(models.Model):
    """An in-app message to one user; e-mail copies go out after the transaction commits."""

    recipient = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=24, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    item = models.ForeignKey(PlanItem, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects: ClassVar[NotificationQuerySet] = NotificationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("report due soon")
    OVERDUE = "overdue", _("report overdue")
    ESCALATION = "escalation", _("supervision warning")


class Reminder(models.Model):
    """The ledger that makes each reminder go out once: (kind, track, slot, recipient) is unique.

    ``slot`` is ``period:<id>`` for report reminders and ``level:<colour>`` for warnings. A
    sender inserts the row first, inside its transaction; a concurrent second sender fails
    on the constraint and skips (see ``progress.scheduling``).
    """

    kind = models.CharField(_("kind"), max_length=12, choices=ReminderKind.choices)
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="reminders")
    slot = models.CharField(_("slot"), max_length=40)
    period = models.ForeignKey(Period, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("level"), max_length=6, choices=Level.choices, blank=True)
    recipient = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(_("sent at"))
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects: ClassVar[models.Manager[Reminder]]

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["kind", "track", "slot", "recipient"], name="reminder_once_per_recipient"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.slot} → {self.recipient_id}"


# --- recurring obligations ---------------------------------------------------------------------


class ObligationQuerySet(models.QuerySet["Obligation"]):
    def visible_to(self, user: Any, action: Action | None = None) -> ObligationQuerySet:
        return self.filter(_item_visible(user, action))


class Obligation(TimestampedModel):
    """A frequency target ("每季度至少1次") turned into an RFC 5545 rule and dated occurrences.

    ``rrule`` starts each window; ``per_window`` occurrences fall in each window (when the
    count does not divide the period into equal windows). ``assumed`` marks a target with
    no number ("定期", "regularly"), read with the default rule.
    """

    target = models.OneToOneField(Target, on_delete=models.CASCADE, related_name="obligation")
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="obligations")
    rrule = models.TextField(_("recurrence rule (RFC 5545)"))
    per_window = models.PositiveSmallIntegerField(_("occurrences per window"), default=1)
    assumed = models.BooleanField(_("default rule assumed"), default=False)
    description = models.CharField(_("description"), max_length=200, blank=True)

    objects: ClassVar[ObligationQuerySet] = ObligationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("recurring obligation")
        verbose_name_plural = _("recurring obligations")

    def __str__(self) -> str:
        return f"{self.item} · {self.description or self.rrule}"


class OccurrenceQuerySet(models.QuerySet["Occurrence"]):
    def visible_to(self, user: Any, action: Action | None = None) -> OccurrenceQuerySet:
        return self.filter(_item_visible(user, action))


class Occurrence(TimestampedModel):
    """One expected occurrence of a recurring obligation, due by ``window_end``.

    It is met by a progress report (``met_by``); past its window and not met, it is missed
    (derived, never stored, so a late mark by the planner can still correct it).
    """

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="occurrences")
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="+")
    index = models.PositiveSmallIntegerField(_("number"))
    window_start = models.DateField(_("window start"))
    window_end = models.DateField(_("due by"))
    met_by = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="occurrences_met"
    )
    met_at = models.DateTimeField(_("marked met at"), null=True, blank=True)
    met_marked_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects: ClassVar[OccurrenceQuerySet] = OccurrenceQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")
        ordering: ClassVar[list[str]] = ["obligation", "index"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["obligation", "index"], name="occurrence_unique_index")
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["item", "window_end"])]

    def __str__(self) -> str:
        return f"{self.obligation} #{self.index} ({self.window_start}–{self.window_end})"


# --- calendar feed ------------------------------------------------------------------------------


class FeedTokenQuerySet(models.QuerySet["FeedToken"]):
    def visible_to(self, user: Any, action: Action | None = None) -> FeedTokenQuerySet:
        """A user manages the feed tokens they created; administrators manage all."""
        from workplan import permissions

        scope = permissions.scope_for(user)
        if scope.is_admin:
            return self.all()
        return self.filter(created_by_id=scope.user_id) if scope.user_id is not None else self.none()


class FeedToken(models.Model):
    """A revocable secret in a calendar-feed URL for one unit; only its SHA-256 is stored."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="feed_tokens")
    token_hash = models.CharField(_("token SHA-256"), max_length=64, unique=True)
    label = models.CharField(_("label"), max_length=100, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects: ClassVar[FeedTokenQuerySet] = FeedTokenQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} feed {self.label or self.pk}"

    @staticmethod
    def hash_of(raw: str) -> str:
        """The stored form of a token: its SHA-256, so a leaked database leaks no feed URL."""
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()
