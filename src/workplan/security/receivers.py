"""Adapters from Django's and django-axes' sign-in signals to the audited service."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from workplan.security import services


@receiver(user_logged_in, dispatch_uid="workplan.security.login")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # A login() made in code, outside any HTTP request (the test client's force_login), is not
    # a sign-in through an interface: only requests that reached a URL are recorded.
    path: str = getattr(request, "path", "") or ""
    if path:
        services.auth_event_record(actor=user, event="login", target=user)
    if request is not None and hasattr(request, "session"):
        from workplan.security.middleware import TWO_FACTOR, two_factor_step

        request.session[TWO_FACTOR] = two_factor_step(user)
        # Shown on the user's list of sessions (security.sessions), so a strange one stands out.
        from workplan.core import audit, clock
        from workplan.security.sessions import ADDRESS, SEEN, STARTED, USER_AGENT

        address, user_agent = audit.client_of(request)
        request.session[STARTED] = request.session[SEEN] = clock.now().timestamp()
        request.session[ADDRESS] = address or ""
        request.session[USER_AGENT] = (user_agent or "")[:300]


@receiver(user_logged_out, dispatch_uid="workplan.security.logout")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        services.auth_event_record(actor=user, event="logout", target=user)


@receiver(user_login_failed, dispatch_uid="workplan.security.login_failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username") or "")
    event = "token_refused" if username.startswith("api-token:") else "login_failed"
    services.auth_event_record(actor=username or None, event=event, username=username)


@receiver(user_locked_out, dispatch_uid="workplan.security.locked_out")
def _locked_out(sender: Any, request: Any = None, username: str | None = None, **kwargs: Any) -> None:
    services.auth_event_record(actor=username or None, event="locked_out", username=username or "")
