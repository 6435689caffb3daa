"""Writes of running a site: the first run, one-time passwords, the organisation sheet.

Each is one transaction through the accounts services (which check the policy and audit),
plus an audit row of its own for what only this module does.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from workplan import permissions
from workplan.accounts import services as accounts
from workplan.accounts.models import Role, Unit, UnitKind, User
from workplan.core import audit, clock
from workplan.core.errors import Invalid
from workplan.core.policy import Action
from workplan.operations.hashers import OneTimePasswordHasher
from workplan.operations.models import OneTimePassword
from workplan.operations.orgsheet.applying import apply_preview
from workplan.operations.orgsheet.preview import CODE, USERNAME, OrgPreview, org_preview

# Letters and digits that cannot be mistaken for each other when read aloud or typed.
_READABLE = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class SiteInitialised:
    """What ``site_initialise`` made: the top unit and the first administrator."""

    unit: Unit
    admin: User
    # Set when no password was given: the admin's one-time password, shown once.
    one_time_password: str = ""


def _password_problems(password: str, user: User | None = None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return [str(message) for message in error.messages]
    return []


@transaction.atomic
def site_initialise(
    *,
    actor: Any,
    organisation: str,
    code: str,
    admin_username: str,
    admin_password: str | None,
    admin_email: str = "",
    admin_name: str = "",
) -> SiteInitialised:
    """Create the organisation's top unit and its first administrator on an empty site.

    Without ``admin_password`` the administrator gets a one-time password (returned once),
    to be changed at the first sign-in.
    """
    organisation, code, admin_username = organisation.strip(), code.strip(), admin_username.strip()
    if Unit.objects.exists():
        top = Unit.objects.filter(depth=1).first()
        raise Invalid(
            gettext("This site already has an organisation (%(name)s): nothing was changed.")
            % {"name": top.name if top else "?"}
        )
    problems = []
    if not organisation or len(organisation) > 200:
        problems.append(gettext("The organisation needs a name (at most 200 characters)."))
    if not CODE.match(code):
        problems.append(gettext("The unit code must be 1–50 letters, digits, '-', '_' or '.'."))
    if not USERNAME.match(admin_username):
        problems.append(gettext("The administrator's username must be 1–150 letters, digits or @.+-_."))
    if admin_password is not None:
        problems += _password_problems(admin_password, User(username=admin_username, email=admin_email))
    if problems:
        raise Invalid(" ".join(problems), details={"problems": problems})
    unit = accounts.unit_create(actor=actor, code=code, name=organisation, kind=UnitKind.DEPARTMENT)
    admin = accounts.user_create(
        actor=actor,
        username=admin_username,
        password=admin_password,
        email=admin_email.strip(),
        full_name=admin_name.strip(),
    )
    accounts.membership_create(actor=actor, user=admin, unit=unit, role=Role.ADMIN)
    one_time = "" if admin_password is not None else _issue_one_time_password(actor=actor, user=admin)
    audit.record(actor=actor, action="site.initialised", target=unit, after={"admin": admin.username})
    return SiteInitialised(unit=unit, admin=admin, one_time_password=one_time)


def _new_password() -> str:
    return "-".join("".join(secrets.choice(_READABLE) for _ in range(4)) for _ in range(3))


def _issue_one_time_password(*, actor: Any, user: User) -> str:
    """Give ``user`` a new random password that they must change at their next sign-in; the
    caller shows it once (it is stored only as the password hash)."""
    permissions.require(actor, Action.EDIT, user, gettext("Only an administrator may reset passwords."))
    password = _new_password()
    user.password = make_password(password, hasher=OneTimePasswordHasher.algorithm)
    user.save(update_fields=["password"])
    OneTimePassword.objects.update_or_create(
        user=user, defaults={"issued_at": clock.now(), "issued_by": actor if actor.pk else None}
    )
    audit.record(actor=actor, action="user.one_time_password_issued", target=user)
    return password


@transaction.atomic
def user_password_reset(*, actor: Any, user: User) -> str:
    """Reset ``user``'s password to a one-time password (see :func:`_issue_one_time_password`)."""
    return _issue_one_time_password(actor=actor, user=user)


@transaction.atomic
def user_password_change(*, actor: Any, current_password: str, new_password: str) -> User:
    """The signed-in user replaces their password (a one-time one, or their own)."""
    user: User = User.objects.select_for_update().get(pk=actor.pk)
    if not user.check_password(current_password):
        raise Invalid(
            gettext("The current password is not right."),
            details={"current_password": [gettext("not right")]},
        )
    if new_password == current_password:
        raise Invalid(
            gettext("Choose a password different from the current one."),
            details={"new_password": [gettext("same as the current one")]},
        )
    problems = _password_problems(new_password, user)
    if problems:
        raise Invalid(" ".join(problems), details={"new_password": problems})
    user.set_password(new_password)
    user.save(update_fields=["password"])
    OneTimePassword.objects.filter(user=user).delete()
    audit.record(actor=actor, action="user.password_changed", target=user)
    return user


def organisation_import(*, actor: Any, data: bytes, filename: str = "", apply: bool = False) -> OrgPreview:
    """Compare an organisation workbook with the stored units and users; with ``apply`` and no
    problem at all, store every change in one transaction (new users get one-time passwords,
    returned once in the preview)."""
    permissions.require_admin(actor, gettext("import the organisation"))
    with transaction.atomic():
        preview = org_preview(data=data, filename=filename)
        if apply and preview.ok:
            apply_preview(actor=actor, preview=preview, issue_password=_issue_one_time_password)
            audit.record(
                actor=actor,
                action="organisation.imported",
                target=None,
                after={"file": filename, "changes": len(preview.changes)},
            )
            preview.applied = True
    return preview


@dataclass(frozen=True)
class UserAdded:
    """A new account and its one-time password (shown once)."""

    user: User
    password: str


@transaction.atomic
def user_add(
    *,
    actor: Any,
    username: str,
    unit: Unit,
    role: str,
    full_name: str = "",
    email: str = "",
    phone: str = "",
) -> UserAdded:
    """Create an account with a role in a unit and a one-time password (administrators)."""
    username = username.strip()
    if not USERNAME.match(username):
        raise Invalid(
            gettext("The username must be 1–150 letters, digits or @.+-_."),
            details={"username": ["invalid"]},
        )
    user = accounts.user_create(
        actor=actor,
        username=username,
        password=None,
        email=email.strip(),
        full_name=full_name.strip(),
        phone=phone.strip(),
    )
    accounts.membership_create(actor=actor, user=user, unit=unit, role=role)
    return UserAdded(user=user, password=_issue_one_time_password(actor=actor, user=user))


@transaction.atomic
def user_change(*, actor: Any, user: User, **changes: Any) -> User:
    """Change a person's name, e-mail, phone or active flag; nobody deactivates themselves."""
    allowed = {"first_name", "email", "phone", "is_active"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise Invalid(f"unknown field(s): {', '.join(unknown)}")
    if changes.get("is_active") is False and user.pk == getattr(actor, "pk", None):
        raise Invalid(gettext("You cannot deactivate your own account."))
    changed = accounts.user_update(actor=actor, user=user, **changes)
    if changes.get("is_active") is False:
        from workplan.security import services as security

        security.session_revoke_all(actor=actor, user=changed)  # signed out everywhere at once
    return changed


@transaction.atomic
def membership_withdraw(*, actor: Any, membership: Any) -> None:
    """Withdraw a role; an administrator keeps at least one other administrator on the site."""
    if membership.role == Role.ADMIN and membership.user_id == getattr(actor, "pk", None):
        raise Invalid(gettext("You cannot withdraw your own administrator role."))
    accounts.membership_delete(actor=actor, membership=membership)


def _free_code(prefix: str, taken: set[str]) -> str:
    index = 1
    while f"{prefix}-{index}" in taken:
        index += 1
    code = f"{prefix}-{index}"
    taken.add(code)
    return code


def _draft_names(draft: Any, names: list[str]) -> list[str]:
    wanted = list(dict.fromkeys(n for n in names if n))
    if not wanted:
        raise Invalid(gettext("Choose at least one name."))
    unknown = [n for n in wanted if n not in draft.data.get("units", {})]
    if unknown:
        raise Invalid(gettext("The document names no unit %(name)s.") % {"name": unknown[0][:100]})
    return wanted


@transaction.atomic
def draft_units_create(*, actor: Any, draft: Any, names: list[str], parent: Unit) -> list[Unit]:
    """Create, under ``parent``, one unit for each of ``names`` (names the document uses) and
    map the name to it; nothing becomes an alias (the name is the unit's own name)."""
    from workplan.plans import drafts

    wanted = _draft_names(draft, names)
    taken = set(Unit.objects.filter(code__startswith=f"{parent.code[:40]}-").values_list("code", flat=True))
    existing = set(Unit.objects.filter(name__in=wanted).values_list("name", flat=True))
    if existing:
        raise Invalid(
            gettext("A unit called %(name)s exists already: map the name to it instead.")
            % {"name": sorted(existing)[0]}
        )
    created = []
    for name in wanted:
        unit = accounts.unit_create(
            actor=actor, code=_free_code(parent.code[:40], taken), name=name[:200], parent=parent
        )
        draft = drafts.draft_map_unit(actor=actor, draft=draft, name=name, unit=unit, remember=False)
        created.append(unit)
    return created


@transaction.atomic
def draft_units_map(
    *, actor: Any, draft: Any, names: list[str], unit: Unit | None, remember: bool = False
) -> Any:
    """Map several names of the document to one unit at once (``remember``: keep them as aliases)."""
    from workplan.plans import drafts

    for name in _draft_names(draft, names):
        draft = drafts.draft_map_unit(actor=actor, draft=draft, name=name, unit=unit, remember=remember)
    return draft
