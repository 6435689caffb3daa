"""Group robots on DingTalk, WeCom and Feishu/Lark, each message sent to them, and how often a
user wants e-mail (at once, or one digest a day or a week)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workplan.core.policy import ScopedQuerySetMixin


class Platform(models.TextChoices):
    DINGTALK = "dingtalk", _("DingTalk")
    WECOM = "wecom", _("WeCom")
    FEISHU = "feishu", _("Feishu / Lark")


class EndpointQuerySet(ScopedQuerySetMixin, models.QuerySet["WebhookEndpoint"]):
    """Scoped by the model's policy (``visible_to``)."""


class WebhookEndpoint(models.Model):
    """A group robot's incoming webhook, for one unit or one plan, configured by administrators.

    The URL (it holds the robot's token or key) and the signing secret are stored encrypted
    (``channels.crypto``) and shown back only as hints; ``kinds`` lists the notification kinds
    the group hears about.
    """

    name = models.CharField(_("name"), max_length=200)
    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    unit = models.ForeignKey(
        "accounts.Unit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("unit"),
    )
    plan = models.ForeignKey(
        "plans.Plan",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("plan"),
    )
    url_encrypted = models.TextField(_("webhook URL (encrypted)"))
    url_hint = models.CharField(_("webhook URL"), max_length=300)
    secret_encrypted = models.TextField(_("signing secret (encrypted)"), blank=True)
    secret_hint = models.CharField(_("signing secret"), max_length=20, blank=True)
    kinds = models.JSONField(_("notification kinds"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"))

    objects = EndpointQuerySet.as_manager()

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        ordering: ClassVar[list[str]] = ["name", "id"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(plan__isnull=True))
                | (Q(unit__isnull=True) & Q(plan__isnull=False)),
                name="endpoint_unit_xor_plan",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RETRYING = "retrying", _("retrying")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class DeliveryQuerySet(ScopedQuerySetMixin, models.QuerySet["Delivery"]):
    """Scoped by the model's policy (``visible_to``)."""


class Delivery(models.Model):
    """One message to one group robot and how it went (HTTP status, the platform's own error
    code, attempts). Sent by the ``channels.deliver`` task, retried with back-off."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, null=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    endpoint_name = models.CharField(_("group robot"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error_code = models.CharField(_("platform error code"), max_length=40, blank=True)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"))
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    task = models.ForeignKey("tasks.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("robot message")
        verbose_name_plural = _("robot messages")
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["endpoint", "fingerprint"],
                condition=~Q(fingerprint=""),
                name="delivery_once_per_fingerprint",
            )
        ]

    def __str__(self) -> str:
        return f"{self.endpoint_name}: {self.title} ({self.state})"


class DigestFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("one e-mail per event")
    DAILY = "daily", _("a daily digest")
    WEEKLY = "weekly", _("a weekly digest (Mondays)")


class PreferenceQuerySet(ScopedQuerySetMixin, models.QuerySet["MailPreference"]):
    """Scoped by the model's policy (``visible_to``)."""


class MailPreference(models.Model):
    """How often one user receives e-mail about their notifications; no row = at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_preference"
    )
    frequency = models.CharField(
        _("e-mail"), max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.IMMEDIATE
    )
    last_digest_at = models.DateTimeField(_("last digest"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    objects = PreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail preference")
        verbose_name_plural = _("e-mail preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.frequency}"
