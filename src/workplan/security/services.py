"""Security writes: sign-in events for the audit log, unlocking a locked-out account.

Actions are ``auth.<event>``: ``auth.login``, ``auth.login_failed``, ``auth.locked_out``,
``auth.logout``, ``auth.token_refused``, ``auth.session_expired``, ``auth.unlocked``,
``auth.password_changed``. The client's address and user
agent are added to every audit row by ``core.audit`` (set per request by the middleware).
"""

from __future__ import annotations

from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from workplan import permissions
from workplan.core import audit
from workplan.core.errors import Invalid
from workplan.core.models import AuditEntry

AUTH_EVENTS = frozenset({"login", "login_failed", "locked_out", "logout", "token_refused", "session_expired"})


def auth_event_record(*, actor: Any, event: str, target: Any = None, username: str = "") -> AuditEntry:
    """Record one sign-in event. ``actor`` is the user, or the name tried when none matched."""
    if event not in AUTH_EVENTS:
        raise ValueError(f"unknown sign-in event {event!r}")
    if isinstance(actor, str):
        actor = _printable(actor) or None
    username = _printable(username)
    after = {"username": username} if username else None
    with transaction.atomic():
        return audit.record(actor=actor, action=f"auth.{event}", target=target, after=after)


def auth_password_change(*, actor: Any, old_password: str, new_password: str) -> None:
    """The signed-in user changes their own password (the old one first, then the rules)."""
    if not actor.check_password(old_password):
        raise Invalid(_("Your old password was entered incorrectly."), details={"old_password": ["wrong"]})
    try:
        validate_password(new_password, user=actor)
    except ValidationError as error:
        raise Invalid(" ".join(error.messages), details={"new_password": error.messages}) from None
    with transaction.atomic():
        actor.set_password(new_password)
        actor.save(update_fields=["password"])
        audit.record(actor=actor, action="auth.password_changed", target=actor)


def _printable(name: str) -> str:
    """A name someone typed, safe to store: no control characters (PostgreSQL refuses NUL), 150 at most."""
    return "".join(ch for ch in name if ch.isprintable())[:150]


def auth_lockout_reset(*, actor: Any, username: str) -> int:
    """Unlock ``username`` after too many failed sign-ins (administrators only)."""
    permissions.require_admin(actor, _("unlock accounts"))
    with transaction.atomic():
        username = _printable(username)
        cleared = int(axes_reset(username=username) or 0)
        audit.record(
            actor=actor, action="auth.unlocked", target=None, after={"username": username, "cleared": cleared}
        )
    return cleared
