"""Security reads: which accounts are locked out now; a user's two-factor state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from workplan import permissions
from workplan.core import clock
from workplan.core.errors import NotFound
from workplan.core.policy import Action
from workplan.security.policies import two_factor_required
from workplan.security.sessions import SessionInfo, live_sessions_of


def locked_usernames(*, user: Any) -> set[str]:
    """Usernames locked out after too many failed sign-ins (administrators only)."""
    if not permissions.is_admin(user):
        raise NotFound("no such page")
    since = clock.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).exclude(username__isnull=True)
    return set(attempts.values_list("username", flat=True))


@dataclass(frozen=True)
class TwoFactorState:
    enrolled: bool
    required: bool
    recovery_codes_left: int


def two_factor_state(*, user: Any) -> TwoFactorState:
    """Whether ``user`` has a confirmed authenticator, must have one, and recovery codes left."""
    enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count() if enrolled else 0
    return TwoFactorState(enrolled=enrolled, required=two_factor_required(user), recovery_codes_left=left)


def pending_authenticator(*, user: Any) -> TOTPDevice | None:
    """The unconfirmed key being set up, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


def sessions_for_user(*, user: Any, owner: Any, current_key: str | None = None) -> list[SessionInfo]:
    """``owner``'s signed-in sessions, for themselves or an administrator (others: NotFound)."""
    if not permissions.can(user, Action.ACT_AS, owner):
        raise NotFound("no such user")
    return live_sessions_of(owner, current_key=current_key)
