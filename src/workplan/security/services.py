"""Security writes: sign-in events for the audit log, unlocking a locked-out account,
two-factor sign-in (TOTP) and its recovery codes (``otp.*`` actions).

Actions are ``auth.<event>``: ``auth.login``, ``auth.login_failed``, ``auth.locked_out``,
``auth.logout``, ``auth.token_refused``, ``auth.session_expired``, ``auth.unlocked``. The
client's address and user agent are added to every audit row by ``core.audit``.
"""

from __future__ import annotations

from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from workplan import permissions
from workplan.core import audit
from workplan.core.errors import Forbidden, Invalid
from workplan.core.models import AuditEntry
from workplan.core.policy import Action
from workplan.security.sessions import live_sessions_of

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


# Two-factor sign-in (TOTP, django-otp) and recovery codes (django-otp's static tokens).
RECOVERY_CODES = 10


def otp_enrol_start(*, actor: Any) -> TOTPDevice:
    """A new, unconfirmed authenticator key for the signed-in user (replaces an unconfirmed one)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=actor, name="authenticator", confirmed=False)
        audit.record(actor=actor, action="otp.enrol_started", target=actor)
    return device


def otp_enrol_confirm(*, actor: Any, code: str) -> list[str]:
    """Confirm the new key with a code from the app; returns fresh recovery codes (shown once)."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("-id").first()
    if device is None or not device.verify_token(_digits(code)):
        with transaction.atomic():
            audit.record(actor=actor, action="otp.enrol_failed", target=actor)
        raise Invalid(_("That code is not right. Enter the 6 digits your app shows now."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(actor)
        audit.record(actor=actor, action="otp.enrolled", target=actor)
    return codes


def otp_recovery_codes_renew(*, actor: Any) -> list[str]:
    """Replace the user's recovery codes with new ones (the old ones stop working)."""
    with transaction.atomic():
        codes = _new_recovery_codes(actor)
        audit.record(actor=actor, action="otp.recovery_codes_renewed", target=actor)
    return codes


def otp_verify(*, actor: Any, code: str) -> Device:
    """Check the second factor at sign-in: a code from the app, or one unused recovery code."""
    cleaned = "".join(ch for ch in code if ch.isalnum()).lower()[:32]
    device = match_token(actor, cleaned) if cleaned else None
    with transaction.atomic():
        if device is None:
            audit.record(actor=actor, action="otp.failed", target=actor)
        else:
            kind = "recovery_code" if isinstance(device, StaticDevice) else "authenticator"
            audit.record(actor=actor, action="otp.verified", target=actor, after={"with": kind})
    if device is None:
        raise Invalid(_("That code is not right."))
    return device


def otp_reset(*, actor: Any, user: Any) -> None:
    """Remove a user's second factor (administrators, when a phone is lost): they enrol again."""
    permissions.require_admin(actor, _("reset two-factor sign-in"))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit.record(actor=actor, action="otp.reset", target=user)


def _digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())[:8]


def _new_recovery_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def audit_export_record(*, actor: Any, filters: dict[str, Any], count: int) -> AuditEntry:
    """Record that ``actor`` exported ``count`` audit rows selected by ``filters``."""
    permissions.require_audit_reader(actor, _("export the audit log"))
    with transaction.atomic():
        return audit.record(
            actor=actor, action="audit.exported", target=None, after={"filters": filters, "rows": count}
        )


def session_revoke(*, actor: Any, user: Any, ref: str) -> bool:
    """End one of ``user``'s sessions (named by its ``ref``): the user themselves or an
    administrator. False if there is no such live session."""
    _require_session_owner(actor, user)
    with transaction.atomic():
        ended = [s for s in live_sessions_of(user) if s.ref == ref]
        for session in ended:
            Session.objects.filter(session_key=session.key).delete()
        audit.record(
            actor=actor,
            action="session.revoked",
            target=user,
            after={"session": ref, "address": ended[0].address if ended else "", "found": bool(ended)},
        )
    return bool(ended)


def session_revoke_all(*, actor: Any, user: Any, keep_key: str | None = None) -> int:
    """End all of ``user``'s sessions (but ``keep_key``, the caller's own): the user or an
    administrator, e.g. when an account is deactivated or a password may have leaked."""
    _require_session_owner(actor, user)
    with transaction.atomic():
        keys = [s.key for s in live_sessions_of(user) if s.key != keep_key]
        Session.objects.filter(session_key__in=keys).delete()
        audit.record(actor=actor, action="session.all_revoked", target=user, after={"sessions": len(keys)})
    return len(keys)


def _require_session_owner(actor: Any, user: Any) -> None:
    if not permissions.can(actor, Action.ACT_AS, user):
        raise Forbidden(_("Only the user themselves or an administrator may end their sessions."))


def permission_refusal_record(*, actor: Any, method: str, path: str, message: str = "") -> AuditEntry | None:
    """Record that ``actor`` was refused something (a 403 on the web or the API). Anonymous
    callers are not recorded here (they are sent to sign in, or get 401)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    after = {
        "method": _printable(method)[:10],
        "path": _printable(path)[:300],
        "message": _printable(message),
    }
    with transaction.atomic():
        return audit.record(actor=actor, action="permission.refused", target=None, after=after)
