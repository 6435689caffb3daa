"""Two app processes with separate data folders on one database share their files.

This process (host A) stores an evidence file with the database storage; a second process
(host B: `workplan serve`, its own data folder, the same database) serves it back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.cookiejar
import io
import os
import socket
import subprocess
import sys
import time
import urllib.parse
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


class _HostB:
    """A second app process (``workplan serve --embedded``): its own data folder, this database,
    the database storage; a cookie jar for signing in through its login form."""

    def __init__(self, data_dir: Path) -> None:
        self.port = _free_port()
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env |= {
            "WORKPLAN_DATA_DIR": str(data_dir),
            "DATABASE_URL": _database_url(),
            "WORKPLAN_FILE_STORAGE": "database",
            "WORKPLAN_2FA_REQUIRED_ROLES": "",
        }
        self.process = subprocess.Popen(
            [WORKPLAN, "serve", "--embedded", "--port", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        for _ in range(150):
            try:
                self.get("/login/")
                break
            except OSError:
                time.sleep(0.1)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str) -> bytes:
        with self.opener.open(self.url(path), timeout=10) as response:
            return bytes(response.read())

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, bytes]:
        csrf = next(c.value for c in self.jar if c.name == "csrftoken")
        request = urllib.request.Request(  # noqa: S310 (local http)
            self.url(path),
            data=urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": csrf}).encode(),
            headers={"Referer": self.url(path)},
        )
        with self.opener.open(request, timeout=30) as response:
            return response.status, bytes(response.read())

    def sign_in(self, username: str, password: str) -> None:
        self.get("/login/")
        _, body = self.post("/login/", {"username": username, "password": password})
        assert b'name="password"' not in body, "host B did not sign in"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.mark.slow
def test_a_breakdown_table_staged_on_one_host_applies_on_another(
    transactional_db, settings, personas, org, tmp_path
):
    from openpyxl import load_workbook

    from workplan.plans import services as plans
    from workplan.plans.breakdown.export import breakdown_export
    from workplan.plans.breakdown.staging import breakdown_dry_run
    from workplan.plans.models import PlanItem

    settings.STORAGES = {**settings.STORAGES, **DATABASE_STORAGES}
    planner = personas.planner
    plan = plans.plan_create(actor=planner, title="共享存储", year=2019, owner_unit=org.root)
    part = plans.item_create(actor=planner, plan=plan, title="总体要求")
    item = plans.item_create(
        actor=planner, plan=plan, parent=part, title="完善工作机制", due_date=dt.date(2019, 6, 30)
    )
    workbook = load_workbook(io.BytesIO(breakdown_export(user=planner, plan=plan)))
    sheet = workbook.active
    row = next(r for r in range(1, sheet.max_row + 1) if "完善工作机制" in [c.value for c in sheet[r]])
    sheet[f"H{row}"] = "2019-09-30"
    edited = io.BytesIO()
    workbook.save(edited)
    staging = Path(settings.MEDIA_ROOT) / "staging"  # other tests of this process may have used it
    on_disk_before = set(staging.rglob("*")) if staging.exists() else set()
    staged = breakdown_dry_run(actor=planner, plan=plan, data=edited.getvalue(), filename="表.xlsx")
    on_disk_after = set(staging.rglob("*")) if staging.exists() else set()
    assert staged.token and on_disk_after == on_disk_before  # staged in the database, not on this disk
    planner.set_password("host-b-password")
    planner.save(update_fields=["password"])

    host_b = _HostB(tmp_path / "host-b")
    try:
        host_b.sign_in(planner.username, "host-b-password")
        status, _ = host_b.post(f"/plans/{plan.pk}/breakdown/", {"staged": staged.token})
    finally:
        host_b.stop()
    assert status == 200
    assert PlanItem.objects.get(pk=item.pk).due_date == dt.date(2019, 9, 30)
