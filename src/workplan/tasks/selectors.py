"""Reading background tasks, scoped by their policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from workplan.core.errors import NotFound, pk_or_not_found
from workplan.tasks.models import Task, TaskState


def task_list(*, user: Any, state: str = "", name: str = "") -> QuerySet[Task]:
    tasks = Task.objects.visible_to(user).select_related("created_by")
    if state in TaskState.values:
        tasks = tasks.filter(state=state)
    if name:
        tasks = tasks.filter(name=name)
    return tasks


def task_get_for_user(*, user: Any, task_id: Any) -> Task:
    try:
        task: Task = Task.objects.visible_to(user).get(pk=pk_or_not_found(task_id))
    except Task.DoesNotExist:
        raise NotFound("no such task") from None
    return task


def task_counts(*, user: Any) -> dict[str, int]:
    """How many visible tasks are in each state (every state present, zeros included)."""
    rows = Task.objects.visible_to(user).order_by().values("state").annotate(n=Count("id"))
    counts = dict.fromkeys(TaskState.values, 0)
    counts.update({row["state"]: row["n"] for row in rows})
    return counts
