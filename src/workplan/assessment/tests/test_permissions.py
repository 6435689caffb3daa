"""Who sees and changes what in assessment (the models are OTHER_MODELS in the matrix)."""

from __future__ import annotations

import pytest

from workplan.accounts.models import Role
from workplan.assessment import services
from workplan.assessment.models import Bonus, Criterion, ManualScore, Objection, Result, Rubric, Run
from workplan.assessment.testing import enter_judgement
from workplan.core import clock
from workplan.core.policy import Action
from workplan.core.testing import make_user
from workplan.progress.testing import moment

pytestmark = pytest.mark.django_db


def _visible(model, user, action=Action.VIEW):
    return set(model.objects.visible_to(user, action).values_list("pk", flat=True))


def test_rubrics_are_read_with_the_plan_and_defined_by_its_planners(world, personas):
    rubric = world.rubric
    assert rubric.pk in _visible(Rubric, world.planner, Action.EDIT)
    for reader in (world.assessor, personas.leader, world.reporter_a):
        assert rubric.pk in _visible(Rubric, reader)
        assert rubric.pk not in _visible(Rubric, reader, Action.EDIT)
    assert not _visible(Rubric, personas.outsider)
    assert set(rubric.criteria.values_list("pk", flat=True)) == _visible(Criterion, world.reporter_a)
    assert not _visible(Criterion, world.reporter_a, Action.EDIT)


def test_units_see_their_own_breakdown_until_publication_then_the_ranking(world, personas):
    enter_judgement(world)
    with clock.frozen(moment(2019, 7, 5)):
        run = services.run_compute(actor=world.assessor, rubric=world.rubric, period="2019-H1")
    mine = Result.objects.get(run=run, unit=world.org.unit_a)
    theirs = Result.objects.get(run=run, unit=world.org.unit_b)
    assert _visible(Result, world.reporter_a) == {mine.pk}
    assert _visible(Result, world.reporter_b) == {theirs.pk}
    assert _visible(Result, personas.leader) == {mine.pk, theirs.pk}
    assert run.pk in _visible(Run, world.reporter_a) and not _visible(Run, personas.outsider)
    assert _visible(Run, world.assessor, Action.EDIT) == {run.pk}
    assert not _visible(Run, world.planner, Action.EDIT)
    assert not _visible(Result, personas.outsider)
    a_score = ManualScore.objects.get(unit=world.org.unit_a)
    assert _visible(ManualScore, world.reporter_a) == {a_score.pk}
    assert not _visible(ManualScore, world.reporter_a, Action.EDIT)
    assert _visible(Bonus, world.reporter_b) == set()
    assert len(_visible(Bonus, world.reporter_a)) == 2
    with clock.frozen(moment(2019, 7, 5)):
        services.run_publish(actor=world.assessor, run=run)
    assert _visible(Result, world.reporter_a) == {mine.pk, theirs.pk}
    assert not _visible(Result, personas.outsider)


def test_objections_are_filed_by_the_unit_and_answered_by_assessors(world, actor, org):
    with clock.frozen(moment(2019, 7, 5)):
        run = services.run_compute(actor=world.assessor, rubric=world.rubric, period="2019-H1", publish=True)
        objection = services.objection_file(
            actor=world.reporter_a, result=run.results.get(unit=world.org.unit_a), reason="有异议"
        )
    assert _visible(Objection, world.reporter_a) == {objection.pk}
    assert not _visible(Objection, world.reporter_b)
    assert _visible(Objection, world.assessor, Action.EDIT) == {objection.pk}
    assert not _visible(Objection, world.reporter_a, Action.EDIT)
    leader_of_a = make_user(actor, "leader-a", role=Role.LEADER, unit=org.unit_a)
    assert _visible(Objection, leader_of_a) == {objection.pk}
