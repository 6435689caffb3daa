"""Benchmark: progress at scale — 2,000 items × 12 monthly periods of reports, then the reads
and the tick that run against them.

Run: ``.venv/bin/python bench/bench_progress.py [--items 2000] [--periods 12]`` (DATABASE_URL for PostgreSQL).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from django_env import setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--periods", type=int, default=12)
    args = parser.parse_args()
    backend = setup_django()
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.db import connection, reset_queries

    from workplan.accounts.models import User
    from workplan.plans.models import Plan
    from workplan.progress import jobs, selectors
    from workplan.progress.synth import synthesise_reports
    from workplan.synth import synthesise

    synthesise(units=args.units, items=args.items, seed=1)
    plan = Plan.objects.get()
    started = time.perf_counter()
    summary = synthesise_reports(plan, args.periods, random.Random(1))
    print(f"progress synth, {backend}: {summary} in {time.perf_counter() - started:.2f} s")

    planner = User.objects.get(username="syn1-planner")
    reporter = User.objects.filter(username__startswith="syn1-reporter-syn1-t").first()
    today = dt.date(plan.year, 12, 10)
    for name, call in [
        ("status board", lambda: selectors.plan_status_board(user=planner, plan=plan, today=today)),
        ("my tasks (a town)", lambda: selectors.my_tasks(user=reporter, today=today)),
        ("reports to review", lambda: list(selectors.reports_to_review(user=planner, plan=plan))),
    ]:
        settings.DEBUG = True
        reset_queries()
        started = time.perf_counter()
        rows = call()
        elapsed = time.perf_counter() - started
        print(f"{name}, {backend}: {len(rows)} rows, {len(connection.queries)} queries in {elapsed:.2f} s")
        settings.DEBUG = False
    moment = dt.datetime(plan.year, 12, 27, 8, tzinfo=ZoneInfo(settings.TIME_ZONE))
    for run in ("first", "second"):
        started = time.perf_counter()
        result = jobs.tick(now=moment)
        print(f"tick ({run}), {backend}: {result} in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
