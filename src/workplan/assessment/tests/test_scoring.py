"""Each criterion's points on a small world computed by hand (see assessment/testing.py).

Window 2019-H1, as of 30 June. Monthly periods due 25 Jan, 25 Feb, 25 Mar, 25 Apr,
27 May (the 25th is a Saturday), 25 Jun.

* completion (40): A — task1 (w2) on track, task2 (w1) completed → 3/3 → 40.
  B — task1 (w2) last report "behind", task3 (w1) overdue → 0/3 → 0.
* timeliness (30, ack 3 days): A — reports due 6 (task1) + 4 (task2, closed 28 Apr) = 10,
  on time 6 + 3 = 9; acks 1 of 2 (task2 on 10 Jan) → 30 × 10/12 = 25.00.
  B — due 6 + 6 = 12, on time 4 (Jan, Feb, May, Jun); acks 2 of 2 → 30 × 6/14 = 12.86.
* quality (manual, 20): A 18, B 15.
* obligations (10): task1 quarterly, Q1 met, Q2 not → 1/2 for both → 5.
* deductions (cap 5): B — red warning on task3 (2) + one returned report (0.5) → −2.50.
* awards (cap 3): A — 2 + 2 capped → 3.
Totals: A 40 + 25 + 18 + 5 + 0 + 3 = 91.00; B 0 + 12.86 + 15 + 5 − 2.50 = 30.36.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from workplan.assessment import integrity, scoring, services
from workplan.assessment.models import Result, RunStatus
from workplan.assessment.periods import parse_period
from workplan.assessment.testing import enter_judgement
from workplan.core import clock
from workplan.core.errors import Forbidden, Invalid
from workplan.progress.testing import moment

pytestmark = pytest.mark.django_db

EXPECTED = {
    "A": {
        "completion": "40.00",
        "timeliness": "25.00",
        "quality": "18.00",
        "obligations": "5.00",
        "deductions": "0.00",
        "awards": "3.00",
    },
    "B": {
        "completion": "0.00",
        "timeliness": "12.86",
        "quality": "15.00",
        "obligations": "5.00",
        "deductions": "-2.50",
        "awards": "0.00",
    },
}


def _run(world, publish=False, at=(2019, 7, 5)):
    with clock.frozen(moment(*at)):
        return services.run_compute(
            actor=world.assessor, rubric=world.rubric, period="2019-H1", publish=publish
        )


def _by_code(run):
    return {r.unit.code: r for r in Result.objects.filter(run=run).select_related("unit")}


def test_each_criterion_matches_the_hand_computed_points(world):
    enter_judgement(world)
    results = _by_code(_run(world))
    for code, points in EXPECTED.items():
        got = {
            name: str(Decimal(value).quantize(Decimal("0.01")))
            for name, value in results[code].points.items()
        }
        assert got == points, code
    assert results["A"].total == Decimal("91.00")
    assert results["B"].total == Decimal("30.36")
    assert (results["A"].rank, results["B"].rank) == (1, 2)
    assert results["A"].band == "excellent" and results["B"].band == ""
    timeliness = results["B"].detail["timeliness"]["figures"]
    assert timeliness == {
        "reports_due": 12,
        "reports_on_time": 4,
        "acknowledgements_due": 2,
        "acknowledged_in_time": 2,
        "ack_days": 3,
    }
    deductions = results["B"].detail["deductions"]
    assert deductions["figures"]["red"] == 1 and deductions["figures"]["returned"] == 1
    assert [row[1] for row in deductions["sources"]["warnings"]] == [world.task3.pk]


def test_every_point_names_the_rows_behind_it(world):
    enter_judgement(world)
    results = _by_code(_run(world))
    items = results["A"].detail["completion"]["sources"]["items"]
    assert sorted(row[0] for row in items) == sorted([world.task1.pk, world.task2.pk])
    assert {row[2] for row in items} == {"done", "on_track"}
    reports = results["B"].detail["timeliness"]["sources"]["reports"]
    assert len(reports) == 5 and sum(row[2] for row in reports) == 4
    assert len(results["A"].detail["awards"]["sources"]["bonuses"]) == 2


def test_a_published_run_does_not_change_and_a_rerun_is_a_new_version(world):
    enter_judgement(world)
    first = _run(world, publish=True)
    assert first.status == RunStatus.PUBLISHED and first.number == 1
    with clock.frozen(moment(2019, 7, 6)):
        services.score_enter(
            actor=world.assessor,
            criterion=world.criterion("quality"),
            period="2019-H1",
            unit=world.org.unit_b,
            points=20,
            reason="复核后调整",
        )
    assert _by_code(first)["B"].total == Decimal("30.36")
    second = _run(world, at=(2019, 7, 7))
    assert second.number == 2 and _by_code(second)["B"].total == Decimal("35.36")
    with clock.frozen(moment(2019, 7, 7)):
        services.run_publish(actor=world.assessor, run=second)
    first.refresh_from_db()
    assert first.status == RunStatus.SUPERSEDED
    assert _by_code(first)["B"].total == Decimal("30.36")


def test_a_period_not_ended_is_a_draft_only(world):
    with clock.frozen(moment(2019, 6, 10)):
        run = services.run_compute(actor=world.assessor, rubric=world.rubric, period="2019-H1")
        assert run.provisional and run.as_of == dt.date(2019, 6, 10)
        with pytest.raises(Invalid, match=r"(has|had) not ended"):
            services.run_publish(actor=world.assessor, run=run)
        with pytest.raises(Invalid, match="has not ended"):
            services.run_compute(actor=world.assessor, rubric=world.rubric, period="2019-H1", publish=True)


def test_only_assessors_score(world):
    with clock.frozen(moment(2019, 7, 5)), pytest.raises(Forbidden):
        services.run_compute(actor=world.planner, rubric=world.rubric, period="2019-H1")
    with pytest.raises(Forbidden):
        services.score_enter(
            actor=world.reporter_a,
            criterion=world.criterion("quality"),
            period="2019-H1",
            unit=world.org.unit_a,
            points=20,
            reason="自评",
        )


def test_manual_scores_are_checked_and_reviewed_by_a_second_assessor(world):
    quality = world.criterion("quality")
    for points, reason in ((21, "太高"), (-1, "负分"), ("abc", "非数"), (5, "  "), (5.123, "三位小数")):
        with pytest.raises(Invalid):
            services.score_enter(
                actor=world.assessor,
                criterion=quality,
                period="2019-H1",
                unit=world.org.unit_a,
                points=points,
                reason=reason,
            )
    with pytest.raises(Invalid, match="scores the periods"):
        services.score_enter(
            actor=world.assessor,
            criterion=quality,
            period="2019-Q1",
            unit=world.org.unit_a,
            points=5,
            reason="期间不对",
        )
    score = services.score_enter(
        actor=world.assessor,
        criterion=quality,
        period="2019-H1",
        unit=world.org.unit_a,
        points=12,
        reason="一般",
    )
    with pytest.raises(Invalid, match="second assessor"):
        services.score_review(actor=world.assessor, score=score, confirm=True)
    with pytest.raises(Invalid):
        services.score_review(actor=world.second_assessor, score=score, confirm=False, note="")
    reviewed = services.score_review(actor=world.second_assessor, score=score, confirm=False, note="依据不足")
    assert reviewed.review_state == "rejected"
    assert _by_code(_run(world))["A"].points["quality"] == "0.00"


def test_bonus_needs_reason_evidence_and_stays_under_the_cap(world):
    awards = world.criterion("awards")
    for points, reason, evidence in ((4, "r", "e"), (0, "r", "e"), (1, "", "e"), (1, "r", "")):
        with pytest.raises(Invalid):
            services.bonus_add(
                actor=world.assessor,
                criterion=awards,
                period="2019-H1",
                unit=world.org.unit_a,
                points=points,
                reason=reason,
                evidence=evidence,
            )
    with pytest.raises(Invalid, match="not a manual"):
        services.score_enter(
            actor=world.assessor,
            criterion=awards,
            period="2019-H1",
            unit=world.org.unit_a,
            points=1,
            reason="r",
        )


def test_objection_within_the_window_and_its_answer(world):
    from workplan.assessment.models import ObjectionState

    run = _run(world, publish=True)
    result_a = _by_code(run)["A"]
    with clock.frozen(moment(2019, 7, 8)):
        with pytest.raises(Forbidden):
            services.objection_file(actor=world.reporter_b, result=result_a, reason="不服")
        with pytest.raises(Invalid):
            services.objection_file(actor=world.reporter_a, result=result_a, reason="   ")
        objection = services.objection_file(
            actor=world.reporter_a, result=result_a, reason="4月报告系节假日顺延"
        )
        with pytest.raises(Forbidden):
            services.objection_answer(actor=world.reporter_a, objection=objection, answer="自答")
        answered = services.objection_answer(
            actor=world.assessor, objection=objection, answer="经核实维持原分"
        )
    assert answered.state == ObjectionState.ANSWERED
    with clock.frozen(moment(2019, 7, 13)), pytest.raises(Invalid, match="closed on 2019-07-12"):
        services.objection_file(actor=world.reporter_a, result=result_a, reason="过期异议")


def test_commitment_integrity_counts_moves_late_reports_and_returns(world):
    window = scoring.Window(
        plan=world.rubric.plan, period=parse_period("2019-H1"), as_of=dt.date(2019, 6, 30)
    )
    found = integrity.integrity_by_unit(window)
    a, b = found[world.org.unit_a.pk], found[world.org.unit_b.pk]
    assert (a.tasks, a.reports_due, a.late_reports, a.returned, a.deadlines_moved, a.days_moved) == (
        2,
        10,
        1,
        0,
        1,
        31,
    )
    assert (b.tasks, b.reports_due, b.late_reports, b.returned, b.deadlines_moved, b.days_moved) == (
        2,
        12,
        8,
        1,
        1,
        31,
    )


def test_ranks_share_places_when_tied():
    values = [Decimal(v) for v in ("90", "80", "80", "70")]
    assert scoring.rank(values) == [(1, False), (2, True), (2, True), (4, False)]
    assert scoring.band_for(2, 4, [{"name": "top", "top_percent": 50}]) == "top"
    assert scoring.band_for(4, 4, [{"name": "top", "top_percent": 50}]) == ""
