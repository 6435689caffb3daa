"""Accounts and their roles, for administrators: list, create (with a one-time password),
change, deactivate, reset the password, grant and withdraw roles."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router
from pydantic import Field, StringConstraints

from workplan.accounts import services as accounts
from workplan.accounts.models import Role
from workplan.accounts.selectors import unit_get_by_id_for_user
from workplan.api.endpoints import actor, changes_of, status
from workplan.api.pagination import keyset_page
from workplan.api.schemas import DEFAULT_LIMIT, Id, IdCursor, Input, Limit, Out, PathId, responses
from workplan.operations import selectors, services
from workplan.security import services as security_services

router = Router(tags=["users"])

Username = Annotated[str, StringConstraints(pattern=r"^[\w.@+-]{1,150}$")]
PersonName = Annotated[str, StringConstraints(max_length=150, pattern=r"^[^\x00]*$")]
Email = Annotated[
    str,
    StringConstraints(
        max_length=254, pattern=r"^$|^[^@ \t\n\r\f\v\x00]+@[^@ \t\n\r\f\v\x00]+\.[^@ \t\n\r\f\v\x00]+$"
    ),
]
Phone = Annotated[str, StringConstraints(pattern=r"^[0-9+()\- ]{0,30}$")]


class RoleOut(Out):
    membership_id: int
    unit_id: int
    unit_code: str
    role: Role


class UserOut(Out):
    id: int
    username: str
    full_name: str
    email: str
    phone: str
    is_active: bool
    last_login: dt.datetime | None
    roles: list[RoleOut]


class UserPage(Out):
    items: list[UserOut]
    next_cursor: str | None


class UserCreatedOut(Out):
    user: UserOut
    one_time_password: str = Field(description="Shown only in this answer; changed at the first sign-in.")


class PasswordOut(Out):
    one_time_password: str = Field(description="Shown only in this answer; changed at the first sign-in.")


class UserIn(Input):
    username: Username
    full_name: PersonName = ""
    email: Email = ""
    phone: Phone = ""
    unit_id: Id
    role: Role


class UserPatch(Input):
    full_name: PersonName | None = None
    email: Email | None = None
    phone: Phone | None = None
    is_active: bool | None = None


class RoleIn(Input):
    unit_id: Id
    role: Role


def _out(user: Any) -> UserOut:
    return UserOut(
        id=user.pk,
        username=user.username,
        full_name=user.first_name,
        email=user.email,
        phone=user.phone,
        is_active=user.is_active,
        last_login=user.last_login,
        roles=[
            RoleOut(membership_id=m.pk, unit_id=m.unit_id, unit_code=m.unit.code, role=Role(m.role))
            for m in user.memberships.all()
        ],
    )


def _fresh(request: HttpRequest, user_id: int) -> UserOut:
    return _out(selectors.user_get_for_admin(user=actor(request), user_id=user_id))


@router.get("/users", response=responses(UserPage), summary="Every account with its roles (administrators)")
def user_list(request: HttpRequest, cursor: IdCursor = None, limit: Limit = DEFAULT_LIMIT) -> UserPage:
    rows, next_cursor = keyset_page(
        selectors.user_rows_for_admin(user=actor(request)), key="id", cursor=cursor, limit=limit
    )
    return UserPage(items=[_out(u) for u in rows], next_cursor=next_cursor)


@router.get("/users/{user_id}", response=responses(UserOut), summary="One account with its roles")
def user_get(request: HttpRequest, user_id: PathId) -> UserOut:
    return _fresh(request, user_id)


@router.post(
    "/users",
    response=responses(UserCreatedOut, 201),
    summary="Create an account with a role and a one-time password",
)
def user_create(request: HttpRequest, payload: UserIn) -> Any:
    user = actor(request)
    selectors.require_admin(user=user)
    unit = unit_get_by_id_for_user(user=user, unit_id=payload.unit_id)
    added = services.user_add(
        actor=user,
        username=payload.username,
        unit=unit,
        role=payload.role.value,
        full_name=payload.full_name,
        email=payload.email,
        phone=payload.phone,
    )
    return status(201, UserCreatedOut(user=_fresh(request, added.user.pk), one_time_password=added.password))


@router.patch(
    "/users/{user_id}",
    response=responses(UserOut),
    summary="Change an account; `is_active: false` deactivates it",
)
def user_update(request: HttpRequest, user_id: PathId, payload: UserPatch) -> UserOut:
    target = selectors.user_get_for_admin(user=actor(request), user_id=user_id)
    changes = changes_of(payload)
    if "full_name" in changes:
        changes["first_name"] = changes.pop("full_name")
    services.user_change(
        actor=actor(request), user=target, **{k: v for k, v in changes.items() if v is not None}
    )
    return _fresh(request, user_id)


@router.post(
    "/users/{user_id}/password-reset", response=responses(PasswordOut), summary="Reset to a one-time password"
)
def user_password_reset(request: HttpRequest, user_id: PathId) -> PasswordOut:
    target = selectors.user_get_for_admin(user=actor(request), user_id=user_id)
    return PasswordOut(one_time_password=services.user_password_reset(actor=actor(request), user=target))


@router.post("/users/{user_id}/roles", response=responses(UserOut), summary="Grant a role in a unit")
def user_role_add(request: HttpRequest, user_id: PathId, payload: RoleIn) -> UserOut:
    target = selectors.user_get_for_admin(user=actor(request), user_id=user_id)
    unit = unit_get_by_id_for_user(user=actor(request), unit_id=payload.unit_id)
    accounts.membership_create(actor=actor(request), user=target, unit=unit, role=payload.role.value)
    return _fresh(request, user_id)


@router.delete(
    "/users/{user_id}/roles/{membership_id}", response=responses(UserOut), summary="Withdraw a role"
)
def user_role_remove(request: HttpRequest, user_id: PathId, membership_id: PathId) -> UserOut:
    target = selectors.user_get_for_admin(user=actor(request), user_id=user_id)
    membership = selectors.membership_get_for_admin(
        user=actor(request), target=target, membership_id=membership_id
    )
    services.membership_withdraw(actor=actor(request), membership=membership)
    return _fresh(request, user_id)


class SessionsEndedOut(Out):
    ended: int


@router.post(
    "/users/{user_id}/sessions/revoke",
    response=responses(SessionsEndedOut),
    summary="Sign a user out everywhere (administrators)",
)
def user_sessions_revoke(request: HttpRequest, user_id: PathId) -> SessionsEndedOut:
    user = actor(request)
    target = selectors.user_get_for_admin(user=user, user_id=user_id)
    return SessionsEndedOut(ended=security_services.session_revoke_all(actor=user, user=target))
