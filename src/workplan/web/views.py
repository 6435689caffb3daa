"""Thin HTML views: find the actor, call a selector, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from workplan import permissions
from workplan.accounts.selectors import unit_list_for_user
from workplan.core.errors import NotFound
from workplan.plans import selectors
from workplan.plans.models import AssignmentRole


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("web:plan_list")


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = selectors.plan_list_for_user(user=request.user)
    return render(request, "web/plan_list.html", {"plans": plans})


@login_required
@require_GET
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    try:
        plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    except NotFound:
        raise Http404("no such plan") from None
    items = list(selectors.plan_items_for_user(user=request.user, plan=plan))
    can_edit = permissions.can(request.user, permissions.Action.EDIT, plan)
    context = {
        "plan": plan,
        "items": items,
        "can_edit": can_edit,
        "units": list(unit_list_for_user(user=request.user).filter(is_active=True)) if can_edit else [],
        "roles": AssignmentRole.choices,
    }
    return render(request, "web/plan_detail.html", context)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
