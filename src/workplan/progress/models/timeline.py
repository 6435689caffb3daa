"""The item timeline (ItemEvent)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplan.accounts.models import Unit
from workplan.core.policy import ScopedQuerySetMixin
from workplan.plans.models import PlanItem
from workplan.progress.models.chain import Track
from workplan.progress.models.reports import ProgressReport

USER = settings.AUTH_USER_MODEL


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
    NOTICE_ISSUED = "notice_issued", _("supervision notice issued (督办单)")
    NOTICE_ANSWERED = "notice_answered", _("notice answered (情况说明)")
    NOTICE_LIFTED = "notice_lifted", _("notice lifted")
    EXTENSION_REQUESTED = "extension_requested", _("extension requested (申请延期)")
    EXTENSION_APPROVED = "extension_approved", _("extension approved")
    EXTENSION_REFUSED = "extension_refused", _("extension refused")
    REFUSED = "refused", _("assignment returned (退回交办)")


class ItemEventQuerySet(ScopedQuerySetMixin, models.QuerySet["ItemEvent"]):
    """Scoped by the model's policy (``visible_to``)."""


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
