"""Thin views: the plan's reports page, generating a document, marking good practice."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from workplan import permissions
from workplan.core.errors import Conflict, Invalid
from workplan.core.http import domain_errors
from workplan.permissions import Action
from workplan.plans import selectors as plan_selectors
from workplan.plans.models import Plan
from workplan.progress import selectors as progress_selectors
from workplan.progress.models import Period
from workplan.reports import selectors, services, wording
from workplan.reports.models import DocumentFormat, DocumentKind


def _chosen_period(
    user: Any, plan: Plan, periods: list[Period], raw: str | None, *, accepted: bool = False
) -> Period | None:
    """The period asked for, else the last one with (accepted) reports, else the last one begun."""
    chosen = next((p for p in periods if str(p.pk) == (raw or "")), None)
    if chosen is None:
        chosen = selectors.latest_reported_period(user=user, plan=plan, accepted=accepted)
    if chosen is None:
        as_of = progress_selectors.default_as_of(plan)
        started = [p for p in periods if p.start <= as_of]
        chosen = started[-1] if started else None
    return chosen


@login_required
@require_GET
@domain_errors
def plan_reports(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Download the bulletin and the summary; mark good practice; the documents generated."""
    plan = plan_selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    periods = progress_selectors.plan_periods(user=request.user, plan=plan)
    period = _chosen_period(request.user, plan, periods, request.GET.get("period"), accepted=True)
    context = {
        "plan": plan,
        "periods": periods,
        "period": period,
        "bulletin_period": _chosen_period(request.user, plan, periods, request.GET.get("period")),
        "formats": DocumentFormat.choices,
        "documents": selectors.document_list(user=request.user, plan=plan),
        "accepted": selectors.accepted_reports(user=request.user, plan=plan, period=period),
        "marked": selectors.good_practice_ids(user=request.user, plan=plan),
        "can_edit": permissions.can(request.user, Action.EDIT, plan),
        "wording": _wording_fields(request.user, plan),
    }
    return render(request, "reports/plan_reports.html", context)


def _wording_fields(user: Any, plan: Plan) -> dict[str, Any]:
    values, version = selectors.wording_for_user(user=user, plan=plan)
    fields = [
        {
            "key": key,
            "label": wording.LABELS[key],
            "value": values.get(key, ""),
            "default": wording.default_text(key),
            "names": " ".join("{" + n + "}" for n in sorted(wording.names_for(key))),
            "long": key.endswith(("opening", "closing")),
        }
        for key in wording.KEYS
    ]
    return {"fields": fields, "version": version}


@login_required
@require_POST
@domain_errors
def wording_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Save the plan's wording; a broken placeholder is refused with a message, nothing stored."""
    plan = plan_selectors.plan_get_for_user(user=request.user, plan_id=plan_id, action=Action.EDIT)
    version = request.POST.get("version", "")
    try:
        services.wording_update(
            actor=request.user,
            plan=plan,
            values={key: request.POST.get(key, "") for key in wording.KEYS},
            expected_version=int(version) if version.isdigit() and int(version) > 0 else None,
        )
        messages.success(request, _("The wording is saved."))
    except (Invalid, Conflict) as error:
        messages.error(request, error.message)
    return redirect("reports:plan_reports", plan_id=plan.pk)


@login_required
@require_POST
@domain_errors
def generate(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Ask for a bulletin or the summary in the chosen format: a background task makes it. When it
    is already made (the default engine runs it at once) the download follows; else its page."""
    plan = plan_selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    kind = request.POST.get("kind", "")
    try:
        record = services.document_request(
            actor=request.user,
            plan=plan,
            kind=kind if kind in DocumentKind.values else "",
            fmt=request.POST.get("format", ""),
            period=_period_id(request.POST.get("period")) if kind == DocumentKind.BULLETIN else None,
            language=translation.get_language() or "",
        )
    except Invalid as error:
        messages.error(request, error.message)
        return redirect("reports:plan_reports", plan_id=plan.pk)
    record = selectors.document_get_for_user(user=request.user, document_id=record.pk)
    if record.file:
        return redirect("reports:document_file", document_id=record.pk)
    return redirect("reports:document", document_id=record.pk)


@login_required
@require_GET
@domain_errors
def document(request: HttpRequest, document_id: int) -> HttpResponse:
    """A requested document: its task's state (the page follows it) and the download when made."""
    record = selectors.document_get_for_user(user=request.user, document_id=document_id)
    return render(
        request,
        "reports/generated.html",
        {"document": record, "task": record.task, "mine": record.created_by_id == request.user.pk},
    )


@login_required
@require_GET
@domain_errors
def document_file(request: HttpRequest, document_id: int) -> HttpResponseBase:
    record = selectors.document_file_for_user(user=request.user, document_id=document_id)
    response = FileResponse(record.file.open("rb"), content_type=services.CONTENT_TYPES[record.format])
    disposition = "inline" if record.format == DocumentFormat.HTML else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{record.download_name()}"'
    return response


def _period_id(raw: str | None) -> int | str:
    return int(raw) if raw and raw.isdigit() else (raw or "")


@login_required
@require_POST
@domain_errors
def good_practice(request: HttpRequest, plan_id: int, report_id: int) -> HttpResponse:
    """Mark (or unmark, with ``unmark``) an accepted report as good practice."""
    plan = plan_selectors.plan_get_for_user(user=request.user, plan_id=plan_id, action=Action.EDIT)
    try:
        if "unmark" in request.POST:
            mark = selectors.mark_get_for_user(user=request.user, report_id=report_id, action=Action.EDIT)
            services.good_practice_unmark(actor=request.user, mark=mark)
        else:
            report = progress_selectors.report_get_for_user(user=request.user, report_id=report_id)
            services.good_practice_mark(actor=request.user, report=report, note=request.POST.get("note", ""))
    except Invalid as error:
        messages.error(request, error.message)
    period = request.POST.get("period", "")
    url = reverse("reports:plan_reports", args=[plan.pk])
    return redirect(f"{url}?period={period}" if period.isdigit() else url)
