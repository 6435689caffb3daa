"""The demo's assessment: a rubric for the seed plan's units for the first half of 2019
(``ufwd-2019-h1``), two manual scores, bonus points, a published run and one objection."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from workplan.accounts.models import Unit, User
from workplan.assessment import services
from workplan.assessment.models import Result, Rubric
from workplan.plans.models import Plan

CODE = "ufwd-2019-h1"
PERIOD = "2019-H1"
CRITERIA: list[dict[str, Any]] = [
    {"code": "completion", "name": "任务完成 Completion", "kind": "completion", "weight": 40},
    {
        "code": "timeliness",
        "name": "按时报送 Timeliness",
        "kind": "timeliness",
        "weight": 25,
        "params": {"ack_days": 3},
    },
    {"code": "obligations", "name": "经常性工作 Recurring work", "kind": "obligations", "weight": 15},
    {
        "code": "quality",
        "name": "信息报送质量 Quality of information reporting",
        "kind": "manual",
        "weight": 20,
    },
    {
        "code": "deductions",
        "name": "督办扣分 Deductions",
        "kind": "deduction",
        "weight": 5,
        "params": {"blue": 0, "yellow": 1, "red": 2, "returned": 0.5},
    },
    {"code": "awards", "name": "表彰加分 Awards", "kind": "bonus", "weight": 3},
]
# (unit code, points, reason) for the manual criterion.
MANUAL = [
    ("UFWD-PARTY", 18, "信息报送及时、内容翔实 Timely, detailed information reports"),
    ("TOWN-CG", 15, "信息报送偶有遗漏 Some information reports incomplete"),
]


@transaction.atomic
def demo_assessment(plan: Plan) -> str:
    """Set up the demo rubric once (safe to run again); returns a line for the console."""
    if Rubric.objects.filter(code=CODE).exists():
        return f"Assessment rubric {CODE} already set up."
    planner = User.objects.get(username="planner")
    assessor = User.objects.get(username="assessor")
    rubric = services.rubric_create(
        actor=planner,
        plan=plan,
        code=CODE,
        name="2019年上半年目标管理考核 Assessment of units, first half of 2019",
        granularity="half",
        bands=[{"name": "优秀 excellent", "top_percent": 20}, {"name": "良好 good", "top_percent": 60}],
        objection_days=30,
    )
    services.rubric_set_criteria(actor=planner, rubric=rubric, criteria=CRITERIA)
    quality, awards = rubric.criteria.get(code="quality"), rubric.criteria.get(code="awards")
    for code, points, reason in MANUAL:
        services.score_enter(
            actor=assessor,
            criterion=quality,
            period=PERIOD,
            unit=Unit.objects.get(code=code),
            points=points,
            reason=reason,
        )
    services.bonus_add(
        actor=assessor,
        criterion=awards,
        period=PERIOD,
        unit=Unit.objects.get(code="UFWD-PARTY"),
        points=2,
        reason="获全市统战信息工作先进集体 City commendation for united-front information work",
        evidence="市委统战部〔2019〕12号 City UFWD notice no. 12 (2019)",
    )
    run = services.run_compute(actor=assessor, rubric=rubric, period=PERIOD, publish=True)
    objector = _objector(run)
    if objector is not None:
        user, result = objector
        services.objection_file(
            actor=user,
            result=result,
            reason="4月份报告因系统故障延迟，请核减扣分 The April report was late because of a system outage",
        )
    return f"Assessment rubric {CODE}: published ranking of {run.results.count()} units (run #{run.pk})."


def _objector(run: Any) -> tuple[User, Result] | None:
    """The Chengguan Town reporter objects to its result (or the Party Affairs reporter)."""
    for username, code in (("reporter-town", "TOWN-CG"), ("reporter-party", "UFWD-PARTY")):
        result = run.results.filter(unit__code=code).first()
        user = User.objects.filter(username=username).first()
        if result is not None and user is not None:
            return user, result
    return None
