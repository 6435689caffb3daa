"""A small scored world for assessment tests and the browser test: known reports, warnings
and records, whose points are computed by hand in ``tests/test_scoring.py``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from workplan.accounts.models import Role, User
from workplan.assessment import services
from workplan.assessment.models import Criterion, Rubric
from workplan.core import clock
from workplan.core.testing import Organisation, make_user
from workplan.plans import services as plans
from workplan.plans.models import PlanItem
from workplan.progress import services as progress
from workplan.progress.models import Occurrence, Period, Track
from workplan.progress.testing import moment

CRITERIA: list[dict[str, Any]] = [
    {"code": "completion", "name": "Completion", "kind": "completion", "weight": 40},
    {
        "code": "timeliness",
        "name": "Timeliness",
        "kind": "timeliness",
        "weight": 30,
        "params": {"ack_days": 3},
    },
    {"code": "quality", "name": "Quality of information reporting", "kind": "manual", "weight": 20},
    {"code": "obligations", "name": "Recurring obligations", "kind": "obligations", "weight": 10},
    {
        "code": "deductions",
        "name": "Deductions",
        "kind": "deduction",
        "weight": 5,
        "params": {"blue": 0, "yellow": 1, "red": 2, "returned": 0.5},
    },
    {"code": "awards", "name": "Awards", "kind": "bonus", "weight": 3},
]


@dataclass
class World:
    org: Organisation
    planner: User
    assessor: User
    second_assessor: User
    reporter_a: User
    reporter_b: User
    rubric: Rubric
    task1: PlanItem
    task2: PlanItem
    task3: PlanItem

    def criterion(self, code: str) -> Criterion:
        return self.rubric.criteria.get(code=code)


def _report(actor: User, track: Track, index: int, day: dt.date, self_status: str = "on_track") -> Any:
    period = Period.objects.get(plan=track.item.plan, index=index)
    with clock.frozen(moment(day.year, day.month, day.day)):
        return progress.report_save(
            actor=actor,
            track=track,
            period=period,
            narrative=f"第{index}期进展",
            percent=10 * index,
            self_status=self_status,
        )


def build_world(actor: User, org: Organisation, *, one_actor: bool = False) -> World:
    """A 2019 plan owned by the root unit: task1 (weight 2) for A (lead) and B, task2
    (weight 1, due 31 May) for A, task3 (weight 1, due 31 March) for B; six monthly periods
    of reports as listed in ``tests/test_scoring.py``. ``one_actor``: ``actor`` makes every
    write (the audit test checks that each service names its actor)."""
    planner = make_user(actor, "w-planner", role=Role.PLANNER, unit=org.root)
    assessor = make_user(actor, "w-assessor", role=Role.ASSESSOR, unit=org.root)
    second = make_user(actor, "w-assessor2", role=Role.ASSESSOR, unit=org.root)
    rep_a = make_user(actor, "w-reporter-a", role=Role.REPORTER, unit=org.unit_a)
    rep_b = make_user(actor, "w-reporter-b", role=Role.REPORTER, unit=org.unit_b)
    people = (planner, assessor, second, rep_a, rep_b)
    if one_actor:
        planner, rep_a, rep_b = actor, actor, actor
    with clock.frozen(moment(2019, 1, 2)):
        plan = plans.plan_create(actor=planner, title="2019年工作要点", year=2019, owner_unit=org.root)
        part = plans.item_create(actor=planner, plan=plan, title="加强组织建设", number="1", label="一、")
        task1 = plans.item_create(
            actor=planner,
            plan=plan,
            parent=part,
            title="完善机制",
            number="1",
            weight=Decimal(2),
            due_date=dt.date(2019, 12, 31),
        )
        task2 = plans.item_create(
            actor=planner, plan=plan, parent=part, title="开展调研", number="2", due_date=dt.date(2019, 5, 31)
        )
        task3 = plans.item_create(
            actor=planner, plan=plan, parent=part, title="建立台账", number="3", due_date=dt.date(2019, 3, 31)
        )
        plans.assignment_create(actor=planner, item=task1, unit=org.unit_a, role="lead")
        plans.assignment_create(actor=planner, item=task1, unit=org.unit_b, role="responsible")
        plans.assignment_create(actor=planner, item=task2, unit=org.unit_a, role="lead")
        plans.assignment_create(actor=planner, item=task3, unit=org.unit_b, role="lead")
        plans.target_create(
            actor=planner, item=task1, text="每季度1次", kind="frequency", value=1, unit="per quarter"
        )
        progress.plan_dispatch(actor=planner, plan=plan)
        progress.obligation_generate(actor=planner, plan=plan)
    a1, a2 = Track.objects.get(item=task1, unit=org.unit_a), Track.objects.get(item=task2, unit=org.unit_a)
    b1, b3 = Track.objects.get(item=task1, unit=org.unit_b), Track.objects.get(item=task3, unit=org.unit_b)
    for track, day, who in ((a1, 3, rep_a), (a2, 10, rep_a), (b1, 4, rep_b), (b3, 4, rep_b)):
        with clock.frozen(moment(2019, 1, day)):
            progress.track_acknowledge(actor=who, track=track)
    # A: task1 reported on time every month; task2 on time thrice, late in April, completed.
    for index in range(1, 7):
        report = _report(rep_a, a1, index, dt.date(2019, index, 20))
        if index == 3:
            q1 = Occurrence.objects.get(item=task1, index=1)
            with clock.frozen(moment(2019, 3, 21)):
                progress.occurrence_mark_met(actor=planner, occurrence=q1, report=report)
    for index in range(1, 4):
        _report(rep_a, a2, index, dt.date(2019, index, 20))
    _report(rep_a, a2, 4, dt.date(2019, 4, 26))
    with clock.frozen(moment(2019, 4, 27)):
        progress.track_request_completion(actor=rep_a, track=Track.objects.get(pk=a2.pk))
    with clock.frozen(moment(2019, 4, 28)):
        progress.item_complete(actor=planner, item=task2)
    # B: task1 on time in Jan, Feb, May (returned on 28 May), June ("behind"); late in
    # March; nothing in April. task3: never reported, overdue from April (a red warning).
    _report(rep_b, b1, 1, dt.date(2019, 1, 20))
    _report(rep_b, b1, 2, dt.date(2019, 2, 20))
    _report(rep_b, b1, 3, dt.date(2019, 3, 27))
    may = _report(rep_b, b1, 5, dt.date(2019, 5, 20))
    with clock.frozen(moment(2019, 5, 28)):
        progress.report_return(actor=planner, report=may, reason="材料不全")
    _report(rep_b, b1, 6, dt.date(2019, 6, 20), self_status="behind")
    with clock.frozen(moment(2019, 4, 2)):
        progress.escalation_raise_due(actor=actor, today=dt.date(2019, 4, 2))
    # The deadline of task1 moved a month earlier on 1 March (31 days).
    with clock.frozen(moment(2019, 3, 1)):
        plans.item_update(
            actor=planner, item=PlanItem.objects.get(pk=task1.pk), due_date=dt.date(2019, 11, 30)
        )
    with clock.frozen(moment(2019, 1, 5)):
        rubric = services.rubric_create(
            actor=planner,
            plan=plan,
            code="w-2019-h1",
            name="2019上半年考核",
            granularity="half",
            bands=[{"name": "excellent", "top_percent": 50}],
        )
        services.rubric_set_criteria(actor=planner, rubric=rubric, criteria=CRITERIA)
    return World(org, *people, rubric, task1, task2, task3)


def enter_judgement(world: World) -> None:
    """Manual scores (A 18, B 15) and bonus points (A 2 + 2, capped at 3)."""
    quality, awards = world.criterion("quality"), world.criterion("awards")
    with clock.frozen(moment(2019, 7, 3)):
        services.score_enter(
            actor=world.assessor,
            criterion=quality,
            period="2019-H1",
            unit=world.org.unit_a,
            points=18,
            reason="报送信息质量高",
        )
        services.score_enter(
            actor=world.assessor,
            criterion=quality,
            period="2019-H1",
            unit=world.org.unit_b,
            points="15",
            reason="信息报送偶有延迟",
        )
        for n in (1, 2):
            services.bonus_add(
                actor=world.assessor,
                criterion=awards,
                period="2019-H1",
                unit=world.org.unit_a,
                points=2,
                reason=f"获市级表彰{n}",
                evidence=f"市委〔2019〕{n}号",
            )
