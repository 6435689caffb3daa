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
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workplan.accounts import services as accounts
from workplan.accounts.selectors import unit_list_for_user
from workplan.core.errors import Invalid
from workplan.core.http import domain_errors
from workplan.operations import selectors, services
from workplan.operations.forms import (
    DraftUnitsForm,
    OrganisationUploadForm,
    PasswordChangeForm,
    RoleForm,
    UserAddForm,
    UserEditForm,
)
from workplan.operations.orgsheet.export import org_export, org_template
from workplan.operations.orgsheet.staging import org_apply_staged, org_dry_run
from workplan.plans.drafts import draft_get_for_user

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
    reason = selectors.password_change_reason(user=request.user)
    return render(
        request,
        "operations/password_change.html",
        {"form": form, "must_change": reason == "one_time", "expired": reason == "expired"},
    )


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


def _units(user: Any) -> Any:
    return unit_list_for_user(user=user).filter(is_active=True)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def user_create(request: HttpRequest) -> HttpResponse:
    """A new account with a role; its one-time password is shown on the answer page only."""
    selectors.require_admin(user=request.user)
    form = UserAddForm(request.POST or None, units=_units(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            added = services.user_add(
                actor=request.user,
                username=data["username"],
                unit=data["unit"],
                role=data["role"],
                full_name=data["first_name"],
                email=data["email"],
                phone=data["phone"],
            )
        except Invalid as error:
            form.add_error("username" if "username" in (error.details or {}) else None, error.message)
        else:
            return _user_page(request, added.user, password=added.password)
    return render(request, "operations/user_create.html", {"form": form})


def _user_page(request: HttpRequest, target: Any, *, password: str = "", **forms: Any) -> HttpResponse:
    target = selectors.user_get_for_admin(user=request.user, user_id=target.pk)
    context = {
        "target": target,
        "password": password,
        "pending": selectors.user_pending_password(user=request.user, target=target),
        "edit_form": forms.get("edit_form")
        or UserEditForm(
            initial={
                "first_name": target.first_name,
                "email": target.email,
                "phone": target.phone,
                "is_active": target.is_active,
            }
        ),
        "role_form": forms.get("role_form") or RoleForm(units=_units(request.user)),
    }
    return render(request, "operations/user_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    """One account: its details, roles, last sign-in; edit, (de)activate, reset, roles."""
    target = selectors.user_get_for_admin(user=request.user, user_id=user_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    try:
        if action == "edit":
            edit_form = UserEditForm(request.POST)
            if not edit_form.is_valid():
                return _user_page(request, target, edit_form=edit_form)
            services.user_change(actor=request.user, user=target, **edit_form.cleaned_data)
        elif action == "reset":
            password = services.user_password_reset(actor=request.user, user=target)
            return _user_page(request, target, password=password)
        elif action == "role_add":
            role_form = RoleForm(request.POST, units=_units(request.user))
            if not role_form.is_valid():
                return _user_page(request, target, role_form=role_form)
            accounts.membership_create(actor=request.user, user=target, **role_form.cleaned_data)
        elif action == "role_remove":
            membership = selectors.membership_get_for_admin(
                user=request.user, target=target, membership_id=request.POST.get("membership")
            )
            services.membership_withdraw(actor=request.user, membership=membership)
        elif action:
            messages.error(request, _("Unknown action."))
    except Invalid as error:
        messages.error(request, error.message)
    if action:
        return redirect("operations:user_detail", user_id=target.pk)
    return _user_page(request, target)


@login_required
@require_POST
@domain_errors
def draft_units(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The import review's units, several at once: create the missing ones under a parent, or
    map them all to one unit."""
    draft = draft_get_for_user(user=request.user, draft_id=draft_id)
    names = request.POST.getlist("names")
    form = DraftUnitsForm(request.POST, units=_units(request.user))
    try:
        if not form.is_valid():
            raise Invalid(" ".join(str(e) for errors in form.errors.values() for e in errors))
        data = form.cleaned_data
        if data["action"] == "create":
            if data["unit"] is None:
                raise Invalid(_("Choose the parent unit of the new units."))
            created = services.draft_units_create(
                actor=request.user, draft=draft, names=names, parent=data["unit"]
            )
            messages.success(request, _("%(count)d units created.") % {"count": len(created)})
        else:
            services.draft_units_map(
                actor=request.user, draft=draft, names=names, unit=data["unit"], remember=data["remember"]
            )
    except Invalid as error:
        messages.error(request, error.message)
    return redirect("plans:draft", draft_id=draft.pk)
