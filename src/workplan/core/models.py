"""Infrastructure models with no domain nouns: the base model and the audit log."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplan.core.policy import ScopedManager


class TimestampedModel(models.Model):
    """Base of every record-like entity: creation/update times and a version for locking.

    ``version`` increases on every audited update; a write that carries an older version is
    refused (optimistic locking, see ``core.services.instance_update``).
    """

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True


class Interface(models.TextChoices):
    WEB = "web", _("web")
    API = "api", _("API")
    CLI = "cli", _("command line")
    JOB = "job", _("background job")
    SYSTEM = "system", _("system")


class AuditEntry(models.Model):
    """One change: who did what to which object, when, through which interface, and why.

    Written by ``core.audit.record`` inside the same transaction as the change it describes.
    ``target_repr`` and ``actor_repr`` keep the names readable after the rows are deleted.
    ``address`` and ``user_agent`` name the client of the request that wrote it. The table is
    append-only: database triggers refuse any UPDATE or DELETE (migration 0002_sec_*), except
    the database's own SET NULL when the user or content type a row names is deleted.
    """

    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_repr = models.CharField(_("actor"), max_length=200)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    interface = models.CharField(_("interface"), max_length=10, choices=Interface.choices)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_repr = models.CharField(_("target"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True, default="")

    objects: ClassVar[ScopedManager] = ScopedManager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering: ClassVar[list[str]] = ["-at", "-id"]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["target_type", "target_id", "at"]),
            # "What changed to rows of this model after that day" (the plan as of a past day).
            models.Index(fields=["target_type", "at"], name="core_audit_type_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action} {self.target_repr}"
