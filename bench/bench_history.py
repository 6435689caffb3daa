"""Benchmark: the dashboard of a past day against today's, on a 2,000-item plan with a year of reports.

Run: ``.venv/bin/python bench/bench_history.py`` (DATABASE_URL for PostgreSQL). The plan is
built on 1 January of its year (injected clock) and gets twelve monthly periods of reports,
so ``?as_of=`` a day in December replays almost the whole year from the timeline. Prints the
median server time of today's dashboard, of the as-of dashboards (and the tree), and the
ratio. Target: as-of within 2x of today's dashboard.

Figures: docs/adr/0002 "Consequences" (2026-12-04): SQLite as of 30 June 1.99-2.04x and as of
20 December 1.82-1.87x, PostgreSQL 2.06x / 1.55x; after issue 16's report tallies made today's
dashboard faster, SQLite 2.49x / 2.47x and PostgreSQL 2.83x / 1.72x: the 2x goal is not met.
Runs ANALYZE after loading
(a live database has autovacuum's statistics; without them PostgreSQL's plans are guesses).
"""

from __future__ import annotations

import argparse
import datetime as dt
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

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from workplan.accounts.models import User
    from workplan.core import clock
    from workplan.plans.models import Plan
    from workplan.progress.models import ItemEvent, ProgressReport
    from workplan.synth import YEAR, synthesise

    setup_test_environment()
    settings.WORKPLAN_2FA_REQUIRED_ROLES = []  # the benchmark signs in with force_login only
    with clock.frozen(dt.datetime(YEAR, 1, 1, 8, tzinfo=dt.UTC)):
        synthesise(units=100, items=args.items, periods=args.periods, seed=3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as autovacuum keeps them on a live database
    plan = Plan.objects.get()
    client = Client()
    client.force_login(User.objects.get(username="syn3-planner"))
    print(
        f"history, {backend}: {plan.items.count()} items, {ProgressReport.objects.count()} reports, "
        f"{ItemEvent.objects.count()} timeline events"
    )

    def measure(url: str) -> tuple[float, int]:
        warm = client.get(url)
        assert warm.status_code == 200, (warm.status_code, warm.get("Location"))  # warm-up
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.content[:300]
        return statistics.median(times), len(queries)

    today, today_queries = measure(f"/plans/{plan.pk}/dashboard/")
    print(f"  {'dashboard today':28} median {today:7.1f} ms   {today_queries} queries")
    for label, day in (("as of mid-year", f"{YEAR}-06-30"), ("as of December", f"{YEAR}-12-20")):
        past, queries = measure(f"/plans/{plan.pk}/dashboard/?as_of={day}")
        print(
            f"  {'dashboard ' + label:28} median {past:7.1f} ms   {queries} queries   ratio {past / today:.2f}x"
        )
    tree_today, _ = measure(f"/plans/{plan.pk}/")
    tree_past, _ = measure(f"/plans/{plan.pk}/?as_of={YEAR}-12-20")
    print(
        f"  {'tree today / as of December':28} {tree_today:7.1f} ms / {tree_past:7.1f} ms   ratio {tree_past / tree_today:.2f}x"
    )


if __name__ == "__main__":
    main()
