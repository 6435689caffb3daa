"""Calendar feed tokens."""

from __future__ import annotations

import hashlib
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplan.accounts.models import Unit
from workplan.core.policy import ScopedQuerySetMixin

USER = settings.AUTH_USER_MODEL


class FeedTokenQuerySet(ScopedQuerySetMixin, models.QuerySet["FeedToken"]):
    """Scoped by the model's policy (``visible_to``)."""


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
