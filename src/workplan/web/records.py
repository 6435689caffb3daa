"""Generic pages for register-like records: list, detail, create, edit, delete.

Each view reads top to bottom: parse the request, call the register's selector or service,
render. A register mounts them with explicit paths (so every route can be grepped), e.g.::

    path("units/", records.record_list, {"register": UNITS}, name="units_list"),

See ``workplan.core.registers`` for what a register declares.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from workplan.core import audit
from workplan.core.errors import Conflict, Invalid
from workplan.core.http import domain_errors
from workplan.core.policy import Action
from workplan.core.registers import Register, register_get, register_page

PAGE_SIZE = 50


def _form_errors(form: Any, error: Invalid) -> None:
    for name, problems in (error.details or {}).items() if isinstance(error.details, dict) else ():
        for problem in problems if isinstance(problems, list) else [problems]:
            form.add_error(name if name in form.fields else None, str(problem))
    if not form.errors:
        form.add_error(None, error.message)


@login_required
@require_GET
@domain_errors
def record_list(request: HttpRequest, *, register: Register) -> HttpResponse:
    params = {f.name: request.GET.get(f.name, "") for f in register.filters}
    rows, next_cursor = register_page(
        register, user=request.user, params=params, cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE
    )
    detail = register.url_name("detail")
    context = {
        "register": register,
        "columns": register.column_labels(),
        "rows": [(reverse(detail, args=[register.key_of(row)]), register.cells(row)) for row in rows],
        "filters": [(f, params[f.name]) for f in register.filters],
        "next_cursor": next_cursor,
        "can_create": register.policy.allows_create(request.user),
        "create_url": reverse(register.url_name("create")),
    }
    return render(request, "web/records/list.html", context)


@login_required
@require_GET
@domain_errors
def record_detail(request: HttpRequest, key: str, *, register: Register) -> HttpResponse:
    row = register_get(register, user=request.user, key=key)
    fields = list(zip(register.column_labels(), register.cells(row), strict=True))
    flags = register.policy.flags(request.user, row)
    context = {
        "register": register,
        "row": row,
        "fields": fields,
        "history": list(audit.history(row).order_by("-at")[:50]),
        "can_edit": flags.get("can_edit", False) and register.update_row is not None,
        "can_delete": flags.get("can_edit", False) and register.delete_row is not None,
        "edit_url": reverse(register.url_name("edit"), args=[key]),
        "delete_url": reverse(register.url_name("delete"), args=[key]),
        "list_url": reverse(register.url_name("list")),
    }
    return render(request, "web/records/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def record_edit(request: HttpRequest, key: str | None = None, *, register: Register) -> HttpResponse:
    """Create (no ``key``) or change one row through the register's services."""
    row = register_get(register, user=request.user, key=key, action=Action.EDIT) if key is not None else None
    if row is None:
        register.policy.require_create(request.user)
    form_kwargs: dict[str, Any] = {"user": request.user, "row": row}
    if request.method == "POST":
        form = register.form(request.POST, **form_kwargs)
        if form.is_valid():
            values = dict(form.cleaned_data)
            expected = values.pop("version", None)
            try:
                if row is None:
                    saved = register.create_row(request.user, values)
                else:
                    saved = register.update_row(request.user, row, values, expected)
            except Conflict as error:
                form.add_error(None, error.message)
            except Invalid as error:
                _form_errors(form, error)
            else:
                messages.success(request, gettext("Saved."))
                return redirect(register.url_name("detail"), register.key_of(saved))
    else:
        initial = register.form_initial(row) if row is not None else {}
        if row is not None and "version" in register.form.base_fields:
            initial["version"] = getattr(row, "version", None)
        form = register.form(initial=initial, **form_kwargs)
    context = {
        "register": register,
        "row": row,
        "form": form,
        "cancel_url": reverse(register.url_name("detail"), args=[key])
        if key
        else reverse(register.url_name("list")),
    }
    return render(request, "web/records/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def record_delete(request: HttpRequest, key: str, *, register: Register) -> HttpResponse:
    """Ask, then delete through the register's service (which may refuse: archive instead)."""
    row = register_get(register, user=request.user, key=key, action=Action.EDIT)
    error = ""
    if request.method == "POST" and register.delete_row is not None:
        try:
            register.delete_row(request.user, row)
        except Invalid as refused:
            error = refused.message
        else:
            messages.success(request, gettext("Deleted."))
            return redirect(register.url_name("list"))
    context = {
        "register": register,
        "row": row,
        "error": error,
        "cancel_url": reverse(register.url_name("detail"), args=[key]),
    }
    return render(request, "web/records/confirm_delete.html", context)
