"""Benchmark: the API's item list on a 50,000-item plan — first page, filtered pages, a deep page.

Times each request through Django's test client (the whole server side: middleware, token,
rate limit, query, serialisation) and prints the median of several runs with the number
of queries. Run: ``.venv/bin/python bench/bench_api.py [--items 50000] [--runs 15]``
(DATABASE_URL=postgres://… for PostgreSQL).
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
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    backend = setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workplan.accounts.models import Unit, User
    from workplan.api.testing import client_for
    from workplan.plans.models import PlanItem
    from workplan.synth import synthesise

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.WORKPLAN_API_RATE_LIMIT = 0
    started = time.perf_counter()
    synthesise(units=args.units, items=args.items, seed=1)
    print(f"synth {args.items} items, {backend}: {time.perf_counter() - started:.1f} s")
    if backend == "postgresql":
        # A bulk load leaves the planner's statistics stale until autovacuum analyses the
        # tables (within a minute or so on a live server); measure the steady state.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    plan_id = PlanItem.objects.values_list("plan_id", flat=True).first()
    town = Unit.objects.filter(code="SYN1-T1").get()
    deep = PlanItem.objects.filter(plan_id=plan_id).order_by("-path").values_list("path", flat=True)[500]
    base = f"/api/v1/plans/{plan_id}/items?limit=50"
    cases = [
        ("first page", base),
        ("by unit (a town)", f"{base}&unit_id={town.pk}"),
        ("by unit and sub-units", f"{base}&unit_id={town.pk}&include_subunits=true"),
        ("due window (May)", f"{base}&due_from=2025-05-01&due_to=2025-05-31"),
        ("open items", f"{base}&state=open"),
        ("text search", f"{base}&q=%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4"),
        ("deep page (500 from the end)", f"{base}&cursor={deep}"),
        ("deep page, by unit", f"{base}&unit_id={town.pk}&cursor={deep[:8]}"),
    ]
    for who in ("syn1-planner", f"syn1-reporter-{town.code.lower()}"):
        client = client_for(User.objects.get(username=who))
        print(f"-- as {who}")
        for name, url in cases:
            client.get(url)  # warm: token stamp, rate window, connection
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.content[:200]
            with CaptureQueriesContext(connection) as queries:
                count = len(client.get(url).json()["items"])
            print(
                f"items list, {name}, {backend}: median {statistics.median(times):.1f} ms "
                f"(min {min(times):.1f}, max {max(times):.1f}), {count} items, {len(queries)} queries"
            )


if __name__ == "__main__":
    main()
