"""The one row operations keep: a password that an administrator issued and the user must change."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OneTimePassword(models.Model):
    """``user`` signs in with a password an administrator issued (a new account from the
    organisation sheet, or a reset) and must choose their own before anything else.

    The password itself is stored only as the user's ordinary hash; this row only says it is
    temporary. Changing the password deletes the row.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="one_time_password",
        verbose_name=_("user"),
    )
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("issued by"),
    )

    class Meta:
        verbose_name = _("one-time password")
        verbose_name_plural = _("one-time passwords")

    def __str__(self) -> str:
        return f"one-time password of {self.user}"
