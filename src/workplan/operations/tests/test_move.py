"""`workplan move-to`: the demo moves from SQLite to PostgreSQL and both answer the same API reads;
a target that is not empty, not reachable or not PostgreSQL is refused with nothing done."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workplan.operations.tests.test_backup import refused, workplan

POSTGRES = os.environ.get("WORKPLAN_TEST_POSTGRES_URL", "")

READS = """
import django, json, sys
django.setup()
from django.test import Client
client = Client(HTTP_AUTHORIZATION="Bearer " + sys.argv[1], HTTP_HOST="localhost")
found = {}
plan_id = client.get("/api/v1/plans").json()["items"][0]["id"]
for path in ["/api/v1/me", "/api/v1/plans", "/api/v1/units?limit=200", f"/api/v1/plans/{plan_id}",
             f"/api/v1/plans/{plan_id}/items?limit=200", f"/api/v1/plans/{plan_id}/periods",
             "/api/v1/users?limit=200", "/api/v1/audit?limit=200", "/api/v1/notifications"]:
    response = client.get(path)
    found[path] = [response.status_code, response.json()]
print(json.dumps(found, sort_keys=True))
"""


def reads(data: Path, token: str, database: str = "") -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env.update({"WORKPLAN_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "workplan.config.settings"})
    env["WORKPLAN_API_RATE_LIMIT"] = "0"
    if database:
        env["DATABASE_URL"] = database
    result = subprocess.run(  # noqa: S603 - the test's own script
        [sys.executable, "-c", READS, token],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.fixture
def empty_postgres():
    if not POSTGRES:
        pytest.skip("set WORKPLAN_TEST_POSTGRES_URL")
    import psycopg

    base, name = POSTGRES.rsplit("/", 1)
    name = f"{name}_move"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    yield f"{base}/{name}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_demo_moves_to_postgresql_and_answers_the_same(tmp_path, empty_postgres):
    data = tmp_path / "site"
    assert workplan("demo", "--no-serve", data=data).returncode == 0
    made = workplan("token", "create", "--user", "admin", data=data)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[0]
    before = reads(data, token)
    moved = workplan("move-to", empty_postgres, data=data)
    assert moved.returncode == 0, moved.stderr
    assert (
        "every count and checksum agrees" in moved.stdout and f"DATABASE_URL={empty_postgres}" in moved.stdout
    )
    after = reads(data, token, empty_postgres)
    assert all(status == 200 for status, _ in after.values()), {k: v[0] for k, v in after.items()}
    assert after == before
    refused(workplan("move-to", empty_postgres, data=data), "not empty")
    refused(
        workplan("move-to", empty_postgres, data=data, database=empty_postgres), "already uses PostgreSQL"
    )


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("postgres://postgres@127.0.0.1:9/nothing", "cannot reach"),
        ("mysql://u@localhost/db", "PostgreSQL URL"),
        ("sqlite:///tmp/x.sqlite3", "PostgreSQL URL"),
    ],
    ids=["unreachable", "mysql", "sqlite"],
)
def test_move_to_refuses_what_it_cannot_use(tmp_path, url, fragment):
    data = tmp_path / "site"
    assert workplan("migrate", data=data).returncode == 0
    refused(workplan("move-to", url, data=data), fragment)
