"""Plan screens: import with review, the breakdown table, bulk assignment. Thin adapters."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from workplan.accounts.selectors import unit_list_for_user
from workplan.core import clock
from workplan.core.errors import Conflict, Forbidden, Invalid, NotFound
from workplan.core.formatting import marked_runs
from workplan.core.http import domain_errors, is_htmx
from workplan.permissions import Action
from workplan.plans import draft_review, drafts, selectors, services
from workplan.plans.breakdown.export import breakdown_export
from workplan.plans.breakdown.staging import breakdown_apply_staged, breakdown_dry_run
from workplan.plans.forms import (
    BreakdownUploadForm,
    BulkAssignForm,
    MilestoneForm,
    PlanUploadForm,
    RevisionUploadForm,
)
from workplan.plans.models import DraftStatus, ImportDraft, PlanItem
from workplan.plans.revision_upload import revision_apply_staged, revision_counts, revision_preview

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def import_start(request: HttpRequest) -> HttpResponse:
    form = PlanUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if not form.may_import:
        raise Forbidden(_("Only planners may import a plan."))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        try:
            draft = drafts.draft_create(
                actor=request.user,
                data=upload.read(),
                filename=upload.name,
                owner_unit=form.cleaned_data["owner_unit"],
                year=form.cleaned_data["year"],
            )
        except Invalid as error:
            form.add_error("document", error.message)
        else:
            return redirect("plans:draft", draft_id=draft.pk)
    return render(request, "plans/import_start.html", {"form": form})


def _draft_context(draft: ImportDraft, user: Any, error: str = "") -> dict[str, Any]:
    items = draft.data["items"]
    units = {u.pk: u for u in unit_list_for_user(user=user).filter(is_active=True)}
    unit_rows = [
        {
            "name": name,
            "match": entry["match"],
            "unit": units.get(entry["unit_id"]) if entry["unit_id"] else None,
            "suggestions": [units[pk] for pk in entry["suggestions"] if pk in units],
        }
        for name, entry in draft.data["units"].items()
    ]
    doubts = draft_review.review_doubts(draft)
    for doubt in doubts:
        doubt["labels"] = draft_review.reason_labels(doubt["reasons"])
    unsure = {doubt["key"]: doubt["labels"] for doubt in doubts}
    return {
        "draft": draft,
        "items": [{**item, "doubts": unsure.get(item["key"], [])} for item in items],
        "doubts": doubts,
        "year_guessed": draft.data.get("year_source") == "guessed" or draft.year is None,
        "source": _highlighted_source(draft),
        "unit_rows": unit_rows,
        "all_units": list(units.values()),
        "error": error,
        "is_open": draft.status == DraftStatus.OPEN,
    }


def _highlighted_source(draft: ImportDraft) -> list[dict[str, Any]]:
    """The extracted text cut into runs, each marked with the promise kind it states (if any)."""
    marks = (
        (promise["span"][0], promise["span"][1], kind, item["key"])
        for item in draft.data["items"]
        for kind in ("targets", "deadlines", "units")
        for promise in item[kind]
        if promise.get("span") and promise.get("accepted")
    )
    return marked_runs(draft.text, marks)


@login_required
@domain_errors
def draft_view(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = drafts.draft_get_for_user(user=request.user, draft_id=draft_id)
    if draft.status in (DraftStatus.READING, DraftStatus.UNREADABLE):
        return render(request, "plans/draft_reading.html", {"draft": draft, "task": draft.task})
    return render(request, "plans/draft.html", _draft_context(draft, request.user))


DRAFT_ACTIONS = {"rename", "indent", "outdent", "merge", "split", "split_numbered", "promise"}


@login_required
@require_POST
@domain_errors
def draft_action(request: HttpRequest, draft_id: int, key: str, action: str) -> HttpResponse:
    draft = drafts.draft_get_for_user(user=request.user, draft_id=draft_id)
    if action not in DRAFT_ACTIONS:
        raise NotFound("no such action")
    error = ""
    try:
        if action == "rename":
            draft = drafts.draft_rename(
                actor=request.user, draft=draft, key=key, title=request.POST.get("title", "")
            )
        elif action == "indent":
            draft = drafts.draft_indent(actor=request.user, draft=draft, key=key)
        elif action == "outdent":
            draft = drafts.draft_outdent(actor=request.user, draft=draft, key=key)
        elif action == "merge":
            draft = drafts.draft_merge(actor=request.user, draft=draft, key=key)
        elif action == "split":
            draft = drafts.draft_split(
                actor=request.user, draft=draft, key=key, paragraph=_int(request.POST.get("paragraph"))
            )
        elif action == "split_numbered":
            draft = draft_review.draft_split_numbered(actor=request.user, draft=draft, key=key)
        else:
            draft = drafts.draft_set_promise(
                actor=request.user,
                draft=draft,
                key=key,
                kind=request.POST.get("kind", ""),
                index=_int(request.POST.get("index")),
                accepted=request.POST.get("accepted") == "1",
            )
    except (Invalid, Conflict) as failure:
        error = failure.message
    return _draft_response(request, draft, error)


def _int(raw: str | None) -> int:
    try:
        return int(raw or "")
    except ValueError:
        raise Invalid(_("a whole number was expected")) from None


def _draft_response(request: HttpRequest, draft: ImportDraft, error: str) -> HttpResponse:
    if is_htmx(request):
        status = 422 if error else 200
        return render(
            request,
            "plans/partials/draft_body.html",
            _draft_context(draft, request.user, error),
            status=status,
        )
    if error:
        messages.error(request, error)
    return redirect("plans:draft", draft_id=draft.pk)


@login_required
@require_POST
@domain_errors
def draft_year(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = drafts.draft_get_for_user(user=request.user, draft_id=draft_id)
    error = ""
    try:
        draft = draft_review.draft_set_year(
            actor=request.user, draft=draft, year=_int(request.POST.get("year"))
        )
    except (Invalid, Conflict) as failure:
        error = failure.message
    return _draft_response(request, draft, error)


@login_required
@require_POST
@domain_errors
def draft_units(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = drafts.draft_get_for_user(user=request.user, draft_id=draft_id)
    error = ""
    raw_unit = request.POST.get("unit", "")
    try:
        unit = (
            unit_list_for_user(user=request.user).filter(pk=_int(raw_unit), is_active=True).first()
            if raw_unit
            else None
        )
        if raw_unit and unit is None:
            raise Invalid(_("no such unit"))
        draft = drafts.draft_map_unit(
            actor=request.user,
            draft=draft,
            name=request.POST.get("name", ""),
            unit=unit,
            remember=request.POST.get("remember") == "1",
        )
    except (Invalid, Conflict, NotFound) as failure:
        error = failure.message
    return _draft_response(request, draft, error)


@login_required
@require_POST
@domain_errors
def draft_confirm(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = drafts.draft_get_for_user(user=request.user, draft_id=draft_id)
    try:
        result = drafts.draft_confirm(actor=request.user, draft=draft)
    except (Invalid, Conflict) as failure:
        messages.error(request, failure.message)
        return redirect("plans:draft", draft_id=draft.pk)
    messages.success(
        request,
        _(
            "Plan imported: %(items)d items, %(targets)d targets, %(deadlines)d deadlines, %(assignments)d assignments."
        )
        % {
            "items": result.items,
            "targets": result.targets,
            "deadlines": result.deadlines,
            "assignments": result.assignments,
        },
    )
    return redirect("web:plan_detail", plan_id=result.plan.pk)


@login_required
@require_POST
@domain_errors
def draft_discard(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = drafts.draft_get_for_user(user=request.user, draft_id=draft_id)
    drafts.draft_discard(actor=request.user, draft=draft)
    messages.info(request, _("The import was discarded."))
    return redirect("web:plan_list")


@login_required
@domain_errors
def breakdown_download(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    language = (
        "en" if request.GET.get("lang") == "en" else ("zh" if request.GET.get("lang") == "zh" else None)
    )
    response = HttpResponse(
        breakdown_export(user=request.user, plan=plan, language=language), content_type=XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="breakdown-{plan.pk}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def breakdown_upload(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Upload an edited table: a dry run lists every change and problem; Apply stores them."""
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id, action=Action.EDIT)
    form = BreakdownUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"plan": plan, "form": form}
    if request.method == "POST" and "staged" in request.POST:
        try:
            preview = breakdown_apply_staged(actor=request.user, plan=plan, token=request.POST["staged"])
        except Invalid as error:
            messages.error(request, error.message)
            return redirect("plans:breakdown_upload", plan_id=plan.pk)
        if preview.applied:
            messages.success(request, _("%(count)d changes applied.") % {"count": len(preview.changes)})
            return redirect("web:plan_detail", plan_id=plan.pk)
        context["preview"] = preview
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["table"]
        try:
            staged = breakdown_dry_run(
                actor=request.user, plan=plan, data=upload.read(), filename=upload.name
            )
        except Invalid as error:
            form.add_error("table", error.message)
        else:
            context.update(preview=staged.preview, staged=staged.token)
    return render(request, "plans/breakdown_upload.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def revision_upload(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Upload a revised document: see what changes (added, removed, moved, reworded, promises); apply."""
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id, action=Action.EDIT)
    form = RevisionUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"plan": plan, "form": form}
    if request.method == "POST" and "staged" in request.POST:
        try:
            diff = revision_apply_staged(actor=request.user, plan=plan, token=request.POST["staged"])
        except Invalid as error:
            messages.error(request, error.message)
            return redirect("plans:revision_upload", plan_id=plan.pk)
        counts = dict(revision_counts(diff))
        messages.success(
            request,
            _(
                "The revision is applied: %(added)d added, %(removed)d archived, %(moved)d moved, %(reworded)d reworded."
            )
            % counts,
        )
        return redirect("web:plan_detail", plan_id=plan.pk)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        try:
            staged = revision_preview(actor=request.user, plan=plan, data=upload.read(), filename=upload.name)
        except Invalid as error:
            form.add_error("document", error.message)
        else:
            context.update(diff=staged.diff, rows=staged.rows, counts=staged.counts, staged=staged.token)
    return render(request, "plans/revision_upload.html", context)


@login_required
@require_POST
@domain_errors
def bulk_assign(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id, action=Action.EDIT)
    items = PlanItem.objects.visible_to(request.user, Action.EDIT).filter(plan=plan)
    form = BulkAssignForm(request.POST, items=items)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect("web:plan_detail", plan_id=plan.pk)
    data = form.cleaned_data
    try:
        changed = services.items_bulk_update(
            actor=request.user,
            items=list(data["items"]),
            unit=data.get("unit"),
            role=data.get("role") or None,
            due_date=data.get("due_date"),
            weight=data.get("weight"),
        )
    except (Invalid, Conflict) as failure:
        messages.error(request, failure.message)
    else:
        messages.success(request, _("%(count)d items updated.") % {"count": changed})
    return redirect("web:plan_detail", plan_id=plan.pk)


@login_required
@require_POST
@domain_errors
def milestone_add(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.item_get_for_user(user=request.user, item_id=item_id)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the milestone a title and a date."))
    else:
        try:
            services.milestone_create(actor=request.user, item=item, **form.cleaned_data)
        except (Invalid, Conflict) as failure:
            messages.error(request, failure.message)
    return redirect("web:item_detail", item_id=item.pk)


@login_required
@require_POST
@domain_errors
def milestone_done(request: HttpRequest, milestone_id: int) -> HttpResponse:
    milestone = selectors.milestone_get_for_user(user=request.user, milestone_id=milestone_id)
    done = request.POST.get("done") == "1"
    try:
        services.milestone_update(
            actor=request.user, milestone=milestone, done_on=clock.today() if done else None
        )
    except (Invalid, Conflict) as failure:
        messages.error(request, failure.message)
    return redirect("web:item_detail", item_id=milestone.item_id)
