"""Reads of running a site: whether a password must be changed, how far the set-up is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workplan import permissions
from workplan.accounts.models import Unit, User
from workplan.accounts.services import SYSTEM_USERNAME
from workplan.core.errors import NotFound
from workplan.operations.models import OneTimePassword
from workplan.plans.models import Plan


def require_admin(*, user: Any) -> None:
    """The organisation pages exist only for administrators (NotFound for anyone else)."""
    if not permissions.is_admin(user):
        raise NotFound("no such page")


def must_change_password(*, user: Any) -> bool:
    """Whether ``user`` signed in with a one-time password they have not replaced yet."""
    return bool(user.is_authenticated) and OneTimePassword.objects.filter(user_id=user.pk).exists()


@dataclass(frozen=True)
class SetupState:
    """How far a new site is: what the welcome page shows, step by step."""

    is_admin: bool
    units: int
    users: int
    plans: int

    @property
    def fresh(self) -> bool:
        return self.plans == 0


def setup_state(*, user: Any) -> SetupState:
    """Counts for the welcome page (the site's first page after a fresh install)."""
    return SetupState(
        is_admin=permissions.is_admin(user),
        units=Unit.objects.count(),
        users=User.objects.exclude(username=SYSTEM_USERNAME).count(),
        plans=Plan.objects.visible_to(user).count(),
    )


def site_needs_setup(*, user: Any) -> bool:
    """An administrator on a site without any plan yet is sent to the welcome page."""
    return permissions.is_admin(user) and not Plan.objects.exists()
