"""Two app processes with separate data folders on one database share their files.

This process (host A) stores an evidence file with the database storage; a second process
(host B: `workplan serve`, its own data folder, the same database) serves it back.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from workplan.accounts.models import Role
from workplan.api import services as api_services
from workplan.core import clock
from workplan.core.testing import make_user
from workplan.progress import services
from workplan.progress.testing import dispatched_task, moment

WORKPLAN = str(Path(sys.executable).parent / "workplan")
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(2048)
DATABASE_STORAGES = {
    "default": {"BACKEND": "workplan.files.storage.DatabaseStorage", "OPTIONS": {"location": "media"}},
    "evidence": {
        "BACKEND": "workplan.files.storage.DatabaseStorage",
        "OPTIONS": {"location": "evidence", "allow_overwrite": True},
    },
}


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_an_evidence_file_stored_by_one_host_downloads_through_another(
    transactional_db, settings, actor, org, personas, tmp_path
):
    settings.STORAGES = {**settings.STORAGES, **DATABASE_STORAGES}
    reporter = make_user(actor, "a1-reporter", role=Role.REPORTER, unit=org.unit_a1)
    task = dispatched_task(actor, owner=org.root, assignee=org.unit_a1)
    with clock.frozen(moment(2019, 1, 10)):
        report = services.report_save(
            actor=reporter, track=task.track, period=task.period(1), narrative="照片", percent=5
        )
        evidence = services.evidence_add(actor=reporter, report=report, filename="现场.png", data=PNG)
    _, secret = api_services.token_create(actor=personas.planner, user=personas.planner)
    digest = evidence.sha256
    assert not (
        Path(settings.MEDIA_ROOT) / "evidence" / digest[:2] / digest[2:4] / digest
    ).exists()  # not on disk

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {
        "WORKPLAN_DATA_DIR": str(tmp_path / "host-b"),
        "DATABASE_URL": _database_url(),
        "WORKPLAN_FILE_STORAGE": "database",
    }
    host_b = subprocess.Popen(
        [WORKPLAN, "serve", "--embedded", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/evidence/{evidence.pk}/file",
        headers={"Authorization": f"Bearer {secret}"},
    )
    try:
        body = b""
        for _ in range(150):
            try:
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (local http)
                    body = response.read()
                    break
            except OSError:
                time.sleep(0.1)
    finally:
        host_b.terminate()
        host_b.wait(timeout=10)
    assert hashlib.sha256(body).hexdigest() == hashlib.sha256(PNG).hexdigest() == evidence.sha256
