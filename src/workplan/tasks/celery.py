"""The Celery application for sites whose tasks run on a broker (``WORKPLAN_TASKS=celery``).

Celery carries only the task's id; the row in the database holds its arguments and state, and
workplan.tasks.runner runs it, so retries and states are the same as with the other engines.
"""

from __future__ import annotations

import os

from celery import Celery
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workplan.config.settings")

app = Celery("workplan")
app.conf.update(
    broker_url=getattr(settings, "WORKPLAN_BROKER_URL", "") or "memory://",
    task_acks_late=True,  # a worker that dies mid-task leaves the message for another
    worker_prefetch_multiplier=1,
    task_ignore_result=True,  # results live on the Task row
    broker_connection_retry_on_startup=True,
)


@app.task(name="workplan.run_task")  # type: ignore[untyped-decorator]  # celery has no type hints
def run_task(task_id: int) -> bool:
    from workplan.tasks import runner

    return runner.run(int(task_id))
