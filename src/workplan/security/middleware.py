"""Session idle timeout and absolute lifetime (等保 2.0: 登录连接超时自动退出), and the
two-factor step after the password (等保 2.0: 两种或两种以上组合的鉴别技术).

A signed-in session that has been idle for ``WORKPLAN_SESSION_IDLE_MINUTES`` (default 30), or
that began more than ``WORKPLAN_SESSION_MAX_HOURS`` ago (default 12), is signed out on its next
request: the page asks to sign in again (the API answers 401), and the audit log says
``auth.session_expired``. Times come from ``core.clock`` so tests can move them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from workplan.core import clock
from workplan.security import selectors, services
from workplan.security.sessions import SEEN, STARTED

# The last-seen stamp is written at most this often (a session save per request is wasteful).
TOUCH_SECONDS = 30


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        now = clock.now().timestamp()
        session = request.session
        started = float(session.get(STARTED) or now)
        seen = float(session.get(SEEN) or now)
        idle = now - seen > settings.WORKPLAN_SESSION_IDLE_MINUTES * 60
        too_old = now - started > settings.WORKPLAN_SESSION_MAX_HOURS * 3600
        if idle or too_old:
            services.auth_event_record(actor=user, event="session_expired", target=user)
            logout(request)
            if request.path.startswith("/api/"):
                return self.get_response(request)  # no session any more: the API answers 401
            messages.info(
                request, _("You were signed out after a time without activity. Please sign in again.")
            )
            return redirect_to_login(request.get_full_path())
        if STARTED not in session:
            session[STARTED] = now
        if now - seen >= TOUCH_SECONDS or SEEN not in session:
            session[SEEN] = now
        return self.get_response(request)


TWO_FACTOR = "workplan_two_factor"  # "verify" | "enrol" | "ok", set at sign-in (receivers)
# The one-time password page stays open too: a new user changes it first (operations'
# middleware sends them there), then sets up the second factor.
TWO_FACTOR_OPEN = (
    "/security/two-factor/",
    "/account/password/",
    "/logout/",
    "/static/",
    "/language/",
    "/login/",
    "/healthz",
)


class TwoFactorMiddleware:
    """After the password, a user with an authenticator must give its code; a user whose role
    requires one (WORKPLAN_2FA_REQUIRED_ROLES) must set one up before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(TWO_FACTOR_OPEN):
            return self.get_response(request)
        step = request.session.get(TWO_FACTOR)
        if step is None:  # a session from before two-factor sign-in existed
            step = request.session[TWO_FACTOR] = two_factor_step(user)
        if step == "ok":
            return self.get_response(request)
        if request.path.startswith("/api/"):
            message = _("Finish two-factor sign-in in the browser first.")
            body = {"error": {"code": "two_factor_required", "message": message, "details": None}}
            return JsonResponse(body, status=403)
        name = "security:two_factor_verify" if step == "verify" else "security:two_factor"
        return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")


def two_factor_step(user: Any) -> str:
    """What a user who has just given the right password must do next."""
    state = selectors.two_factor_state(user=user)
    if state.enrolled:
        return "verify"
    return "enrol" if state.required else "ok"
