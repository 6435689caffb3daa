"""Who is calling: a personal API token (``Authorization: Bearer wp_…``) or the browser session.

Token requests are not subject to CSRF (a token is not sent by the browser on its own);
session requests are, for every unsafe method. Both count against the caller's rate
limit. A request with a bad token is refused (401), never retried as a session request.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from workplan.api import ratelimit
from workplan.api.errors import ApiError
from workplan.api.models import ApiToken
from workplan.core import clock
from workplan.security.lockout import lockout_message

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# last_used_at is bookkeeping (like Django's last_login): written at most once a minute per token.
TOUCH_INTERVAL = dt.timedelta(minutes=1)


def find_token(raw: str) -> ApiToken | None:
    """The live token whose secret is ``raw`` (not revoked, not expired, its user active)."""
    head, dot, _ = raw.partition(".")
    scheme, _, prefix = head.partition("_")
    if not dot or scheme != "wp" or len(prefix) != 8 or not (prefix.isascii() and prefix.isalnum()):
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.token_hash, ApiToken.hash_of(raw)):
        return None
    now = clock.now()
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def _limit(scope: str) -> None:
    state = ratelimit.hit(scope)
    if state.exceeded:
        raise ApiError(
            429,
            f"too many requests: at most {state.limit} per {settings.WORKPLAN_API_RATE_WINDOW_SECONDS} s; "
            f"try again in {state.retry_after} s",
            details={"limit": state.limit, "retry_after": state.retry_after},
            headers={"Retry-After": str(max(1, state.retry_after))},
        )


_TOKEN_PREFIX_JUNK = re.compile(r"[^0-9A-Za-z_-]")


class TokenAuth(HttpBearer):
    """A personal API token, made with ``workplan token create`` (or the settings page)."""

    openapi_bearerFormat = "wp_<prefix>.<secret>"  # noqa: N815 - django-ninja's attribute name

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # A bad token counts as a failed sign-in of the calling address (django-axes): after
        # too many, every token from that address is refused until the lockout ends.
        # Only the prefix's own characters are kept: a NUL in a forged token cannot reach the database.
        prefix = _TOKEN_PREFIX_JUNK.sub("?", token.strip().partition(".")[0][:16])
        credentials = {"username": f"api-token:{prefix}"}
        if AxesProxyHandler.is_locked(request, credentials):
            raise ApiError(429, lockout_message(), code="locked_out")
        found = find_token(token.strip())
        if found is None:
            user_login_failed.send(sender=TokenAuth, credentials=credentials, request=request)
            raise ApiError(
                401,
                "the API token is unknown, revoked or expired",
                code="unauthenticated",
                headers={"WWW-Authenticate": 'Bearer realm="workplan", error="invalid_token"'},
            )
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        _limit(f"token:{found.pk}")
        return found.user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session (the web UI's own calls), with Django's CSRF check."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # Authenticate first: a request with no session is 401, not a CSRF failure.
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise ApiError(
                403,
                "CSRF check failed: send the X-CSRFToken header with the csrftoken cookie's value",
                code="csrf_failed",
            )
        _limit(f"user:{user.pk}")
        return user
