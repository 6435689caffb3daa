"""Running queued tasks: claim a row, call its function, record how it went, retry on failure.

Whatever engine delivers a task id (this process after commit, ``workplan worker`` polling
the table, a Celery worker on another host), this module runs it, so the states and the
retry rules are the same everywhere. A claim is one conditional UPDATE (queued → running),
so two workers never run the same attempt, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import traceback
from typing import Any

from django.db import transaction
from django.db.models import F

from workplan.core import audit, clock
from workplan.tasks import registry
from workplan.tasks.models import Task, TaskState

log = logging.getLogger(__name__)
BACKOFF_SECONDS = 30  # after the n-th failure, wait 30 s × 2^(n-1) before the next attempt


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run(task_id: int, *, worker: str | None = None) -> bool:
    """Run one attempt of task ``task_id`` if it is queued and due; True when it was claimed."""
    now = clock.now()
    claimed = Task.objects.filter(pk=task_id, state=TaskState.QUEUED, run_after__lte=now).update(
        state=TaskState.RUNNING, attempts=F("attempts") + 1, started_at=now, worker=worker or worker_name()
    )
    if not claimed:
        return False
    task = Task.objects.get(pk=task_id)
    try:
        job = registry.get(task.name)
        with audit.interface("job"), transaction.atomic():
            result = job.function(**task.arguments)
    except Exception as error:  # a task's failure is recorded on its row, never raised to the engine
        _failed(task, error)
    else:
        Task.objects.filter(pk=task.pk).update(
            state=TaskState.DONE, result=_jsonable(result), finished_at=clock.now(), last_error=""
        )
    return True


def _failed(task: Task, error: Exception) -> None:
    message = "".join(traceback.format_exception_only(type(error), error)).strip()[:4000]
    log.warning(
        "task %s #%s failed (attempt %s of %s): %s",
        task.name,
        task.pk,
        task.attempts,
        task.max_attempts,
        message,
    )
    final = task.attempts >= task.max_attempts
    if not final:
        wait = dt.timedelta(seconds=BACKOFF_SECONDS * 2 ** (task.attempts - 1))
        Task.objects.filter(pk=task.pk).update(
            state=TaskState.QUEUED, run_after=clock.now() + wait, last_error=message
        )
    else:
        Task.objects.filter(pk=task.pk).update(
            state=TaskState.FAILED, finished_at=clock.now(), last_error=message
        )
    _report_failure(task, error, final=final)


def _report_failure(task: Task, error: Exception, *, final: bool) -> None:
    try:
        hook = registry.get(task.name).on_failure
        if hook is not None:
            with audit.interface("job"), transaction.atomic():
                hook(arguments=task.arguments, error=error, final=final)
    except Exception:  # the task's own row already says how it went
        log.exception("recording the failure of task %s #%s failed", task.name, task.pk)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    return str(value)


def run_due(*, limit: int = 100, worker: str | None = None) -> int:
    """Run the queued tasks whose time has come, oldest first; how many attempts ran."""
    due = list(
        Task.objects.filter(state=TaskState.QUEUED, run_after__lte=clock.now())
        .order_by("run_after", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(run(pk, worker=worker) for pk in due)
