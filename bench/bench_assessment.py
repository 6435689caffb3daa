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

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

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


def build(units: int, items: int, seed: int) -> Any:
    """The organisation and plan of ``workplan synth``, dispatched on 2 January, with six
    monthly periods of reports (some late, some missing, 4 % returned, the rest accepted),
    and a warning on every seventh task — bulk-inserted (benchmark data, not a service)."""
    import random

    from workplan.accounts.services import system_actor
    from workplan.plans.models import Assignment, Plan
    from workplan.progress import services as progress
    from workplan.progress.models import Escalation, EventKind, ItemEvent, Period, ProgressReport, Track
    from workplan.synth import synthesise

    rng = random.Random(seed)
    synthesise(units=units, items=items, periods=0, seed=seed)
    plan = Plan.objects.get(title__startswith=f"SYN{seed} ")
    progress.calendar_ensure(actor=system_actor(), plan=plan)
    periods = list(Period.objects.filter(plan=plan).order_by("index")[:6])
    zone = ZoneInfo("Asia/Shanghai")

    def at(day: dt.date, hour: int = 10) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, hour, tzinfo=zone)

    assigned = at(dt.date(plan.year, 1, 2), 9)
    tracks = Track.objects.bulk_create(
        [
            Track(
                item_id=item_id,
                unit_id=unit_id,
                assignment_id=pk,
                role=role,
                state="in_progress",
                assigned_at=assigned,
                acknowledged_at=assigned + dt.timedelta(days=rng.choice((1, 1, 2, 5))),
            )
            for pk, item_id, unit_id, role in Assignment.objects.filter(
                item__plan=plan, role__in=["lead", "responsible"]
            ).values_list("id", "item_id", "unit_id", "role")
        ],
        batch_size=5000,
    )
    reports = []
    for track in tracks:
        for period in periods:
            if rng.random() < 0.05:
                continue  # missing
            status = (
                "returned" if rng.random() < 0.04 else ("submitted" if period is periods[-1] else "accepted")
            )
            reports.append(
                ProgressReport(
                    track_id=track.pk,
                    period_id=period.pk,
                    item_id=track.item_id,
                    unit_id=track.unit_id,
                    narrative="进展",
                    percent=min(100, period.index * 15),
                    status=status,
                    self_status=rng.choice(("on_track", "on_track", "on_track", "at_risk", "behind")),
                    submitted_at=at(period.due_date + dt.timedelta(days=rng.randint(-6, 2))),
                )
            )
    reports = ProgressReport.objects.bulk_create(reports, batch_size=5000)
    ItemEvent.objects.bulk_create(
        [
            ItemEvent(
                item_id=r.item_id,
                kind=EventKind.RETURNED,
                at=r.submitted_at + dt.timedelta(days=2),
                actor_repr="bench",
                unit_id=r.unit_id,
                track_id=r.track_id,
                report_id=r.pk,
            )
            for r in reports
            if r.status == "returned"
        ],
        batch_size=5000,
    )
    Escalation.objects.bulk_create(
        [
            Escalation(
                track_id=t.pk,
                item_id=t.item_id,
                unit_id=t.unit_id,
                level="yellow" if t.pk % 2 else "red",
                raised_at=at(dt.date(plan.year, 5, 20)),
                reason="bench",
                time_left_share=0.1,
            )
            for t in tracks[::7]
        ],
        batch_size=5000,
    )
    return plan


def scenario(units: int, items: int, seed: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workplan.accounts.services import system_actor
    from workplan.assessment import services
    from workplan.assessment.models import Bonus, ManualScore, Result
    from workplan.progress.models import Escalation, ProgressReport, Track

    started = time.perf_counter()
    plan = build(units, items, seed)
    built = time.perf_counter() - started
    actor = system_actor()
    period = f"{plan.year}-H1"
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
            period=period,
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
            period=period,
            subject_key=f"unit:{u}",
            unit_id=u,
            points=1,
            reason="bench",
            evidence="bench",
            entered_by=actor,
        )
        for u in unit_ids[::3]
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
            run = services.run_compute(actor=actor, rubric=rubric, period=period, publish=True)
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
