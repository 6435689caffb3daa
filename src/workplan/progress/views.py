"""Supervision screens: my tasks, the report form, the review queue, item actions, evidence,
notifications, and the calendar feed. Thin adapters over ``progress.services``/``selectors``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workplan.core.errors import Conflict, Invalid, NotFound
from workplan.core.http import domain_errors, query_without_page, safe_next
from workplan.permissions import Action
from workplan.plans import selectors as plan_selectors
from workplan.progress import selectors, services
from workplan.progress.forms import ReasonForm, RemarkForm, ReportForm

REVIEW_PAGE = 50  # reports a page of the review queue renders
MY_TASKS_PAGE = 100  # tasks a page of My tasks renders


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A unit's deadlines as .ics; the secret token in the URL is the only credential."""
    try:
        data = selectors.feed_ics(token=token)
    except NotFound as error:
        raise Http404(error.message) from None
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="workplan.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    """The unit's inbox: what is due, late or returned, on every item assigned to it."""
    rows = selectors.my_tasks(user=request.user)
    # At most MY_TASKS_PAGE rows rendered at once, those needing action first.
    page = Paginator(rows, MY_TASKS_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "progress/my_tasks.html",
        {
            "rows": page.object_list,
            "page": page,
            "page_query": query_without_page(request),
            "action_count": sum(1 for row in rows if row.needs_action),
            "notices": selectors.notices_to_answer(user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def report_edit(request: HttpRequest, track_id: int, period_id: int) -> HttpResponse:
    """Write, save or submit the unit's report for one period, with evidence files."""
    track = selectors.track_get_for_user(user=request.user, track_id=track_id, action=Action.EDIT)
    period = selectors.period_get_for_user(user=request.user, period_id=period_id)
    if period.plan_id != track.item.plan_id:
        raise NotFound("no such period")
    report = selectors.report_of(user=request.user, track=track, period=period)
    initial: dict[str, Any] = {"percent": track.latest_percent or 0, "self_status": "on_track", "version": 0}
    if report is not None:
        initial = {
            "narrative": report.narrative,
            "percent": report.percent,
            "self_status": report.self_status,
            "version": report.version,
        }
    form = ReportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_save_with_evidence(
                actor=request.user,
                track=track,
                period=period,
                narrative=data["narrative"],
                percent=data["percent"],
                self_status=data["self_status"],
                submit="submit" in request.POST,
                expected_version=data["version"],
                files=[(upload.name, upload.read()) for upload in data["evidence"]],
            )
        except (Invalid, Conflict) as failure:
            form.add_error(None, failure.message)
        else:
            messages.success(
                request, _("Report submitted.") if "submit" in request.POST else _("Draft saved.")
            )
            return redirect("progress:my_tasks")
    context = {
        "track": track,
        "period": period,
        "report": report,
        "form": form,
        "evidence": list(report.evidence.all()) if report else [],
        "item": track.item,
    }
    return render(request, "progress/report_form.html", context)


TRACK_ACTIONS = {
    "acknowledge": services.track_acknowledge,
    "start": services.track_start,
    "request_completion": services.track_request_completion,
}


@login_required
@require_POST
@domain_errors
def track_action(request: HttpRequest, track_id: int, action: str) -> HttpResponse:
    """签收, 办理 or a request for completion, by the unit."""
    if action not in TRACK_ACTIONS:
        raise NotFound("no such action")
    track = selectors.track_get_for_user(user=request.user, track_id=track_id)
    try:
        TRACK_ACTIONS[action](actor=request.user, track=track, note=request.POST.get("note", "")[:2000])
    except (Invalid, Conflict) as failure:
        messages.error(request, failure.message)
    return redirect(safe_next(request, "progress:my_tasks"))


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """Submitted reports waiting for the planner's review, oldest first, a page at a time."""
    plan = None
    if request.GET.get("plan"):
        try:
            plan = plan_selectors.plan_get_for_user(user=request.user, plan_id=request.GET["plan"])
        except NotFound:
            plan = None
    reports = selectors.reports_to_review(user=request.user, plan=plan).select_related(
        "item", "unit", "period", "submitted_by"
    )
    # At most REVIEW_PAGE reports rendered at once (a large plan has one per unit and item).
    page = Paginator(reports, REVIEW_PAGE).get_page(request.GET.get("page"))
    context = {
        "reports": page.object_list,
        "page": page,
        "page_query": query_without_page(request),
        "plan": plan,
        "reason_form": ReasonForm(),
    }
    return render(request, "progress/review_queue.html", context)


@login_required
@require_POST
@domain_errors
def report_review(request: HttpRequest, report_id: int, decision: str) -> HttpResponse:
    """Accept a report, or return it with a reason (审核)."""
    report = selectors.report_get_for_user(user=request.user, report_id=report_id)
    version = _version(request)
    try:
        if decision == "accept":
            services.report_accept(
                actor=request.user,
                report=report,
                note=request.POST.get("note", "")[:2000],
                expected_version=version,
            )
            messages.success(request, _("Report accepted."))
        elif decision == "return":
            services.report_return(
                actor=request.user,
                report=report,
                reason=request.POST.get("reason", ""),
                expected_version=version,
            )
            messages.success(request, _("Report returned to the unit."))
        else:
            raise NotFound("no such decision")
    except (Invalid, Conflict) as failure:
        messages.error(request, failure.message)
    return redirect(safe_next(request, "progress:review_queue"))


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


@login_required
@require_POST
@domain_errors
def item_action(request: HttpRequest, item_id: int, action: str) -> HttpResponse:
    """The planner completes (办结) or carries over an item; leaders instruct (批示); comments."""
    item = plan_selectors.item_get_for_user(user=request.user, item_id=item_id)
    try:
        if action == "complete":
            services.item_complete(actor=request.user, item=item, note=request.POST.get("note", "")[:2000])
            messages.success(request, _("The item is completed."))
        elif action == "carry_over":
            services.item_carry_over(actor=request.user, item=item, reason=request.POST.get("reason", ""))
            messages.success(request, _("The item is carried over to next year."))
        elif action in {"comment", "instruction"}:
            form = RemarkForm(request.POST)
            if not form.is_valid():
                raise Invalid(_("Write something first."))
            create = services.instruction_create if action == "instruction" else services.comment_create
            create(actor=request.user, item=item, text=form.cleaned_data["text"])
        else:
            raise NotFound("no such action")
    except (Invalid, Conflict) as failure:
        messages.error(request, failure.message)
    return redirect("web:item_detail", item_id=item.pk)


@login_required
@require_POST
@domain_errors
def plan_dispatch(request: HttpRequest, plan_id: int) -> HttpResponse:
    """交办: give every item of the plan to its lead and responsible units."""
    plan = plan_selectors.plan_get_for_user(user=request.user, plan_id=plan_id, action=Action.EDIT)
    try:
        result = services.plan_dispatch(
            actor=request.user, plan=plan, note=request.POST.get("note", "")[:2000]
        )
    except (Invalid, Conflict) as failure:
        messages.error(request, failure.message)
    else:
        messages.success(
            request, _("Dispatched to the units: %(count)d new assignments.") % {"count": result.tracks}
        )
    return redirect("web:plan_detail", plan_id=plan.pk)


@login_required
@require_GET
@domain_errors
def evidence_download(request: HttpRequest, evidence_id: int) -> FileResponse:
    """An evidence file, only for those who may see its item."""
    found = selectors.evidence_open(user=request.user, evidence_id=evidence_id)
    response = FileResponse(
        found.open(), as_attachment=True, filename=found.filename, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.notification_mark_all_read(actor=request.user)
        return redirect("progress:notifications")
    return render(
        request,
        "progress/notifications.html",
        {"notifications": selectors.notification_list(user=request.user)},
    )
