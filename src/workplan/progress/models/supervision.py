"""Manual supervision: notices (督办单 / 催办) a planner issues to a unit, the unit's answer
(情况说明) and the planner lifting it; extension requests (申请延期) with both dates kept."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplan.accounts.models import Unit
from workplan.core.models import TimestampedModel
from workplan.core.policy import ScopedQuerySetMixin
from workplan.plans.models import PlanItem
from workplan.progress.models.chain import Track

USER = settings.AUTH_USER_MODEL


class NoticeKind(models.TextChoices):
    NOTICE = "notice", _("supervision notice (督办单)")
    REMINDER = "reminder", _("reminder (催办)")


class NoticeState(models.TextChoices):
    OPEN = "open", _("awaiting the unit's answer")
    ANSWERED = "answered", _("answered (情况说明)")
    LIFTED = "lifted", _("lifted")


class SupervisionNoticeQuerySet(ScopedQuerySetMixin, models.QuerySet["SupervisionNotice"]):
    """Scoped by the model's policy (``visible_to``)."""


class SupervisionNotice(TimestampedModel):
    """A notice issued by a planner to one unit on one item, with a reason and a reply deadline."""

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="notices")
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=NoticeKind.choices, default=NoticeKind.NOTICE)
    state = models.CharField(_("state"), max_length=10, choices=NoticeState.choices, default=NoticeState.OPEN)
    reason = models.TextField(_("reason"))
    reply_due = models.DateField(_("answer due by"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    objects: ClassVar[SupervisionNoticeQuerySet] = SupervisionNoticeQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering: ClassVar[list[str]] = ["issued_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.track}"


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("awaiting decision")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


class ExtensionRequestQuerySet(ScopedQuerySetMixin, models.QuerySet["ExtensionRequest"]):
    """Scoped by the model's policy (``visible_to``)."""


class ExtensionRequest(TimestampedModel):
    """A unit asks to move an item's deadline; the original and the requested date stay."""

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="extensions")
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("state"), max_length=10, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    reason = models.TextField(_("reason"))
    original_due = models.DateField(_("original deadline"))
    requested_due = models.DateField(_("requested deadline"))
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decision_note = models.TextField(_("decision note"), blank=True)

    objects: ClassVar[ExtensionRequestQuerySet] = ExtensionRequestQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering: ClassVar[list[str]] = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.track}: {self.original_due} → {self.requested_due}"
