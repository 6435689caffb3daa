"""Assessment with the ledgers app: a rubric over a ledger's entities (its records), and the
indicator criterion fed by ``ledgers.selectors.indicator_attainments``."""

from __future__ import annotations

from decimal import Decimal

import pytest

from workplan.assessment import services
from workplan.assessment.models import Result
from workplan.core import clock
from workplan.core.errors import Invalid
from workplan.ledgers import services as ledgers
from workplan.ledgers.testing import make_site_ledger
from workplan.progress.testing import moment

pytestmark = pytest.mark.django_db


def _sites(actor, world):
    ledger = make_site_ledger(actor, world.org.root, [world.org.unit_a, world.org.unit_b])
    with clock.frozen(moment(2019, 3, 1)):
        return ledger, _records(actor, world, ledger)


def _records(actor, world, ledger):
    return [
        ledgers.record_create(
            actor=actor,
            ledger=ledger,
            unit=unit,
            values={"name": name, "staff": staff, "checked_on": "2019-03-01"},
        )
        for unit, name, staff in (
            (world.org.unit_a, "东岳庙", 6),
            (world.org.unit_a, "清真寺", 2),
            (world.org.unit_b, "天主堂", 0),
        )
    ]


def test_a_rubric_over_a_ledgers_entities(actor, world):
    ledger, (_temple, mosque, church) = _sites(actor, world)
    rubric = services.rubric_create(
        actor=world.planner,
        plan=world.rubric.plan,
        code="sites-2019",
        name="场所考核",
        granularity="year",
        subject="ledger",
        ledger=ledger.code,
    )
    with pytest.raises(Invalid, match="score units"):
        services.rubric_set_criteria(
            actor=world.planner,
            rubric=rubric,
            criteria=[{"code": "done", "name": "完成", "kind": "completion", "weight": 100}],
        )
    services.rubric_set_criteria(
        actor=world.planner,
        rubric=rubric,
        criteria=[
            {
                "code": "staff",
                "name": "教职人员配备",
                "kind": "field",
                "weight": 60,
                "params": {"field": "staff", "target": 4},
            },
            {"code": "quality", "name": "管理规范", "kind": "manual", "weight": 40},
            {"code": "awards", "name": "表彰", "kind": "bonus", "weight": 5},
        ],
    )
    quality, awards = rubric.criteria.get(code="quality"), rubric.criteria.get(code="awards")
    services.score_enter(
        actor=world.assessor, criterion=quality, period="2019", entity=mosque, points=30, reason="规范"
    )
    services.bonus_add(
        actor=world.assessor,
        criterion=awards,
        period="2019",
        entity=church,
        points=5,
        reason="市级表彰",
        evidence="文件",
    )
    with pytest.raises(Invalid, match="entities of the ledger"):
        services.score_enter(
            actor=world.assessor,
            criterion=quality,
            period="2019",
            unit=world.org.unit_a,
            points=1,
            reason="x",
        )
    with clock.frozen(moment(2020, 1, 5)):
        run = services.run_compute(actor=world.assessor, rubric=rubric, period="2019", publish=True)
    found = {r.subject_label: r for r in Result.objects.filter(run=run)}
    # 东岳庙: 60 × min(1, 6/4) = 60; 清真寺: 60 × 2/4 + 30 = 60; 天主堂: 0 + 5 = 5.
    assert {k: v.total for k, v in found.items()} == {
        "东岳庙": Decimal("60.00"),
        "清真寺": Decimal("60.00"),
        "天主堂": Decimal("5.00"),
    }
    assert found["东岳庙"].rank == found["清真寺"].rank == 1 and found["东岳庙"].tied
    assert found["天主堂"].rank == 3 and found["天主堂"].unit_id == world.org.unit_b.pk
    assert set(
        Result.objects.visible_to(world.reporter_b).filter(run=run).values_list("subject_label", flat=True)
    ) >= {"天主堂"}


def test_indicator_attainment_from_the_ledgers_roll_up(actor, world):
    ledger, _ = _sites(actor, world)
    ledgers.indicator_create(
        actor=actor,
        code="SITES-N",
        name="场所数",
        owner_unit=world.org.root,
        ledger=ledger,
        item=world.task1,
        measure="count",
        comparator=">=",
        target_value=2,
        date_field="checked_on",
    )
    criteria = [
        {"code": "completion", "name": "完成", "kind": "completion", "weight": 50},
        {"code": "targets", "name": "指标", "kind": "indicator", "weight": 50},
    ]
    services.rubric_set_criteria(actor=world.planner, rubric=world.rubric, criteria=criteria)
    with clock.frozen(moment(2019, 7, 5)):
        run = services.run_compute(actor=world.assessor, rubric=world.rubric, period="2019-H1")
    found = {r.unit.code: r for r in Result.objects.filter(run=run).select_related("unit")}
    # Target 2 sites shared by the 2 keeping units (1 each): A keeps 2 → 100 %, B keeps 1 → 100 %.
    assert found["A"].points["targets"] == "50.00" and found["B"].points["targets"] == "50.00"
    assert found["A"].detail["targets"]["sources"]["indicators"][0][0] == "SITES-N"
