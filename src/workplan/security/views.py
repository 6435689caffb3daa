"""Security screens: one's password and two-factor sign-in; unlocking an account (administrators)."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workplan.core.errors import Invalid
from workplan.core.http import domain_errors
from workplan.security import selectors, services
from workplan.security.middleware import TWO_FACTOR


@login_required
@require_POST
@domain_errors
def user_unlock(request: HttpRequest) -> HttpResponse:
    username = request.POST.get("username", "")[:150]
    services.auth_lockout_reset(actor=request.user, username=username)
    messages.success(request, _("%(name)s can sign in again.") % {"name": username})
    return redirect("web:user_list")


@login_required
@domain_errors
def password_change(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        new = request.POST.get("new_password1", "")
        if new != request.POST.get("new_password2", ""):
            error = _("The two new passwords differ.")
        else:
            try:
                services.auth_password_change(
                    actor=request.user, old_password=request.POST.get("old_password", ""), new_password=new
                )
            except Invalid as refused:
                error = refused.message
            else:
                update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
                messages.success(request, _("Your password was changed."))
                return redirect("web:home")
    context = {"error": error, "rules": password_validators_help_texts()}
    return render(request, "security/password_change.html", context, status=400 if error else 200)


@login_required
@domain_errors
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app, confirm it, see or renew recovery codes."""
    codes: list[str] = []
    error = ""
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if step == "start":
                services.otp_enrol_start(actor=request.user)
            elif step == "confirm":
                codes = services.otp_enrol_confirm(actor=request.user, code=request.POST.get("code", ""))
                request.session[TWO_FACTOR] = "ok"
            elif step == "renew":
                codes = services.otp_recovery_codes_renew(actor=request.user)
        except Invalid as refused:
            error = refused.message
    state = selectors.two_factor_state(user=request.user)
    pending = None if state.enrolled and not error else selectors.pending_authenticator(user=request.user)
    context = {
        "state": state,
        "pending": pending,
        "secret": base64.b32encode(pending.bin_key).decode() if pending else "",
        "codes": codes,
        "error": error,
        "next": _safe_next(request),
    }
    return render(request, "security/two_factor.html", context, status=400 if error else 200)


@login_required
@domain_errors
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code."""
    error = ""
    if request.method == "POST":
        try:
            services.otp_verify(actor=request.user, code=request.POST.get("code", ""))
        except Invalid as refused:
            error = refused.message
        else:
            request.session[TWO_FACTOR] = "ok"
            return redirect(_safe_next(request))
    context = {"error": error, "next": _safe_next(request)}
    return render(request, "security/two_factor_verify.html", context, status=400 if error else 200)


def _safe_next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, {request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("web:home")
