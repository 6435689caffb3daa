"""``workplan worker``: a process that runs queued tasks, polling the database or taking them from Celery."""

from __future__ import annotations

import signal
import threading
from types import FrameType

from django.db import close_old_connections

from workplan.tasks import runner


def run_once() -> int:
    """Every due task once (for cron or a test); how many attempts ran."""
    return runner.run_due(worker=runner.worker_name())


def run_forever(*, interval: float) -> int:
    """Poll until SIGTERM or SIGINT; the task in hand is finished before the process exits."""
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    print(f"worker {runner.worker_name()} polling every {interval:g} s (Ctrl+C to stop)", flush=True)
    while not stop.is_set():
        close_old_connections()
        if not runner.run_due(limit=10, worker=runner.worker_name()):
            stop.wait(interval)
    return 0


def run_celery(*, concurrency: int) -> int:
    from django.conf import settings

    from workplan.tasks.celery import app

    queue = settings.WORKPLAN_TASK_QUEUE
    app.worker_main(
        ["worker", "--loglevel=INFO", f"--concurrency={concurrency}", "--pool=threads", f"--queues={queue}"]
    )
    return 0
