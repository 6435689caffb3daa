"""Backup and restore as an office runs them: the demo with evidence files, into a new folder
(SQLite) or a new database (PostgreSQL); damaged, truncated and foreign archives are refused."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

WORKPLAN = str(Path(sys.executable).parent / "workplan")
POSTGRES = os.environ.get("WORKPLAN_TEST_POSTGRES_URL", "")

ATTACH = """
import django, json, sys
django.setup()
from workplan.accounts.models import Membership
from workplan.progress.models import ProgressReport
from workplan.progress.services import evidence_add
from workplan.core import audit
found = {}
reports = ProgressReport.objects.exclude(status="accepted").filter(period__closed_at__isnull=True)
for index, report in enumerate(reports.select_related("track")[:3]):
    member = Membership.objects.filter(role="reporter", unit=report.track.unit).select_related("user").first()
    if member is None:
        continue
    with audit.interface("cli"):
        e = evidence_add(actor=member.user, report=report, filename=f"photo{index}.png",
                         data=b"\\x89PNG\\r\\n\\x1a\\n" + bytes([index]) * (5000 + index))
    found[e.pk] = e.sha256
print(json.dumps(found))
"""

DOWNLOAD = """
import django, hashlib, json
django.setup()
from django.test import Client
from workplan.accounts.models import User
from workplan.progress.models import Evidence
client = Client()
client.force_login(User.objects.get(username="admin"))
found = {}
for e in Evidence.objects.all():
    response = client.get(f"/progress/evidence/{e.pk}/", HTTP_HOST="localhost")
    assert response.status_code == 200, response.status_code
    found[e.pk] = hashlib.sha256(b"".join(response.streaming_content)).hexdigest()
print(json.dumps(found))
"""


def _env(data: Path, database: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update({"WORKPLAN_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "workplan.config.settings"})
    env["WORKPLAN_2FA_REQUIRED_ROLES"] = ""  # the check below reads pages as the admin, password only
    if database:
        env["DATABASE_URL"] = database
    return env


def workplan(*args: str, data: Path, database: str = "") -> subprocess.CompletedProcess[str]:
    env = _env(data, database)
    env.pop("DJANGO_SETTINGS_MODULE")
    return subprocess.run(  # noqa: S603 - our own console script
        [WORKPLAN, *args], capture_output=True, text=True, env=env, timeout=600, check=False
    )


def script(source: str, *, data: Path, database: str = "") -> dict[str, str]:
    result = subprocess.run(  # noqa: S603 - the test's own script
        [sys.executable, "-c", source],
        capture_output=True,
        text=True,
        env=_env(data, database),
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def refused(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert fragment in result.stderr, result.stderr


def _roundtrip(tmp_path: Path, source_db: str = "", target_db: str = "") -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    assert workplan("demo", "--no-serve", data=source, database=source_db).returncode == 0
    attached = script(ATTACH, data=source, database=source_db)
    assert len(attached) >= 2
    archive = tmp_path / "site.tar.gz"
    made = workplan("backup", "-o", str(archive), data=source, database=source_db)
    assert made.returncode == 0, made.stderr
    restored = workplan("restore", str(archive), data=target, database=target_db)
    assert restored.returncode == 0, restored.stderr
    assert script(DOWNLOAD, data=target, database=target_db) == attached
    assert script(DOWNLOAD, data=source, database=source_db) == attached
    refused(workplan("restore", str(archive), data=target, database=target_db), "not empty")

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    refused(workplan("restore", str(truncated), data=tmp_path / "t2", database=""), "not a complete")


def test_backup_and_restore_on_sqlite_keeps_every_evidence_file(tmp_path):
    _roundtrip(tmp_path)


@pytest.fixture
def two_postgres_databases():
    if not POSTGRES:
        pytest.skip("set WORKPLAN_TEST_POSTGRES_URL")
    import psycopg

    base = POSTGRES.rsplit("/", 1)[0]
    names = [f"{POSTGRES.rsplit('/', 1)[1]}_bk{i}" for i in (1, 2)]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as db:
        for name in names:
            db.execute(f'DROP DATABASE IF EXISTS "{name}"')
            db.execute(f'CREATE DATABASE "{name}"')
    yield [f"{base}/{name}" for name in names]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as db:
        for name in names:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_and_restore_on_postgresql_keeps_every_evidence_file(tmp_path, two_postgres_databases):
    source, target = two_postgres_databases
    _roundtrip(tmp_path, source, target)


def _archive(tmp_path: Path, manifest: dict[str, object], members: dict[str, bytes]) -> Path:
    path = tmp_path / "forged.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for name, data in {"manifest.json": json.dumps(manifest).encode(), **members}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.parametrize(
    ("manifest", "members", "fragment"),
    [
        ({"format": "something else"}, {}, "not a workplan backup"),
        ({"format": "workplan-backup", "format_version": 99}, {}, "format 99"),
        (
            {"format": "workplan-backup", "format_version": 1, "schema": {"plans": ["9999_from_the_future"]}},
            {},
            "newer workplan",
        ),
        (
            {
                "format": "workplan-backup",
                "format_version": 1,
                "members": [{"name": "../evil", "sha256": "x"}],
            },
            {"../evil": b"x"},
            "unexpected member",
        ),
        (
            {
                "format": "workplan-backup",
                "format_version": 1,
                "members": [{"name": "media/a", "sha256": "0" * 64}],
            },
            {"media/a": b"changed"},
            "checksum",
        ),
        (
            {
                "format": "workplan-backup",
                "format_version": 1,
                "members": [{"name": "database.sqlite3", "sha256": "0"}],
            },
            {},
            "missing",
        ),
    ],
    ids=["foreign", "format", "newer-schema", "traversal", "checksum", "missing"],
)
def test_forged_archives_are_refused(tmp_path, manifest, members, fragment):
    refused(workplan("restore", str(_archive(tmp_path, manifest, members)), data=tmp_path / "t"), fragment)
    assert not (tmp_path / "t" / "media").exists() or not any((tmp_path / "t" / "media").rglob("*"))


def test_junk_and_missing_archives(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive at all")
    refused(workplan("restore", str(junk), data=tmp_path / "t"), "not a complete")
    refused(workplan("restore", str(tmp_path / "none.tar.gz"), data=tmp_path / "t"), "cannot read")
