"""Thin HTML views for reading plans: list, tree with filters, dashboard, item page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from workplan import permissions
from workplan.accounts.selectors import unit_list_for_user, user_list_for_user
from workplan.accounts.services import user_set_language
from workplan.core.http import domain_errors, query_without_page, safe_next
from workplan.history import dashboard as history_dashboard
from workplan.history import selectors as history
from workplan.history.views import bad_day_errors, item_at, requested_day
from workplan.plans import selectors
from workplan.plans.models import AssignmentRole, Plan
from workplan.progress import selectors as progress
from workplan.progress.dashboard import STATUS_ORDER, plan_dashboard_counted
from workplan.progress.models import NoticeKind
from workplan.progress.selectors import ItemStatusRow, default_as_of
from workplan.security.selectors import locked_usernames
from workplan.web.forms import AsOfForm, TreeFilterForm
from workplan.web.templatetags.workplan import STATUS_LABELS

# The full tree renders at most TREE_PAGE rows a page; an unfiltered plan larger than
# TREE_WHOLE_UP_TO items opens on the level-by-level page instead (its board is per item).
TREE_PAGE = 300
TREE_WHOLE_UP_TO = 2000


@login_required
def home(request: HttpRequest) -> HttpResponse:
    from workplan.operations.selectors import site_needs_setup

    if site_needs_setup(user=request.user):
        return redirect("operations:welcome")
    return redirect("web:plan_list")


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = selectors.plan_list_for_user(user=request.user)
    return render(request, "web/plan_list.html", {"plans": plans})


def _as_of(form: AsOfForm, plan: Plan) -> dt.date:
    if form.is_valid() and form.cleaned_data.get("as_of"):
        as_of: dt.date = form.cleaned_data["as_of"]
        return as_of
    return default_as_of(plan)


def _matches(row: ItemStatusRow, data: dict[str, Any], context: dict[str, Any]) -> bool:
    """Whether an item passes the tree filters (search, status, unit, due window, warning, part)."""
    item = row.item
    if "q" in data and item.path not in context["found"]:
        return False
    if data.get("status") and row.status != data["status"]:
        return False
    unit = data.get("unit")
    if unit is not None and unit.pk not in {o.unit_id for o in context["owners"].get(item.pk, [])}:
        return False
    if data.get("due_from") and row.due < data["due_from"]:
        return False
    if data.get("due_to") and row.due > data["due_to"]:
        return False
    warning = data.get("warning")
    if warning == "any" and not row.warning_level:
        return False
    if warning and warning != "any" and row.warning_level != warning:
        return False
    part = data.get("part")
    return not part or item.path.startswith(context["part_paths"].get(part, "~"))


@login_required
@require_GET
@domain_errors
@bad_day_errors
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan tree: every item with owners, due date, status and percent; filters and search."""
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    units = unit_list_for_user(user=request.user).filter(is_active=True)
    form = TreeFilterForm(request.GET or None, units=units)
    past = requested_day(request, plan)  # a past day: the plan as it stood then (read-only)
    as_of = past or _as_of(form, plan)
    filters = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if k != "as_of" and v}
    if (
        not past
        and not filters
        and (size := selectors.plan_item_count(user=request.user, plan=plan)) > TREE_WHOLE_UP_TO
    ):
        messages.info(
            request,
            gettext(
                "This plan has %(count)s items, so its tree opens level by level. "
                "Search or filter to list the matching items."
            )
            % {"count": size},
        )
        return redirect("web:plan_tree", plan_id=plan.pk)
    if past:
        rows = history.plan_board_at(user=request.user, plan=plan, day=past)
        owners = history.owners_at(user=request.user, plan=plan, day=past)
    else:
        rows = progress.plan_status_board(user=request.user, plan=plan, today=as_of)
        owners = selectors.plan_owners(user=request.user, plan=plan)
    if filters:
        lookups: dict[str, Any] = {
            "owners": owners,
            "part_paths": {row.item.pk: row.item.path for row in rows if row.item.depth == 1},
            "found": selectors.plan_item_search(user=request.user, plan=plan, text=filters["q"])
            if "q" in filters
            else set(),
        }
        matched = {row.item.path for row in rows if _matches(row, filters, lookups)}
        # Keep the ancestors of every match, so each hit is shown in its place in the tree.
        keep = {path[: n * 4] for path in matched for n in range(1, len(path) // 4 + 1)}
        shown = [row for row in rows if row.item.path in keep]
    else:
        matched = {row.item.path for row in rows}
        shown = rows
    can_edit = not past and permissions.can(request.user, permissions.Action.EDIT, plan)
    # At most TREE_PAGE rows rendered at once; the page links keep the filters.
    page = Paginator(shown, TREE_PAGE).get_page(request.GET.get("page"))
    context = {
        "past": past,
        "plan": plan,
        "rows": [(row, owners.get(row.item.pk, [])) for row in page.object_list],
        "page": page,
        "page_query": query_without_page(request),
        "matched": matched,
        "filtered": bool(filters),
        "match_count": len(matched) if filters else None,
        "form": form,
        "as_of": as_of,
        "can_edit": can_edit,
        "units": list(units) if can_edit else [],
        "roles": AssignmentRole.choices,
        "item_url": reverse("web:item_detail", args=[0]).removesuffix("0/"),
    }
    return render(request, "web/plan_detail.html", context)


@login_required
@require_GET
@domain_errors
@bad_day_errors
def plan_dashboard_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    form = AsOfForm(request.GET or None)
    past = requested_day(request, plan)
    if past:
        dashboard = history_dashboard.plan_dashboard_at(
            user=request.user, plan=plan, day=past, unit_page=request.GET.get("page")
        )
    else:
        dashboard = plan_dashboard_counted(
            user=request.user, plan=plan, today=_as_of(form, plan), unit_page=request.GET.get("page")
        )
    labels = [str(STATUS_LABELS[s]) for s in STATUS_ORDER]
    chart_data = {
        "status": {
            "labels": labels,
            "keys": list(STATUS_ORDER),
            "values": [dashboard.overall.counts[s] for s in STATUS_ORDER],
        },
        "parts": {
            "labels": [p.part.heading[:24] for p in dashboard.parts],
            "ids": [p.part.pk for p in dashboard.parts],
            "values": [p.tally.percent or 0 for p in dashboard.parts],
        },
        "units": {
            "labels": [u.unit.short_name or u.unit.name for u in dashboard.units],
            "ids": [u.unit.pk for u in dashboard.units],
            "values": [u.tally.percent or 0 for u in dashboard.units],
        },
        "trend": {
            "labels": [t.label for t in dashboard.trend],
            "values": [t.average_percent for t in dashboard.trend],
        },
        "heat": {
            "units": [u.short_name or u.name for u, _ in dashboard.heat],
            "parts": [p.part.heading[:12] for p in dashboard.parts],
            "values": [
                [x, y, v]
                for y, (_, row) in enumerate(dashboard.heat)
                for x, v in enumerate(row)
                if v is not None
            ],
        },
    }
    context = {
        "past": past,
        "plan": plan,
        "dashboard": dashboard,
        "form": form,
        "as_of": dashboard.today,
        "chart_data": chart_data,
        "status_order": STATUS_ORDER,
        "page_query": query_without_page(request),
    }
    return render(request, "web/dashboard.html", context)


@login_required
@require_GET
@domain_errors
@bad_day_errors
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    """One item: its source text with promises marked, owners, status, tracks, reports, timeline."""
    if request.GET.get("as_of"):
        plan = selectors.item_get_for_user(user=request.user, item_id=item_id).plan
        past = requested_day(request, plan)
        if past:
            return item_at(request, item_id, past)
    page = progress.item_page(user=request.user, item_id=item_id)
    return render(request, "web/item_detail.html", {**page.context(), "notice_kinds": NoticeKind.choices})


@login_required
@require_GET
@domain_errors
def user_list(request: HttpRequest) -> HttpResponse:
    users = user_list_for_user(user=request.user)
    return render(request, "web/users.html", {"users": users, "locked": locked_usernames(user=request.user)})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the UI language: remembered on the account (and in a cookie before sign-in)."""
    language = request.POST.get("language", "")
    response = redirect(safe_next(request, "/"))
    if language not in {code for code, _ in settings.LANGUAGES}:
        return response
    if request.user.is_authenticated:
        user_set_language(actor=request.user, language=language)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", httponly=True)
    return response


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
