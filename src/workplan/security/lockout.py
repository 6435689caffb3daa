"""What a locked-out caller sees: a page in the user's language, or the API's JSON error."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from workplan.core.audit import client_of


def lockout_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def lockout_message() -> str:
    return _(
        "Too many failed sign-ins: this account or address is locked for %(minutes)d minutes. "
        "Wait, or ask an administrator to unlock it."
    ) % {"minutes": lockout_minutes()}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' AXES_LOCKOUT_CALLABLE: 429 with a plain explanation."""
    retry = {"Retry-After": str(lockout_minutes() * 60)}
    if request.path.startswith("/api/"):
        body = {"error": {"code": "locked_out", "message": lockout_message(), "details": None}}
        return JsonResponse(body, status=429, headers=retry)
    context = {"message": lockout_message(), "minutes": lockout_minutes()}
    response = render(request, "security/locked_out.html", context, status=429)
    response["Retry-After"] = retry["Retry-After"]
    return response


def client_address(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the caller's address as the audit log sees it (``core.audit.client_of``)."""
    return client_of(request)[0]


def client_username(request: HttpRequest, credentials: Any) -> str | None:
    """AXES_USERNAME_CALLABLE: the name tried, cut to what a username can be (150)."""
    raw = (credentials or {}).get("username") if credentials is not None else request.POST.get("username")
    return str(raw)[:150] if raw else None
