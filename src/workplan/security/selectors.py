"""Security reads: which accounts and addresses are locked out now."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from django.conf import settings

from workplan import permissions
from workplan.core import clock
from workplan.core.errors import NotFound


def locked_usernames(*, user: Any) -> set[str]:
    """Usernames locked out after too many failed sign-ins (administrators only)."""
    if not permissions.is_admin(user):
        raise NotFound("no such page")
    since = clock.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).exclude(username__isnull=True)
    return set(attempts.values_list("username", flat=True))
