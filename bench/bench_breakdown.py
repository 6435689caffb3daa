"""Benchmark: importing a 2,000-row breakdown table (aim: under 5 s).

Run: ``.venv/bin/python bench/bench_breakdown.py [--rows 2000]`` (DATABASE_URL for PostgreSQL).

Generates a plan with ``--rows`` items (workplan synth), exports its breakdown table, edits
every task row (a new lead unit and a new deadline) and times: the export, the dry run
(read + compare), and the apply (every change through the audited services).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from django_env import setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--profile", action="store_true", help="print the apply step's top functions")
    args = parser.parse_args()
    backend = setup_django()

    from openpyxl import load_workbook

    from workplan.accounts.models import Unit
    from workplan.accounts.services import system_actor
    from workplan.plans.breakdown.changes import breakdown_import
    from workplan.plans.breakdown.export import breakdown_export
    from workplan.plans.models import Plan
    from workplan.synth import synthesise

    synthesise(units=60, items=args.rows, seed=7)
    actor = system_actor()
    plan = Plan.objects.get()
    started = time.perf_counter()
    data = breakdown_export(user=actor, plan=plan)
    export_seconds = time.perf_counter() - started

    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    new_lead = Unit.objects.filter(depth=2).order_by("-path").first()
    assert new_lead is not None
    edited = 0
    for row in range(3, sheet.max_row + 1):
        if sheet.cell(row=row, column=2).value is None:
            continue  # a part row
        sheet.cell(row=row, column=5).value = new_lead.name
        sheet.cell(row=row, column=6).value = None
        sheet.cell(row=row, column=8).value = dt.datetime(2025, 12, 31)  # noqa: DTZ001 - Excel dates are naive
        edited += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    edited_bytes = buffer.getvalue()

    started = time.perf_counter()
    preview = breakdown_import(actor=actor, plan=plan, data=edited_bytes)
    dry_seconds = time.perf_counter() - started
    assert preview.ok, preview.problems[:3]
    profiler = cProfile.Profile() if args.profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    applied = breakdown_import(actor=actor, plan=plan, data=edited_bytes, apply=True)
    apply_seconds = time.perf_counter() - started
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    assert applied.applied
    print(
        f"breakdown table, {backend}: {sheet.max_row - 2} rows ({edited} edited), {len(preview.changes)} changes"
    )
    print(f"  export        {export_seconds:6.2f} s")
    print(f"  dry run       {dry_seconds:6.2f} s   (read + compare)")
    print(f"  apply         {apply_seconds:6.2f} s   (read + compare + audited writes)")
    print(f"  import total  {dry_seconds + apply_seconds:6.2f} s   (aim: apply under 5 s)")


if __name__ == "__main__":
    main()
