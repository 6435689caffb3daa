"""Benchmark: the anonymous public page of a 2,000-item plan with a year of reports.

Run: ``.venv/bin/python bench/bench_public.py`` (DATABASE_URL for PostgreSQL). Prints the time
and query count of the page built (cold: empty cache), served from the cache (warm: a new
audit row would make it cold again) and answered 304 to a conditional GET, and the page size.
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
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    backend = setup_django()

    from django.core.cache import cache
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from workplan.accounts.models import User
    from workplan.plans.models import Plan
    from workplan.progress.models import ProgressReport
    from workplan.publishing import services
    from workplan.synth import synthesise

    started = time.perf_counter()
    synthesise(units=100, items=args.items, periods=args.periods, seed=5)
    plan = Plan.objects.get()
    planner = User.objects.get(username="syn5-planner")
    with transaction.atomic():
        services.publication_publish(actor=planner, plan=plan)
    print(
        f"public page, {backend}: {plan.items.count()} items, {ProgressReport.objects.count()} reports "
        f"(data made in {time.perf_counter() - started:.1f} s)"
    )
    client = Client()
    url = f"/public/plans/{plan.pk}/"

    def measure(label: str, clear: bool, **headers: str) -> str:
        times, counts, size, etag = [], [], 0, ""
        for _ in range(args.runs):
            if clear:
                cache.clear()
            with CaptureQueriesContext(connection) as queries:
                t = time.perf_counter()
                response = client.get(url, **headers)
                times.append(time.perf_counter() - t)
            counts.append(len(queries))
            size, etag = len(response.content), response["ETag"]
        print(
            f"  {label:5} {response.status_code}  median {statistics.median(times) * 1000:7.1f} ms  "
            f"{max(counts)} queries  {size / 1024:6.0f} KiB"
        )
        return etag

    etag = measure("cold", clear=True)
    measure("warm", clear=False)
    measure("304", clear=False, HTTP_IF_NONE_MATCH=etag)


if __name__ == "__main__":
    main()
