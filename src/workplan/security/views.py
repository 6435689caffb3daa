"""Security screens: change one's password; unlock a locked-out account (administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workplan.core.errors import Invalid
from workplan.core.http import domain_errors
from workplan.security import services


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
