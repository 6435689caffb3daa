"""The plan's tree, level by level: a page of one level at a time, children fetched on demand.

For plans too large to render whole: the page shows the top level; each node's button fetches
its children as a server-rendered fragment (``static/workplan/lazy_tree.js``), at most
``TREE_PAGE`` rows per request, with a "more" button for the rest.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from workplan.core.errors import NotFound
from workplan.core.http import domain_errors
from workplan.plans import selectors
from workplan.progress.dashboard import STATUS_ORDER
from workplan.progress.selectors import default_as_of
from workplan.progress.selectors.rollups import tree_level
from workplan.web.forms import AsOfForm


def _level(request: HttpRequest, plan_id: int) -> dict[str, object]:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    form = AsOfForm(request.GET or None)
    as_of = (form.cleaned_data.get("as_of") if form.is_valid() else None) or default_as_of(plan)
    parent = None
    if request.GET.get("parent"):
        parent = selectors.item_get_for_user(user=request.user, item_id=request.GET["parent"])
        if parent.plan_id != plan.pk:
            raise NotFound("no such item")
    try:
        offset = max(0, int(request.GET.get("offset", "0")))
    except ValueError:
        offset = 0
    level = tree_level(user=request.user, plan=plan, parent=parent, today=as_of, offset=offset)
    return {"plan": plan, "form": form, "as_of": as_of, "level": level, "status_order": STATUS_ORDER}


@login_required
@require_GET
@domain_errors
def plan_tree(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The top level of the plan, each node with the status counts of its subtree."""
    return render(request, "web/plan_tree.html", _level(request, plan_id))


@login_required
@require_GET
@domain_errors
def plan_tree_children(request: HttpRequest, plan_id: int) -> HttpResponse:
    """One page of a node's children (an HTML fragment for ``lazy_tree.js``)."""
    return render(request, "web/partials/tree_level.html", _level(request, plan_id))
