"""Escalation (三色督办), notifications and reminders."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplan.accounts.models import Unit
from workplan.core.policy import ScopedQuerySetMixin
from workplan.plans.models import PlanItem
from workplan.progress.models.calendar import Period
from workplan.progress.models.chain import Track

USER = settings.AUTH_USER_MODEL


class Level(models.TextChoices):
    """The three colours of 三色督办, mildest first."""

    BLUE = "blue", _("blue")
    YELLOW = "yellow", _("yellow")
    RED = "red", _("red")


LEVEL_ORDER = {Level.BLUE: 1, Level.YELLOW: 2, Level.RED: 3}


class EscalationQuerySet(ScopedQuerySetMixin, models.QuerySet["Escalation"]):
    """Scoped by the model's policy (``visible_to``)."""


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


class NotificationQuerySet(ScopedQuerySetMixin, models.QuerySet["Notification"]):
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
    NOTICE = "notice", _("supervision notice")
    EXTENSION = "extension", _("extension request")
    REFUSED = "refused", _("assignment returned")


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
    on the constraint and skips (see ``progress.services.alerts``).
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
