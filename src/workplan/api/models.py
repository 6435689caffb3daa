"""Personal API tokens and the request counters that rate-limit them."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplan.core.policy import ScopedQuerySetMixin

USER = settings.AUTH_USER_MODEL


class ApiTokenQuerySet(ScopedQuerySetMixin, models.QuerySet["ApiToken"]):
    """Scoped by the model's policy (``visible_to``)."""


class ApiToken(models.Model):
    """A personal API token: its holder acts through the API with the holder's permissions.

    The secret is shown once, when the token is made; only its SHA-256 is stored, with a
    short public ``prefix`` (the part of the token before the dot) to find the row. A token
    stops working when it is revoked, when it expires, or when its user is deactivated.
    """

    user = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    token_hash = models.CharField(_("token SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects: ClassVar[ApiTokenQuerySet] = ApiTokenQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix} ({self.name or self.user_id})"

    @staticmethod
    def hash_of(raw: str) -> str:
        """The stored form of a token: a leaked database leaks no usable token."""
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class RateCounter(models.Model):
    """Requests of one caller (``scope``: ``token:<id>`` or ``user:<id>``) in one time window.

    Incremented with one atomic upsert per request, so every app process counts against
    the same limit; rows of past windows are deleted when a caller's next window opens.
    """

    scope = models.CharField(_("caller"), max_length=40)
    window_start = models.BigIntegerField(_("window start (epoch seconds)"))
    count = models.PositiveIntegerField(_("requests"), default=0)

    objects: ClassVar[models.Manager[RateCounter]]

    class Meta:
        verbose_name = _("API request counter")
        verbose_name_plural = _("API request counters")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["scope", "window_start"], name="ratecounter_one_per_window")
        ]

    def __str__(self) -> str:
        return f"{self.scope} @{self.window_start}: {self.count}"
