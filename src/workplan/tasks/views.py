"""Pages of background tasks: the list (with counts per state), one task, retry and start."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from workplan import permissions
from workplan.core.errors import Invalid
from workplan.core.http import domain_errors
from workplan.core.pagination import keyset_page
from workplan.tasks import registry, selectors, services
from workplan.tasks.models import TaskState

PAGE = 50


@login_required
@require_GET
@domain_errors
def task_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    cursor = request.GET.get("after", "")
    tasks, next_cursor = keyset_page(
        selectors.task_list(user=request.user, state=state),
        key="id",
        cursor=cursor if cursor.isdigit() else None,
        limit=PAGE,
        descending=True,
    )
    return render(
        request,
        "tasks/list.html",
        {
            "tasks": tasks,
            "next_cursor": next_cursor,
            "state": state,
            "states": TaskState.choices,
            "counts": selectors.task_counts(user=request.user),
            "startable": [(name, registry.get(name).label) for name in services.STARTABLE]
            if permissions.is_admin(request.user)
            else [],
        },
    )


@login_required
@require_GET
@domain_errors
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get_for_user(user=request.user, task_id=task_id)
    return render(request, "tasks/detail.html", {"task": task, "failed": task.state == TaskState.FAILED})


@login_required
@require_GET
@domain_errors
def task_state(request: HttpRequest, task_id: int) -> HttpResponse:
    """The task's state as a fragment that pages showing it poll (htmx); once the task is
    finished, the page reloads to show what it made."""
    task = selectors.task_get_for_user(user=request.user, task_id=task_id)
    response = render(request, "tasks/partials/state.html", {"task": task})
    if not task.pending and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
@domain_errors
def task_retry(request: HttpRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get_for_user(user=request.user, task_id=task_id)
    try:
        services.task_retry(actor=request.user, task=task)
        messages.success(request, _("The task is queued again."))
    except Invalid as error:
        messages.error(request, error.message)
    return redirect("tasks:detail", task_id=task.pk)


@login_required
@require_POST
@domain_errors
def task_start(request: HttpRequest) -> HttpResponse:
    try:
        task = services.task_start(actor=request.user, name=request.POST.get("name", ""))
    except Invalid as error:
        messages.error(request, error.message)
        return redirect("tasks:list")
    messages.success(request, _("The task is queued."))
    return redirect("tasks:detail", task_id=task.pk)
