"""The caller (``/me``) and their personal API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router
from pydantic import Field, StringConstraints

from workplan import permissions
from workplan.accounts.selectors import memberships_of
from workplan.api import selectors, services
from workplan.api.endpoints import actor, status
from workplan.api.models import ApiToken
from workplan.api.pagination import keyset_page
from workplan.api.schemas import DEFAULT_LIMIT, IdCursor, Input, Limit, Out, PathId, ShortText, responses
from workplan.security import selectors as security_selectors
from workplan.security import services as security_services

router = Router(tags=["account"])


class MembershipOut(Out):
    unit_id: int
    unit_code: str
    unit_name: str
    role: str


class MeOut(Out):
    id: int
    username: str
    full_name: str
    email: str
    is_admin: bool
    memberships: list[MembershipOut]


@router.get("/me", response=responses(MeOut), summary="The caller: who they are and their roles")
def me(request: HttpRequest) -> MeOut:
    user = actor(request)
    return MeOut(
        id=user.pk,
        username=user.username,
        full_name=user.get_full_name(),
        email=user.email,
        is_admin=permissions.is_admin(user),
        memberships=[
            MembershipOut(unit_id=m.unit_id, unit_code=m.unit.code, unit_name=m.unit.name, role=m.role)
            for m in memberships_of(user=user)
        ],
    )


class TokenOut(Out):
    id: int
    name: str
    prefix: str = Field(description="The public part of the token (`wp_<prefix>.…`), to recognise it.")
    user_id: int
    username: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    secret: str = Field(
        description="The token itself: shown once, never again. Send it as `Bearer <secret>`."
    )


class TokenPage(Out):
    items: list[TokenOut]
    next_cursor: str | None


class TokenIn(Input):
    name: ShortText = ""
    expires_days: int | None = Field(None, ge=1, le=services.MAX_EXPIRY_DAYS)


def _token_out(token: ApiToken) -> TokenOut:
    return TokenOut(
        id=token.pk,
        name=token.name,
        prefix=token.prefix,
        user_id=token.user_id,
        username=token.user.username,
        created_at=token.created_at,
        expires_at=token.expires_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
    )


@router.get("/tokens", response=responses(TokenPage), summary="Your API tokens (administrators: all)")
def token_list(request: HttpRequest, cursor: IdCursor = None, limit: Limit = DEFAULT_LIMIT) -> TokenPage:
    tokens = selectors.token_list_for_user(user=actor(request))
    rows, next_cursor = keyset_page(tokens, key="id", cursor=cursor, limit=limit, descending=True)
    return TokenPage(items=[_token_out(t) for t in rows], next_cursor=next_cursor)


@router.post(
    "/tokens", response=responses(TokenCreatedOut, 201), summary="Make an API token for yourself (shown once)"
)
def token_create(request: HttpRequest, payload: TokenIn) -> Any:
    user = actor(request)
    token, secret = services.token_create(
        actor=user, user=user, name=payload.name, expires_days=payload.expires_days
    )
    return status(201, TokenCreatedOut(**_token_out(token).model_dump(), secret=secret))


@router.post("/tokens/{token_id}/revoke", response=responses(TokenOut), summary="Revoke an API token")
def token_revoke(request: HttpRequest, token_id: PathId) -> TokenOut:
    token = selectors.token_get_for_user(user=actor(request), token_id=token_id)
    return _token_out(services.token_revoke(actor=actor(request), token=token))


class SessionOut(Out):
    session: str = Field(description="The session's reference (not its secret key).")
    address: str
    user_agent: str
    started: dt.datetime | None
    last_seen: dt.datetime | None
    expires: dt.datetime
    current: bool = Field(description="The session this request came with.")


class SessionRevokeIn(Input):
    session: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16}$")] | None = Field(
        None, description="The session to end; omit to end all your sessions but this one."
    )


class SessionsRevokedOut(Out):
    ended: int


def _current_key(request: HttpRequest) -> str | None:
    session = getattr(request, "session", None)
    return session.session_key if session is not None else None


@router.get("/me/sessions", response=responses(list[SessionOut]), summary="Your signed-in sessions")
def my_sessions(request: HttpRequest) -> list[SessionOut]:
    user = actor(request)
    found = security_selectors.sessions_for_user(user=user, owner=user, current_key=_current_key(request))
    return [
        SessionOut(
            session=s.ref,
            address=s.address,
            user_agent=s.user_agent,
            started=s.started,
            last_seen=s.last_seen,
            expires=s.expires,
            current=s.current,
        )
        for s in found
    ]


@router.post(
    "/me/sessions/revoke", response=responses(SessionsRevokedOut), summary="End one or all other sessions"
)
def my_sessions_revoke(request: HttpRequest, payload: SessionRevokeIn) -> SessionsRevokedOut:
    user = actor(request)
    if payload.session is None:
        ended = security_services.session_revoke_all(actor=user, user=user, keep_key=_current_key(request))
    else:
        ended = int(security_services.session_revoke(actor=user, user=user, ref=payload.session))
    return SessionsRevokedOut(ended=ended)
