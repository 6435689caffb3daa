"""A task queued by one process runs on a worker process: polling the database, or through Celery
with the real Redis and RabbitMQ on this machine."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection, transaction

from workplan.tasks import queue
from workplan.tasks.models import Task, TaskState

WORKPLAN = str(Path(sys.executable).parent / "workplan")
ENGINES = {
    "database": ("database", ""),
    "celery-redis": ("celery", "redis://127.0.0.1:6379/15"),
    "celery-rabbitmq": ("celery", "amqp://guest:guest@127.0.0.1:5672//"),
}


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.slow
@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_a_task_queued_here_runs_on_a_worker_process(engine, transactional_db, settings, tmp_path):
    kind, broker = ENGINES[engine]
    task_queue = f"workplan-test-{uuid.uuid4().hex[:8]}"  # parallel test runs never take each other's tasks
    settings.WORKPLAN_TASKS, settings.WORKPLAN_BROKER_URL, settings.WORKPLAN_TASK_QUEUE = (
        kind,
        broker,
        task_queue,
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {
        "WORKPLAN_DATA_DIR": str(tmp_path / "worker"),
        "DATABASE_URL": _database_url(),
        "WORKPLAN_TASKS": kind,
        "WORKPLAN_BROKER_URL": broker,
        "WORKPLAN_TASK_QUEUE": task_queue,
    }
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [WORKPLAN, "worker", "--interval", "0.2"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        with transaction.atomic():
            task = queue.enqueue("progress.tick", {})
        for _ in range(300):
            task.refresh_from_db()
            if task.state == TaskState.DONE:
                break
            time.sleep(0.1)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
    assert task.state == TaskState.DONE, (tmp_path / "worker.log").read_text()[-3000:]
    assert "tick at" in task.result and str(worker.pid) in task.worker
    assert Task.objects.count() == 1


@pytest.mark.slow
@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_a_large_import_queued_here_is_read_by_a_worker_on_another_host(
    engine, transactional_db, settings, personas, org, tmp_path
):
    """The upload is stored through the shared (database) storage; the worker, with its own
    data folder, reads it from there and fills the draft."""
    from workplan.plans import drafts
    from workplan.plans.models import DraftStatus
    from workplan.plans.tests.test_drafts import DOCUMENT

    kind, broker = ENGINES[engine]
    task_queue = f"workplan-test-{uuid.uuid4().hex[:8]}"
    settings.WORKPLAN_TASKS, settings.WORKPLAN_BROKER_URL, settings.WORKPLAN_TASK_QUEUE = (
        kind,
        broker,
        task_queue,
    )
    settings.WORKPLAN_IMPORT_SYNC_BYTES = 100
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "workplan.files.storage.DatabaseStorage", "OPTIONS": {"location": "media"}},
    }
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {
        "WORKPLAN_DATA_DIR": str(tmp_path / "worker"),
        "DATABASE_URL": _database_url(),
        "WORKPLAN_TASKS": kind,
        "WORKPLAN_BROKER_URL": broker,
        "WORKPLAN_TASK_QUEUE": task_queue,
        "WORKPLAN_FILE_STORAGE": "database",
    }
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [WORKPLAN, "worker", "--interval", "0.2"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        draft = drafts.draft_create(
            actor=personas.planner, data=DOCUMENT, filename="要点.txt", owner_unit=org.root
        )
        assert draft.status == DraftStatus.READING
        for _ in range(300):
            draft.refresh_from_db()
            if draft.status != DraftStatus.READING:
                break
            time.sleep(0.1)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
    assert draft.status == DraftStatus.OPEN, (tmp_path / "worker.log").read_text()[-3000:]
    assert len(draft.data["items"]) == 7
    task = Task.objects.get(pk=draft.task_id)
    assert task.state == TaskState.DONE and str(worker.pid) in task.worker
