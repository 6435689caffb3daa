"""Benchmark: the plan dashboard before (per-item Python) and after (counted in SQL), and the raw SQL.

Run: ``DATABASE_URL=postgres://… .venv/bin/python bench/bench_rollups.py --items 2000 50000``.
For each size prints: the old selector (``plan_dashboard``), the new one
(``plan_dashboard_counted``), the dashboard page, the organisation overview page, the raw SQL of
the same counts (one aggregate over tracks ⨝ items), the ratio page / raw SQL (goal ≤ 1.5×
for the counts), query counts, and the load average (the machine is shared: figures are noisy).

The pages are today's: the clock is frozen on 30 June of the plan's year
(``workplan.core.clock.frozen``) rather than passing ``?as_of=``, which for a past day takes
the history path (``workplan.history``, docs/adr/0002).

Figures (2026-12-04, PostgreSQL 15, 2 shared cores, 100 units, 6 periods; code of branch
``scale`` with the report tallies and unit pages, before the attention rewrite; medians of 7):

    items   reports  raw SQL  counted selector  dashboard page      overview  per-item selector  load
    2,000    11,928   2.0 ms   45.5 ms (23x)    111.3 ms (56x), 20 q  64.6 ms  255 ms             3.54 4.02
    50,000  299,928  25.3 ms  213.0 ms (8.4x)   250.3 ms (9.9x), 20 q 158.5 ms 3,962 ms (19x)      1.27 2.27

The page's query count is the same at both sizes; the ratio page / raw SQL (goal ≤ 1.5x) is not met.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from django_env import setup_django

RAW_COUNTS = """
SELECT t.state = 'completed', t.latest_percent IS NULL, i.due_date < %s, count(*)
FROM progress_track t JOIN plans_planitem i ON i.id = t.item_id
WHERE i.plan_id = %s AND t.state <> 'reassigned' GROUP BY 1, 2, 3
"""


def _median(fn, runs: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, nargs="+", default=[2000])
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--periods", type=int, default=6)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--old-up-to", type=int, default=60000, help="skip the old selector above this size")
    args = parser.parse_args()
    # Benchmark users sign in without an authenticator app (the page, not the 2FA redirect, is measured).
    os.environ["WORKPLAN_2FA_REQUIRED_ROLES"] = ""
    backend = setup_django()

    from django.test.utils import setup_test_environment

    setup_test_environment()
    for seed, items in enumerate(args.items, start=11):
        _measure(seed, items, args, backend)


def _measure(seed: int, items: int, args: argparse.Namespace, backend: str) -> None:
    from django.db import connection
    from django.test import Client

    from workplan.accounts.models import User
    from workplan.core import clock
    from workplan.plans.models import Plan
    from workplan.progress.dashboard import plan_dashboard, plan_dashboard_counted
    from workplan.progress.models import ProgressReport
    from workplan.synth import synthesise

    started = time.perf_counter()
    synthesise(units=args.units, items=items, periods=args.periods, seed=seed)
    made = time.perf_counter() - started
    if backend == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
    plan = Plan.objects.get(title__startswith=f"SYN{seed} ")
    user = User.objects.get(username=f"syn{seed}-planner")
    today = dt.date(plan.year, 6, 30)
    reports = ProgressReport.objects.filter(item__plan=plan).count()
    print(f"== {backend}: {items} items, {args.units} units, {reports} reports (generated in {made:.0f} s)")
    print(f"   load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (2 cores, shared)")

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute(RAW_COUNTS, [today, plan.pk])
            cursor.fetchall()

    raw_ms, _ = _median(raw, args.runs)
    new_ms, new_q = _median(lambda: plan_dashboard_counted(user=user, plan=plan, today=today), args.runs)
    client = Client()
    client.force_login(user)
    with clock.frozen(dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)):
        for url in (f"/plans/{plan.pk}/dashboard/", "/overview/"):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            assert not response.context.get("past"), f"{url} took the history path"
        page_ms, page_q = _median(lambda: client.get(f"/plans/{plan.pk}/dashboard/"), args.runs)
        org_ms, org_q = _median(lambda: client.get("/overview/"), args.runs)
    print(f"   raw SQL of the counts       {raw_ms:8.1f} ms")
    print(
        f"   after: counted selector     {new_ms:8.1f} ms  {new_q} queries  ({new_ms / raw_ms:.1f}x raw SQL)"
    )
    print(
        f"   after: dashboard page       {page_ms:8.1f} ms  {page_q} queries  ({page_ms / raw_ms:.1f}x raw SQL)"
    )
    print(f"   after: overview page        {org_ms:8.1f} ms  {org_q} queries")
    if items <= args.old_up_to:
        old_ms, old_q = _median(
            lambda: plan_dashboard(user=user, plan=plan, today=today), max(1, args.runs // 2)
        )
        print(
            f"   before: per-item selector   {old_ms:8.1f} ms  {old_q} queries  ({old_ms / new_ms:.0f}x the new one)"
        )
    print(f"   load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")


if __name__ == "__main__":
    main()
