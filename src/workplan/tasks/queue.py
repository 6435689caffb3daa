"""Asking for background work: a Task row in the caller's transaction, delivered after commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from workplan.core import clock
from workplan.tasks import engines, registry
from workplan.tasks.models import Task


def enqueue(
    name: str, arguments: dict[str, Any] | None = None, *, created_by: Any = None, background: bool = False
) -> Task:
    """Queue task ``name`` with JSON-able ``arguments``; it runs only if the caller commits.

    ``background``: work that waits on another host (a chat robot) never runs in the request
    that asked for it, even with the ``immediate`` engine (a thread of its own then).
    """
    job = registry.get(name)
    now = clock.now()
    task = Task.objects.create(
        name=name,
        arguments=arguments or {},
        max_attempts=job.max_attempts,
        run_after=now,
        created_at=now,
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )
    transaction.on_commit(lambda: engines.deliver(task.pk, background=background))
    return task
