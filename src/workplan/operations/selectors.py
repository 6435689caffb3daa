"""Reads of running a site: whether a password must be changed, how far the set-up is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max

from workplan import permissions
from workplan.accounts.models import SYSTEM_USERNAME, Membership, Unit, User
from workplan.core import clock
from workplan.core.errors import NotFound, pk_or_not_found
from workplan.core.models import AuditEntry
from workplan.operations.models import OneTimePassword
from workplan.plans.models import Plan


def require_admin(*, user: Any) -> None:
    """The organisation pages exist only for administrators (NotFound for anyone else)."""
    if not permissions.is_admin(user):
        raise NotFound("no such page")


PasswordChangeReason = Literal["one_time", "expired"]


def password_change_reason(*, user: Any) -> PasswordChangeReason | None:
    """Why ``user`` must choose a new password before anything else, if they must: they signed
    in with a one-time password, or theirs is older than ``WORKPLAN_PASSWORD_MAX_AGE_DAYS``."""
    if not user.is_authenticated:
        return None
    if OneTimePassword.objects.filter(user_id=user.pk).exists():
        return "one_time"
    if password_expired(user=user):
        return "expired"
    return None


def must_change_password(*, user: Any) -> bool:
    """Whether ``user`` must replace their password before using the site."""
    return password_change_reason(user=user) is not None


def password_expired(*, user: Any) -> bool:
    """Whether the password is older than the administrator's limit (none by default). Its age
    is counted from the newest audited change, or from the account's creation."""
    max_age = settings.WORKPLAN_PASSWORD_MAX_AGE_DAYS
    if not max_age or user.username == SYSTEM_USERNAME:
        return False
    changed = AuditEntry.objects.filter(
        action="user.password_changed",
        target_type=ContentType.objects.get_for_model(User),
        target_id=str(user.pk),
    ).aggregate(newest=Max("at"))["newest"]
    since: dt.datetime = changed or user.date_joined
    return since < clock.now() - dt.timedelta(days=max_age)


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


def user_get_for_admin(*, user: Any, user_id: Any) -> User:
    """One account (with its roles) for an administrator; NotFound for anyone else."""
    require_admin(user=user)
    found: User | None = (
        User.objects.visible_to(user)
        .exclude(username=SYSTEM_USERNAME)
        .prefetch_related("memberships__unit")
        .filter(pk=pk_or_not_found(user_id))
        .first()
    )
    if found is None:
        raise NotFound("no such user")
    return found


def membership_get_for_admin(*, user: Any, target: User, membership_id: Any) -> Membership:
    require_admin(user=user)
    found: Membership | None = (
        Membership.objects.visible_to(user).filter(user=target, pk=pk_or_not_found(membership_id)).first()
    )
    if found is None:
        raise NotFound("no such role")
    return found


def user_pending_password(*, user: Any, target: User) -> bool:
    """Whether ``target`` still signs in with a one-time password (for the admin's page)."""
    require_admin(user=user)
    return OneTimePassword.objects.filter(user=target).exists()


def user_rows_for_admin(*, user: Any) -> Any:
    """Every account but the system actor's, with roles, for administrators."""
    require_admin(user=user)
    return (
        User.objects.visible_to(user).exclude(username=SYSTEM_USERNAME).prefetch_related("memberships__unit")
    )
