"""Who must use two-factor sign-in: the roles in WORKPLAN_2FA_REQUIRED_ROLES (default
administrators and planners); everyone else may."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from workplan.permissions import scope_for


def two_factor_required(user: Any) -> bool:
    roles = set(settings.WORKPLAN_2FA_REQUIRED_ROLES)
    scope = scope_for(user)
    if "admin" in roles and scope.is_admin:
        return True
    return bool(scope.units(*(roles - {"admin"})))


def may_reset_two_factor(user: Any) -> bool:
    return scope_for(user).is_admin
