"""Benchmark: the annual summary and a bulletin of a 2,000-item plan, in every format.

Run: ``.venv/bin/python bench/bench_reports.py`` (DATABASE_URL for PostgreSQL). Prints, per
document and format, the generation time (build + render, as ``document_generate`` records
it), the file size and the query count. Aim: the summary under 20 s in .docx and .pdf.
"""

from __future__ import annotations

import argparse
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
    parser.add_argument("--formats", default="docx,pdf,xlsx,html")
    args = parser.parse_args()
    backend = setup_django()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from workplan.accounts.models import User
    from workplan.plans.models import Plan
    from workplan.progress.models import ProgressReport
    from workplan.reports.services import document_generate
    from workplan.synth import synthesise

    started = time.perf_counter()
    synthesise(units=100, items=args.items, periods=args.periods, seed=3)
    plan = Plan.objects.get()
    planner = User.objects.get(username="syn3-planner")
    print(
        f"reports, {backend}: {plan.items.count()} items, {ProgressReport.objects.count()} reports "
        f"(data made in {time.perf_counter() - started:.1f} s)"
    )
    last = plan.periods.order_by("-index").first()
    with translation.override("zh-hans"):
        for kind, period in (("summary", None), ("bulletin", last.label if last else None)):
            for fmt in args.formats.split(","):
                with CaptureQueriesContext(connection) as queries:
                    result = document_generate(actor=planner, plan=plan, kind=kind, fmt=fmt, period=period)
                print(
                    f"  {kind:8} .{fmt:4}  {result.record.seconds:6.2f} s  "
                    f"{result.record.size / 1024:8.0f} KiB  {len(queries)} queries"
                )


if __name__ == "__main__":
    main()
