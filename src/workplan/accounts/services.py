"""Writes to units, users and memberships; each is audited in its own transaction."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from workplan import permissions
from workplan.accounts.models import SYSTEM_USERNAME, Membership, Role, Unit, UnitKind, User
from workplan.core import audit
from workplan.core.errors import Invalid
from workplan.core.policy import Action, policy_for
from workplan.core.services import instance_create, instance_delete, instance_update


def system_actor() -> User:
    """The named actor for scheduled jobs and setup commands (cannot sign in)."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"is_superuser": True, "is_staff": False, "first_name": "workplan", "last_name": "system"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _refused() -> str:
    return gettext("Only an administrator may change units, users and memberships.")


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    code: str,
    name: str,
    parent: Unit | None = None,
    short_name: str = "",
    aliases: list[str] | None = None,
    kind: str = UnitKind.OTHER,
) -> Unit:
    """Add a unit under ``parent`` (or as a new root)."""
    policy_for(Unit).require_create(actor, _refused(), parent=parent)
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise Invalid("a unit needs a code and a name")
    if Unit.objects.filter(code=code).exists():
        raise Invalid(f"a unit with code {code!r} already exists", details={"code": ["already exists"]})
    fields = {"code": code, "name": name, "short_name": short_name, "aliases": aliases or [], "kind": kind}
    unit: Unit = parent.add_child(**fields) if parent is not None else Unit.add_root(**fields)
    audit.record(actor=actor, action="unit.created", target=unit, after=audit.snapshot(unit))
    return unit


def unit_update(*, actor: Any, unit: Unit, expected_version: int | None = None, **changes: Any) -> Unit:
    """Change a unit's code, names, aliases, kind or active flag."""
    permissions.require(actor, Action.EDIT, unit, _refused())
    if "aliases" in changes:
        changes["aliases"] = _clean_aliases(changes["aliases"])
    return instance_update(
        actor=actor, instance=unit, changes=changes, action="unit.updated", expected_version=expected_version
    )


def _clean_aliases(aliases: Any) -> list[str]:
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise Invalid("aliases must be a list of names")
    seen: list[str] = []
    for alias in (a.strip() for a in aliases):
        if alias and alias not in seen:
            seen.append(alias)
    return seen


@transaction.atomic
def unit_add_alias(*, actor: Any, unit: Unit, alias: str) -> Unit:
    """Remember another name for a unit (after a planner mapped a name found in a document).

    Planners may do this as well as admins: an alias only helps later imports match names.
    """
    permissions.require(
        actor, Action.ADD_ALIAS, unit, gettext("Only planners and administrators may add unit aliases.")
    )
    aliases = _clean_aliases([*unit.aliases, alias])
    if aliases == unit.aliases:
        return unit
    return instance_update(
        actor=actor, instance=unit, changes={"aliases": aliases}, action="unit.alias_added"
    )


@transaction.atomic
def unit_delete(*, actor: Any, unit: Unit) -> None:
    """Delete a unit with no sub-units, plans or assignments (deactivate it otherwise)."""
    permissions.require(actor, Action.EDIT, unit, _refused())
    if unit.get_children_count():
        raise Invalid(f"{unit} has sub-units: move or delete them first, or deactivate the unit")
    if unit.plans.exists() or unit.assignments.exists():
        raise Invalid(f"{unit} owns plans or items: deactivate it instead of deleting it")
    instance_delete(actor=actor, instance=unit, action="unit.deleted")


@transaction.atomic
def user_create(
    *, actor: Any, username: str, password: str | None, email: str = "", full_name: str = "", **extra: Any
) -> User:
    """Create a user (with an unusable password when ``password`` is None)."""
    policy_for(User).require_create(actor, _refused())
    if User.objects.filter(username=username).exists():
        raise Invalid(f"user {username!r} already exists", details={"username": ["already exists"]})
    user = User(username=username, email=email, first_name=full_name, **extra)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    return instance_create(actor=actor, instance=user, action="user.created", clean=False)


def user_update(*, actor: Any, user: User, **changes: Any) -> User:
    permissions.require(actor, Action.EDIT, user, _refused())
    return instance_update(actor=actor, instance=user, changes=changes, action="user.updated")


def user_set_language(*, actor: Any, language: str) -> User:
    """A user chooses the language of their own screens."""
    if language not in {code for code, _ in settings.LANGUAGES}:
        raise Invalid(f"unknown language {language!r}")
    user = User.objects.get(pk=actor.pk)
    return instance_update(
        actor=actor, instance=user, changes={"language": language}, action="user.language_set"
    )


@transaction.atomic
def user_delete(*, actor: Any, user: User) -> None:
    permissions.require(actor, Action.EDIT, user, _refused())
    instance_delete(actor=actor, instance=user, action="user.deleted")


@transaction.atomic
def membership_create(*, actor: Any, user: User, unit: Unit, role: str) -> Membership:
    """Give ``user`` the ``role`` in ``unit`` (and its sub-units)."""
    policy_for(Membership).require_create(actor, _refused(), user=user, unit=unit, role=role)
    if role not in Role.values:
        raise Invalid(f"unknown role {role!r}; use one of {', '.join(Role.values)}")
    existing: Membership | None = Membership.objects.filter(user=user, unit=unit, role=role).first()
    if existing is not None:
        return existing
    membership = instance_create(
        actor=actor, instance=Membership(user=user, unit=unit, role=role), action="membership.created"
    )
    permissions.forget_scope(user)
    return membership


@transaction.atomic
def membership_delete(*, actor: Any, membership: Membership) -> None:
    permissions.require(actor, Action.EDIT, membership, _refused())
    instance_delete(actor=actor, instance=membership, action="membership.deleted")
    permissions.forget_scope(membership.user)
