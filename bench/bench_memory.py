"""Where the memory of an app process goes while it serves a large plan (tracemalloc).

Builds one plan of ``--items`` items (dispatched, one report per task), then serves, in this
process through Django's test client, what a planner opens: API item-list pages, the plan's
tree page, its dashboard, item pages, the API reports list. It prints the process's RSS and
the traced heap after each page and at the end the top allocation sites (by line, and by
traceback for the largest), so a cache that grows with the plan, or a page that loads the
whole plan into Python, shows up by name.

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/wp_mem .venv/bin/python bench/bench_memory.py
--items 50000`` (the database is dropped and re-created).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from django_env import setup_django


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--skip", nargs="*", default=[], help="page names to leave out (e.g. dashboard)")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from workplan.accounts.models import User
    from workplan.api.testing import client_for
    from workplan.plans.models import Plan, PlanItem
    from workplan.synth import synthesise

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.WORKPLAN_API_RATE_LIMIT = 0
    settings.WORKPLAN_2FA_REQUIRED_ROLES = []
    started = time.perf_counter()
    print(
        synthesise(units=args.units, items=args.items, periods=1), f"in {time.perf_counter() - started:.0f} s"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    plan = Plan.objects.get()
    planner = User.objects.get(username="syn1-planner")
    web = Client()
    web.force_login(planner)
    api = client_for(planner)
    items = list(
        PlanItem.objects.filter(plan=plan, depth=2).order_by("path").values_list("pk", flat=True)[:5]
    )

    def api_pages() -> int:
        cursor, size = "", 0
        for _ in range(5):
            page = api.get(
                f"/api/v1/plans/{plan.pk}/items?limit=100" + (f"&cursor={cursor}" if cursor else "")
            )
            size += len(page.content)
            cursor = page.json()["next_cursor"]
        return size

    pages = {
        "api item list (5 pages of 100)": api_pages,
        "tree page": lambda: len(web.get(f"/plans/{plan.pk}/").content),
        "dashboard": lambda: len(web.get(f"/plans/{plan.pk}/dashboard/").content),
        "item pages (5)": lambda: sum(len(web.get(f"/items/{pk}/").content) for pk in items),
        "api reports (5 pages of 100)": lambda: sum(
            len(api.get(f"/api/v1/reports?plan_id={plan.pk}&limit=100").content) for _ in range(5)
        ),
    }
    gc.collect()
    tracemalloc.start(25)
    base = tracemalloc.take_snapshot()
    print(f"before the pages: RSS {rss_mib():.0f} MiB")
    for name, serve in pages.items():
        if any(skip in name for skip in args.skip):
            continue
        tracemalloc.reset_peak()
        t0 = time.perf_counter()
        size = serve()
        current, peak = tracemalloc.get_traced_memory()
        print(
            f"{name:32} {time.perf_counter() - t0:6.2f} s, {size / 1024:7.0f} KiB sent; "
            f"heap now {current / 2**20:6.1f} MiB, peak during it {peak / 2**20:6.1f} MiB; RSS {rss_mib():.0f} MiB"
        )
    gc.collect()
    after = tracemalloc.take_snapshot()
    print(f"\nretained after all pages (gc'd), top {args.top} lines:")
    for stat in after.compare_to(base, "lineno")[: args.top]:
        print(f"  {stat.size_diff / 1024:9.0f} KiB {stat.count_diff:+8d} blocks  {stat.traceback[0]}")
    print("\nlargest retained site by traceback (innermost workplan frames):")
    for stat in after.compare_to(base, "traceback")[:3]:
        frames = [f for f in stat.traceback if "workplan" in f.filename][-4:]
        print(
            f"  {stat.size_diff / 1024:9.0f} KiB: "
            + " <- ".join(f"{Path(f.filename).name}:{f.lineno}" for f in frames)
        )


if __name__ == "__main__":
    main()
