"""Benchmark: a scoring run (assessment) over 2,000 units and 100,000 items.

Run: ``.venv/bin/python bench/bench_assessment.py`` (DATABASE_URL for PostgreSQL). Builds a
small organisation (200 units, 10,000 items) and a large one (2,000 units, 100,000 items),
each with six months of progress reports, a rubric of every computed kind plus manual
scores and bonus points for every unit, and prints the time and query count of the
scoring run (compute, rank, store every result with its sources) for each. Target: under
30 s on PostgreSQL, the same number of queries for both sizes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from django_env import setup_django

CRITERIA = [
    {"code": "completion", "name": "完成", "kind": "completion", "weight": 35},
    {"code": "timeliness", "name": "及时", "kind": "timeliness", "weight": 20, "params": {"ack_days": 3}},
    {"code": "obligations", "name": "经常性", "kind": "obligations", "weight": 10},
    {"code": "integrity", "name": "履诺", "kind": "integrity", "weight": 10},
    {"code": "indicators", "name": "指标", "kind": "indicator", "weight": 5},
    {"code": "quality", "name": "质量", "kind": "manual", "weight": 20},
    {
        "code": "deductions",
        "name": "扣分",
        "kind": "deduction",
        "weight": 5,
        "params": {"yellow": 1, "red": 2, "returned": 0.5},
    },
    {"code": "awards", "name": "加分", "kind": "bonus", "weight": 3},
]


def scenario(units: int, items: int, seed: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workplan.accounts.services import system_actor
    from workplan.assessment import services
    from workplan.assessment.models import Bonus, ManualScore, Result
    from workplan.plans.models import Plan
    from workplan.progress.models import Escalation, ProgressReport, Track
    from workplan.synth import synthesise

    started = time.perf_counter()
    synthesise(units=units, items=items, periods=6, seed=seed)
    built = time.perf_counter() - started
    plan = Plan.objects.get(title__startswith=f"SYN{seed} ")
    actor = system_actor()
    rubric = services.rubric_create(
        actor=actor, plan=plan, code=f"bench-{seed}", name="考核", bands=[{"name": "优秀", "top_percent": 20}]
    )
    services.rubric_set_criteria(actor=actor, rubric=rubric, criteria=CRITERIA)
    quality, awards = rubric.criteria.get(code="quality"), rubric.criteria.get(code="awards")
    unit_ids = list(Track.objects.filter(item__plan=plan).values_list("unit_id", flat=True).distinct())
    ManualScore.objects.bulk_create(
        ManualScore(
            criterion=quality,
            rubric=rubric,
            period="2025-H1",
            subject_key=f"unit:{u}",
            unit_id=u,
            points=10 + u % 10,
            reason="bench",
            entered_by=actor,
        )
        for u in unit_ids
    )
    Bonus.objects.bulk_create(
        Bonus(
            criterion=awards,
            rubric=rubric,
            period="2025-H1",
            subject_key=f"unit:{u}",
            unit_id=u,
            points=1,
            reason="bench",
            evidence="bench",
            entered_by=actor,
        )
        for u in unit_ids[::3]
    )
    import datetime as dt
    from zoneinfo import ZoneInfo

    raised = dt.datetime(2025, 5, 20, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    Escalation.objects.bulk_create(
        Escalation(
            track_id=t,
            item_id=i,
            unit_id=u,
            level="yellow" if t % 2 else "red",
            raised_at=raised,
            reason="bench",
            time_left_share=0.1,
        )
        for t, i, u in Track.objects.filter(item__plan=plan).values_list("id", "item_id", "unit_id")[::7]
    )
    tracks = Track.objects.filter(item__plan=plan).count()
    reports = ProgressReport.objects.filter(item__plan=plan).count()
    print(
        f"  {len(unit_ids)} units with work, {plan.items.count()} items, {tracks} tracks, {reports} reports, "
        f"{Escalation.objects.filter(item__plan=plan).count()} warnings (built in {built:.0f} s)"
    )
    for attempt in (1, 2):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            run = services.run_compute(actor=actor, rubric=rubric, period="2025-H1", publish=True)
        elapsed = time.perf_counter() - started
        results = Result.objects.filter(run=run).count()
        print(
            f"  run {attempt} (v{run.number}): {elapsed:6.2f} s, {len(queries)} queries, {results} results stored"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--small", action="store_true", help="only the small organisation")
    args = parser.parse_args()
    backend = setup_django()
    from django.conf import settings

    settings.DEBUG = False
    print(f"assessment scoring run, {backend}")
    print(" small organisation:")
    scenario(max(2, args.units // 10), max(1, args.items // 10), seed=51)
    if not args.small:
        print(" large organisation:")
        scenario(args.units, args.items, seed=52)


if __name__ == "__main__":
    main()
