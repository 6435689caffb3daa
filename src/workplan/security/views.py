"""Security screens: two-factor sign-in; unlocking an account and the audit log (administrators)."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from workplan.core.errors import Invalid
from workplan.core.http import domain_errors, safe_next
from workplan.operations.selectors import user_get_for_admin
from workplan.security import selectors, services
from workplan.security.audit_log import EXPORT_LIMIT, AuditFilters, AuditSearchForm, audit_search, csv_lines
from workplan.security.middleware import TWO_FACTOR


@login_required
@domain_errors
def session_list(request: HttpRequest) -> HttpResponse:
    """Your signed-in sessions (address, browser, started, last seen); end any, or all others."""
    if request.method == "POST":
        if request.POST.get("all"):
            count = services.session_revoke_all(
                actor=request.user, user=request.user, keep_key=request.session.session_key
            )
            messages.success(request, _("%(count)d other sessions ended.") % {"count": count})
        else:
            ref = request.POST.get("session", "")[:64]
            services.session_revoke(actor=request.user, user=request.user, ref=ref)
            messages.success(request, _("The session was ended."))
        return redirect("security:session_list")
    sessions = selectors.sessions_for_user(
        user=request.user, owner=request.user, current_key=request.session.session_key
    )
    return render(request, "security/sessions.html", {"sessions": sessions})


@login_required
@require_POST
@domain_errors
def user_sessions_revoke(request: HttpRequest, user_id: int) -> HttpResponse:
    """An administrator signs a user out everywhere."""
    owner = user_get_for_admin(user=request.user, user_id=user_id)
    count = services.session_revoke_all(actor=request.user, user=owner)
    messages.success(request, _("%(count)d sessions of %(name)s ended.") % {"count": count, "name": owner})
    return redirect("web:user_list")


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
        "next": safe_next(request, "web:home"),
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
            return redirect(safe_next(request, "web:home"))
    context = {"error": error, "next": safe_next(request, "web:home")}
    return render(request, "security/two_factor_verify.html", context, status=400 if error else 200)


@login_required
@require_GET
@domain_errors
def audit_list(request: HttpRequest) -> HttpResponse:
    """Search the audit log (administrators)."""
    form = AuditSearchForm(request.GET or None)
    rows = audit_search(user=request.user, filters=AuditFilters.from_form(form))
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "security/audit_list.html", context)


@login_required
@require_GET
@domain_errors
def audit_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The same selection as CSV."""
    form = AuditSearchForm(request.GET or None)
    filters = AuditFilters.from_form(form)
    rows = audit_search(user=request.user, filters=filters)
    count = min(rows.count(), EXPORT_LIMIT)
    services.audit_export_record(actor=request.user, filters=_json_filters(filters), count=count)
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


def _json_filters(filters: AuditFilters) -> dict[str, str]:
    return {k: str(v) for k, v in vars(filters).items() if v}
