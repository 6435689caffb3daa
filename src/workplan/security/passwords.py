"""Password rules beyond Django's (length, common list, numeric, similarity): a mix of
character classes, and never the username (等保 2.0: 口令复杂度)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _classes(password: str) -> int:
    return sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )


class CharacterClassesValidator:
    """At least ``min_classes`` of: lower-case letters, capitals, digits, other characters."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if _classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "Your password must mix at least %(count)d of: lower-case letters, capitals, digits, symbols."
        ) % {"count": self.min_classes}


class NotUsernameValidator:
    """The password must not contain the username (in any case), nor it reversed."""

    def validate(self, password: str, user: Any = None) -> None:
        name = str(getattr(user, "username", "") or "").lower()
        lowered = password.lower()
        if len(name) >= 3 and (name in lowered or name[::-1] in lowered):
            raise ValidationError(self.get_help_text(), code="password_has_username")

    def get_help_text(self) -> str:
        return _("Your password must not contain your username.")
