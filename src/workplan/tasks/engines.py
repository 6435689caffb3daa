"""Who runs a queued task (``WORKPLAN_TASKS``):

- ``immediate`` (default): this process, right after the transaction that queued it commits —
  nothing else to install or run; a failed attempt is retried by the next ``workplan tick``;
- ``database``: ``workplan worker`` processes (any number, on any host that reaches the
  database) poll the table;
- ``celery``: the id goes to a Celery broker (``WORKPLAN_BROKER_URL``, Redis or RabbitMQ) and
  ``workplan worker`` runs Celery workers, on as many hosts as needed.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import connections

from workplan.tasks import runner

ENGINES = ("immediate", "database", "celery")


def engine() -> str:
    return str(getattr(settings, "WORKPLAN_TASKS", "immediate"))


def _run_in_thread(task_id: int) -> None:
    try:
        runner.run(task_id)
    finally:
        connections.close_all()  # this thread's own connections


def deliver(task_id: int, *, background: bool = False) -> None:
    """Hand a committed task to the engine (``background``: not in the caller's thread)."""
    chosen = engine()
    if chosen == "immediate" and background and getattr(settings, "WORKPLAN_TASK_THREADS", True):
        # Not a daemon: a command such as `workplan tick` waits for it before exiting.
        threading.Thread(target=_run_in_thread, args=(task_id,), name=f"task-{task_id}").start()
    elif chosen == "immediate":
        runner.run(task_id)
    elif chosen == "celery":
        from workplan.tasks.celery import app

        with app.connection_for_write(settings.WORKPLAN_BROKER_URL) as connection:
            app.send_task(
                "workplan.run_task", args=[task_id], connection=connection, queue=settings.WORKPLAN_TASK_QUEUE
            )
    # "database": the workers find it in the table
