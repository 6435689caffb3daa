"""Thin pages of running a site: welcome, the password change, the organisation workbook."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from workplan.core.errors import Invalid
from workplan.core.http import domain_errors
from workplan.operations import selectors, services
from workplan.operations.forms import OrganisationUploadForm, PasswordChangeForm
from workplan.operations.orgsheet.export import org_export, org_template
from workplan.operations.orgsheet.staging import org_apply_staged, org_dry_run

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _language(request: HttpRequest) -> str:
    chosen = request.GET.get("lang")
    if chosen in {"zh", "en"}:
        return chosen
    return "en" if (get_language() or "").startswith("en") else "zh"


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def welcome(request: HttpRequest) -> HttpResponse:
    """The first page of a fresh site: what to do next, step by step."""
    return render(request, "operations/welcome.html", {"state": selectors.setup_state(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_password_change(
                actor=request.user,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except Invalid as error:
            for name, problems in (error.details or {}).items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
            if not error.details:
                form.add_error(None, error.message)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password was changed."))
            return redirect("web:home")
    must = selectors.must_change_password(user=request.user)
    return render(request, "operations/password_change.html", {"form": form, "must_change": must})


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def organisation(request: HttpRequest) -> HttpResponse:
    """Upload the organisation workbook: a dry run lists every change and problem; Apply stores it."""
    selectors.require_admin(user=request.user)
    form = OrganisationUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and "staged" in request.POST:
        try:
            preview = org_apply_staged(actor=request.user, token=request.POST["staged"])
        except Invalid as error:
            messages.error(request, error.message)
            return redirect("operations:organisation")
        context["preview"] = preview
        if preview.applied:
            messages.success(request, _("%(count)d changes applied.") % {"count": len(preview.changes)})
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        try:
            staged = org_dry_run(actor=request.user, data=upload.read(), filename=upload.name or "")
        except Invalid as error:
            form.add_error("workbook", error.message)
        else:
            context.update(preview=staged.preview, staged=staged.token)
    return render(request, "operations/organisation.html", context)


@login_required
@require_GET
@domain_errors
def organisation_export(request: HttpRequest) -> HttpResponse:
    selectors.require_admin(user=request.user)
    return _xlsx(org_export(user=request.user, language=_language(request)), "organisation.xlsx")


@login_required
@require_GET
@domain_errors
def organisation_template(request: HttpRequest) -> HttpResponse:
    selectors.require_admin(user=request.user)
    return _xlsx(org_template(language=_language(request)), "organisation-template.xlsx")
