"""Benchmark: running a site — the organisation workbook (dry run and apply of 200 units and
600 users), then a backup and its restore check, and the export of the organisation.

Run: ``.venv/bin/python bench/bench_operations.py [--units 200] [--users 600]``
(DATABASE_URL=postgres://… for PostgreSQL; the backup then uses pg_dump).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from django_env import setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--users", type=int, default=600)
    args = parser.parse_args()
    backend = setup_django()
    from django.db import transaction

    from workplan.accounts.services import system_actor
    from workplan.operations.archive import backup_create
    from workplan.operations.orgsheet.export import org_export
    from workplan.operations.services import organisation_import, site_initialise
    from workplan.operations.testing import org_rows, org_workbook

    actor = system_actor()
    with transaction.atomic():
        site_initialise(
            actor=actor, organisation="测试县", code="XIAN", admin_username="boss", admin_password=None
        )
    data = org_workbook(*org_rows(units=args.units, users=args.users, top="XIAN"))
    for label, apply in (("dry run", False), ("apply", True), ("again (no change)", True)):
        started = time.perf_counter()
        preview = organisation_import(actor=actor, data=data, apply=apply)
        elapsed = time.perf_counter() - started
        print(f"{backend}: org import {label}: {len(preview.changes)} changes, {elapsed:.2f} s")
    started = time.perf_counter()
    exported = org_export(user=actor)
    print(f"{backend}: org export: {len(exported) // 1024} KB in {time.perf_counter() - started:.2f} s")
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        result = backup_create(output=Path(folder) / "site.tar.gz")
        print(f"{backend}: backup: {result.describe()} in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
