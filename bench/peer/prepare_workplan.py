"""Builds the workplan side of the peer benchmark and writes what the load client needs as JSON.

The same shape as the Redmine peer's seed: ``--items`` items in ``--plans`` plans, in groups of
one top-level item and nine children, dispatched, with one submitted report per child (so a
progress update is an edit of a report, with its version). The database in DATABASE_URL
(PostgreSQL) is dropped and re-created. Run: ``.venv/bin/python bench/peer/prepare_workplan.py
--items 50000 --out state.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from django_env import setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--plans", type=int, default=10)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--fanout", type=int, default=10)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.db.models import Count

    from workplan.accounts.models import User
    from workplan.accounts.services import system_actor
    from workplan.api import services as api_services
    from workplan.plans.models import Plan
    from workplan.progress.models import ProgressReport
    from workplan.synth import SYNTH_PASSWORD, synthesise

    started = time.perf_counter()
    summary = synthesise(
        units=args.units, items=args.items, plans=args.plans, periods=1, group_size=args.fanout
    )
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    planner = User.objects.get(username="syn1-planner")
    busiest = (
        ProgressReport.objects.values("unit_id").annotate(n=Count("id")).order_by("-n", "unit_id").first()
    )
    assert busiest is not None, "no reports were made"
    reporter = User.objects.get(memberships__unit_id=busiest["unit_id"], memberships__role="reporter")
    _, planner_token = api_services.token_create(actor=planner, user=planner)
    _, reporter_token = api_services.token_create(actor=system_actor(), user=reporter)
    state = {
        "seed": str(summary),
        "seed_seconds": round(seconds, 1),
        "plans": list(Plan.objects.order_by("id").values_list("id", flat=True)),
        "planner": {"username": planner.username, "password": SYNTH_PASSWORD, "token": planner_token},
        "reporter": {"username": reporter.username, "token": reporter_token, "unit_id": busiest["unit_id"]},
    }
    Path(args.out).write_text(json.dumps(state, indent=1))
    print(f"{summary} in {seconds:.1f} s; state in {args.out}")


if __name__ == "__main__":
    main()
