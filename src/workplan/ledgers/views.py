"""Web pages of ledgers (the ledger page, its fields and records) and indicators.

Each view parses the request, calls a selector or service, renders. The ledger list,
create, edit and delete pages are the generic register pages (``ledgers.registers``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from workplan import permissions
from workplan.core import audit
from workplan.core.errors import Conflict, Invalid
from workplan.core.http import domain_errors
from workplan.core.pagination import keyset_page
from workplan.core.policy import Action, policy_for
from workplan.ledgers import selectors, services
from workplan.ledgers.fields import display
from workplan.ledgers.forms import FieldForm, IndicatorForm, RecordForm, SheetForm
from workplan.ledgers.models import Indicator, LedgerRecord
from workplan.ledgers.sheets import export_ledger, import_ledger
from workplan.web.records import _form_errors

PAGE_SIZE = 50


def _saved(request: HttpRequest) -> None:
    messages.success(request, gettext("Saved."))


@login_required
@require_GET
@domain_errors
def ledger_detail(request: HttpRequest, key: str) -> HttpResponse:
    ledger = selectors.ledger_get_for_user(user=request.user, key=key)
    context = {
        "ledger": ledger,
        "fields": selectors.ledger_fields(ledger, include_retired=True),
        "keeping_units": list(ledger.keeping_units.order_by("path")),
        "record_count": selectors.record_rows(user=request.user, ledger=ledger).count(),
        "indicators": list(selectors.indicator_list(user=request.user, ledger=ledger)),
        "can_edit": permissions.can(request.user, Action.EDIT, ledger),
        "can_add_records": selectors.keeping_units_for(user=request.user, ledger=ledger).exists(),
        "history": list(audit.history(ledger).order_by("-at")[:20]),
    }
    return render(request, "ledgers/ledger_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def field_edit(request: HttpRequest, key: str, field_id: int | None = None) -> HttpResponse:
    ledger = selectors.ledger_get_for_user(user=request.user, key=key, action=Action.EDIT)
    field = (
        selectors.field_get_for_user(user=request.user, field_id=field_id, action=Action.EDIT)
        if field_id
        else None
    )
    if field is not None and field.ledger_id != ledger.pk:
        return redirect("ledgers:ledgers_detail", ledger.code)
    form = FieldForm(request.POST or None, field=field, initial=_field_initial(field))
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version", None)
        try:
            if field is None:
                services.field_add(actor=request.user, ledger=ledger, **values)
            else:
                services.field_update(actor=request.user, field=field, expected_version=version, **values)
        except (Invalid, Conflict) as error:
            _form_errors(form, error) if isinstance(error, Invalid) else form.add_error(None, error.message)
        else:
            _saved(request)
            return redirect("ledgers:ledgers_detail", ledger.code)
    return render(request, "ledgers/field_form.html", {"ledger": ledger, "field": field, "form": form})


def _field_initial(field: Any) -> dict[str, Any]:
    if field is None:
        return {}
    return {
        "label": field.label,
        "kind": field.kind,
        "required": field.required,
        "choices": "\n".join(field.choices),
        "measure_unit": field.measure_unit,
        "retired": field.retired,
        "version": field.version,
    }


@login_required
@require_GET
@domain_errors
def record_list(request: HttpRequest, key: str) -> HttpResponse:
    """A ledger's records (those an indicator counts, with ``?indicator=``), keyset pages."""
    ledger = selectors.ledger_get_for_user(user=request.user, key=key)
    units = list(selectors.record_units_seen(user=request.user, ledger=ledger))
    unit = next((u for u in units if str(u.pk) == request.GET.get("unit")), None)
    indicator = None
    if request.GET.get("indicator"):
        indicator = selectors.indicator_get_for_user(user=request.user, key=request.GET["indicator"])
    rows = selectors.record_rows(user=request.user, ledger=ledger, unit=unit, indicator=indicator)
    cursor = request.GET.get("cursor") or None
    page, next_cursor = keyset_page(
        rows, key="id", cursor=cursor if (cursor or "").isdigit() else None, limit=PAGE_SIZE
    )
    definitions = selectors.ledger_fields(ledger)
    names = selectors.reference_names(user=request.user, definitions=definitions, records=page)
    context = {
        "ledger": ledger,
        "definitions": definitions,
        "rows": [(r, [display(d, r.values.get(d.key), names) for d in definitions]) for r in page],
        "units": units,
        "unit": unit,
        "indicator": indicator,
        "next_cursor": next_cursor,
        "can_add": selectors.keeping_units_for(user=request.user, ledger=ledger).exists(),
    }
    return render(request, "ledgers/record_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def record_edit(request: HttpRequest, key: str, record_id: int | None = None) -> HttpResponse:
    ledger = selectors.ledger_get_for_user(user=request.user, key=key)
    record = (
        selectors.record_get_for_user(user=request.user, record_id=record_id, action=Action.EDIT)
        if record_id
        else None
    )
    if record is not None and record.ledger_id != ledger.pk:
        return redirect("ledgers:record_list", ledger.code)
    units = selectors.keeping_units_for(user=request.user, ledger=ledger)
    if record is None and not units.exists():
        policy_for(LedgerRecord).require_create(
            request.user, gettext("You may not add records of this ledger.")
        )
    occurrences = selectors.open_occurrences(user=request.user)
    if record is not None and record.occurrence_id:
        occurrences = [(record.occurrence_id, str(record.occurrence)), *occurrences]
    form = RecordForm(
        request.POST or None,
        request.FILES or None,
        ledger=ledger,
        definitions=selectors.ledger_fields(ledger),
        units=units
        if record is None
        else selectors.keeping_units_for(user=request.user, ledger=ledger, record=record),
        occurrences=occurrences,
        initial=_record_initial(request, record),
    )
    if request.method == "POST" and form.is_valid():
        uploads = form.uploads()
        if not form.errors:
            saved = _save_record(request, form, ledger, record, uploads)
            if saved is not None:
                _saved(request)
                return redirect("ledgers:record_list", ledger.code)
    return render(request, "ledgers/record_form.html", {"ledger": ledger, "record": record, "form": form})


def _record_initial(request: HttpRequest, record: Any) -> dict[str, Any]:
    if record is None:
        occurrence = request.GET.get("occurrence", "")
        return {"occurrence": int(occurrence)} if occurrence.isdigit() else {}
    initial: dict[str, Any] = {
        "unit": record.unit_id,
        "item": record.item_id,
        "occurrence": record.occurrence_id,
        "version": record.version,
    }
    for key, value in record.values.items():
        initial[f"v_{key}"] = "true" if value is True else "false" if value is False else value
    return initial


def _save_record(
    request: HttpRequest, form: RecordForm, ledger: Any, record: Any, uploads: dict[str, Any]
) -> Any:
    data = form.cleaned_data
    links: dict[str, Any] = {"item": None, "occurrence": None}
    try:
        if data.get("item"):
            links["item"] = selectors.item_get_for_user(user=request.user, item_id=data["item"])
        if data.get("occurrence"):
            links["occurrence"] = selectors.occurrence_get_for_user(
                user=request.user, occurrence_id=data["occurrence"]
            )
        if record is None:
            return services.record_create(
                actor=request.user,
                ledger=ledger,
                unit=data["unit"],
                values=form.values(),
                files=uploads,
                **links,
            )
        return services.record_update(
            actor=request.user,
            record=record,
            expected_version=data.get("version"),
            values=form.values(),
            unit=data["unit"],
            files=uploads,
            **links,
        )
    except Conflict as error:
        form.add_error(None, error.message)
    except Invalid as error:
        details = {f"v_{k}" if f"v_{k}" in form.fields else k: v for k, v in (error.details or {}).items()}
        _form_errors(form, Invalid(error.message, details=details))
    return None


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def record_delete(request: HttpRequest, key: str, record_id: int) -> HttpResponse:
    ledger = selectors.ledger_get_for_user(user=request.user, key=key)
    record = selectors.record_get_for_user(user=request.user, record_id=record_id, action=Action.EDIT)
    if request.method == "POST":
        services.record_delete(actor=request.user, record=record)
        messages.success(request, gettext("Deleted."))
        return redirect("ledgers:record_list", ledger.code)
    return render(request, "ledgers/record_delete.html", {"ledger": ledger, "record": record})


# --- indicators ------------------------------------------------------------------------------


@login_required
@require_GET
@domain_errors
def indicator_list(request: HttpRequest) -> HttpResponse:
    context = {
        "rows": selectors.indicator_list(user=request.user),
        "can_create": policy_for(Indicator).allows_create(
            request.user, owner_unit=_first_plannable(request.user)
        ),
    }
    return render(request, "ledgers/indicator_list.html", context)


def _first_plannable(user: Any) -> Any:
    from workplan.accounts.models import Unit

    return Unit.objects.visible_to(user, Action.PLAN).first()


@login_required
@require_GET
@domain_errors
def indicator_detail(request: HttpRequest, key: str) -> HttpResponse:
    indicator = selectors.indicator_get_for_user(user=request.user, key=key)
    context = {
        "indicator": indicator,
        "row": selectors.attainment_of(indicator),
        "trend": selectors.indicator_trend(indicator, user=request.user),
        "can_edit": permissions.can(request.user, Action.EDIT, indicator),
    }
    return render(request, "ledgers/indicator_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def indicator_edit(request: HttpRequest, key: str | None = None) -> HttpResponse:
    indicator = (
        selectors.indicator_get_for_user(user=request.user, key=key, action=Action.EDIT) if key else None
    )
    initial = _indicator_initial(indicator) if indicator else {"item": request.GET.get("item") or None}
    form = IndicatorForm(
        request.POST or None, user=request.user, editing=indicator is not None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_indicator(request, form, indicator)
        if saved is not None:
            _saved(request)
            return redirect("ledgers:indicator_detail", saved.code)
    return render(request, "ledgers/indicator_form.html", {"indicator": indicator, "form": form})


def _indicator_initial(indicator: Indicator) -> dict[str, Any]:
    import json

    names = ("name", "measure", "field_key", "date_field", "measure_unit", "direction", "comparator")
    initial: dict[str, Any] = {name: getattr(indicator, name) for name in names}
    initial |= {
        "ledger": indicator.ledger_id,
        "item": indicator.item_id,
        "target": indicator.target_id,
        "filters": json.dumps(indicator.filters, ensure_ascii=False) if indicator.filters else "",
        "condition": json.dumps(indicator.condition, ensure_ascii=False) if indicator.condition else "",
        "target_value": indicator.target_value,
        "target_max": indicator.target_max,
        "version": indicator.version,
    }
    return initial


def _save_indicator(
    request: HttpRequest, form: IndicatorForm, indicator: Indicator | None
) -> Indicator | None:
    values = dict(form.cleaned_data)
    version = values.pop("version", None)
    try:
        values["item"] = (
            selectors.item_get_for_user(user=request.user, item_id=values["item"])
            if values.get("item")
            else None
        )
        values["target"] = (
            selectors.target_get_for_user(user=request.user, target_id=values["target"])
            if values.get("target")
            else None
        )
        if indicator is None:
            return services.indicator_create(actor=request.user, **values)
        return services.indicator_update(
            actor=request.user, indicator=indicator, expected_version=version, **values
        )
    except Conflict as error:
        form.add_error(None, error.message)
    except Invalid as error:
        _form_errors(form, error)
    return None


# --- .xlsx out and in ------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
@domain_errors
def ledger_export(request: HttpRequest, key: str) -> HttpResponse:
    ledger = selectors.ledger_get_for_user(user=request.user, key=key)
    response = HttpResponse(export_ledger(user=request.user, ledger=ledger), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{ledger.code}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def ledger_import(request: HttpRequest, key: str) -> HttpResponse:
    """Upload a sheet: a dry run shows additions, changes and problems; "apply" stores it all."""
    ledger = selectors.ledger_get_for_user(user=request.user, key=key)
    form = SheetForm(request.POST or None, request.FILES or None)
    preview, error = None, ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = import_ledger(
                user=request.user,
                ledger=ledger,
                data=upload.read(),
                filename=upload.name or "sheet.xlsx",
                apply=form.cleaned_data["apply"],
            )
        except Invalid as refused:
            error = refused.message
        else:
            if preview.applied:
                messages.success(request, gettext("Imported."))
                return redirect("ledgers:record_list", ledger.code)
    context = {"ledger": ledger, "form": form, "preview": preview, "error": error}
    return render(request, "ledgers/import.html", context)
