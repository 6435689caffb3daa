"""The chain per item (ItemProgress) and per item × unit (Track)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplan.accounts.models import Unit
from workplan.core.models import TimestampedModel
from workplan.core.policy import ScopedQuerySetMixin
from workplan.plans.models import Assignment, Plan, PlanItem

USER = settings.AUTH_USER_MODEL


class ItemState(models.TextChoices):
    OPEN = "open", _("open")
    COMPLETED = "completed", _("completed")
    CARRIED_OVER = "carried_over", _("carried over to next year")


class ItemProgressQuerySet(ScopedQuerySetMixin, models.QuerySet["ItemProgress"]):
    """Scoped by the model's policy (``visible_to``)."""


class ItemProgress(TimestampedModel):
    """The chain of one item as a whole: dispatched (交办), then completed (办结) or carried over.

    Items that were never dispatched have no row; they count as open.

    The roll-up state (``tracked``, ``percent``, ``returned``, ``self_flagged``) holds the status
    inputs of ``progress.status`` over the item's units (every track but reassigned ones), kept
    current by the services in the same transaction as the change that moves them
    (``progress.rollup_state``), so dashboards count statuses with one GROUP BY; the dates
    stay on the item and "overdue as of today" is computed in the query.
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
    tracked = models.BooleanField(_("has responsible units"), default=False)
    percent = models.PositiveSmallIntegerField(_("slowest unit's percent"), null=True, blank=True)
    returned = models.BooleanField(_("a newest report was returned"), default=False)
    self_flagged = models.BooleanField(_("a unit said at risk or behind"), default=False)

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
    REFUSED = "refused", _("returned to the planner (退回交办)")


# States in which the unit still owes periodic reports.
REPORTING_STATES = (TrackState.ASSIGNED, TrackState.ACKNOWLEDGED, TrackState.IN_PROGRESS)
# States in which the unit may still write a report.
WRITABLE_STATES = (*REPORTING_STATES, TrackState.COMPLETION_REQUESTED)
CLOSED_STATES = (TrackState.COMPLETED, TrackState.CARRIED_OVER, TrackState.REASSIGNED, TrackState.REFUSED)


class TrackQuerySet(ScopedQuerySetMixin, models.QuerySet["Track"]):
    def active(self) -> TrackQuerySet:
        return self.exclude(state__in=CLOSED_STATES)


class Track(TimestampedModel):
    """One responsible unit's chain on one item: 交办 → 签收 → 办理 → 反馈 … → 办结.

    Created when the planner dispatches the item, for each lead and responsible
    ``Assignment`` (cooperating units support the work but do not report). ``assignment`` is
    cleared when the plans app deletes it (a reassignment), so the track keeps its history.
    ``latest_percent`` caches the percent of the newest report that was not returned;
    ``latest_returned`` and ``latest_self_flagged`` cache the newest report's review status and
    self-assessment (the status inputs, kept by ``progress.rollup_state``).
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
    acknowledge_by = models.DateField(_("acknowledge (签收) by"), null=True, blank=True)
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
    latest_returned = models.BooleanField(_("newest report returned"), default=False)
    latest_self_flagged = models.BooleanField(_("newest report says at risk or behind"), default=False)

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
