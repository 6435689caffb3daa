"""Benchmark: the plan dashboard and the plan tree of a 2,000-item plan with ~24,000 reports.

Run: ``.venv/bin/python bench/bench_dashboard.py`` (DATABASE_URL for PostgreSQL). Prints the
server time of each page (median of several requests through Django's test client, after a
warm-up) and its query count. Target: dashboard under 300 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from django_env import setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--periods", type=int, default=12)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    backend = setup_django()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from workplan.accounts.models import User
    from workplan.plans.models import Plan
    from workplan.progress.models import ProgressReport
    from workplan.synth import synthesise

    setup_test_environment()
    synthesise(units=100, items=args.items, periods=args.periods, seed=3)
    plan = Plan.objects.get()
    client = Client()
    client.force_login(User.objects.get(username="syn3-planner"))
    print(f"dashboard, {backend}: {plan.items.count()} items, {ProgressReport.objects.count()} reports")
    for name, url in (
        ("dashboard", f"/plans/{plan.pk}/dashboard/"),
        ("plan tree", f"/plans/{plan.pk}/"),
        ("tree, filtered", f"/plans/{plan.pk}/?status=at_risk&q=建设"),
    ):
        assert client.get(url).status_code == 200  # warm-up
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        print(
            f"  {name:15} median {statistics.median(times):7.1f} ms   min {min(times):7.1f} ms   {len(queries)} queries"
        )


if __name__ == "__main__":
    main()
