"""Generated permission matrix: every role × (own unit, sub-unit, other unit) × (view, edit)
for plans, items, assignments and progress reports, checked through querysets, ``can`` and
the services."""

from __future__ import annotations

import itertools

import pytest

from workplan import permissions
from workplan.accounts.models import Role
from workplan.core.errors import Forbidden
from workplan.core.testing import assignment_of, make_plan_with_task, make_user
from workplan.permissions import Action
from workplan.plans import services as plan_services
from workplan.plans.models import Assignment, Plan, PlanItem

RELATIONS = ("own", "sub", "other")
OBJECTS = ("plan", "item", "assignment", "report")

# The policy, stated once: which (object, action) each role has over its own unit's subtree.
# Admins have everything everywhere; nobody has anything over an unrelated unit.
POLICY: dict[str, set[tuple[str, str]]] = {
    Role.ADMIN: {(o, a) for o in OBJECTS for a in ("view", "edit")},
    # Planners review reports (a plan edit) but never write a unit's report for it.
    Role.PLANNER: {(o, a) for o in OBJECTS for a in ("view", "edit")} - {("report", "edit")},
    Role.REPORTER: {
        ("plan", "view"),
        ("item", "view"),
        ("item", "edit"),
        ("assignment", "view"),
        ("report", "view"),
        ("report", "edit"),
    },
    Role.LEADER: {("plan", "view"), ("item", "view"), ("assignment", "view"), ("report", "view")},
    Role.ASSESSOR: {("plan", "view"), ("item", "view"), ("assignment", "view"), ("report", "view")},
    Role.VIEWER: {("plan", "view"), ("item", "view"), ("assignment", "view"), ("report", "view")},
}


def expected(role: str, relation: str, obj: str, action: str) -> bool:
    if role == Role.ADMIN:
        return True
    return relation != "other" and (obj, action) in POLICY[role]


CASES = list(itertools.product(Role.values, RELATIONS, OBJECTS, ("view", "edit")))


@pytest.fixture
def world(actor, org):
    """One plan per relation: owned by, and with its task assigned to, that unit."""
    units = {"own": org.unit_a, "sub": org.unit_a1, "other": org.unit_b}
    tasks = {
        rel: make_plan_with_task(actor, owner=unit, assignee=unit, title=f"plan {rel}")
        for rel, unit in units.items()
    }
    return units, tasks


def _object(tasks, relation: str, obj: str):
    task = tasks[relation]
    if obj == "report":
        return _report_on(task)
    return {"plan": task.plan, "item": task, "assignment": assignment_of(task)}[obj]


def _report_on(task):
    """A submitted progress report of the task's unit, for its first period (dispatching first)."""
    from workplan.accounts.services import system_actor
    from workplan.progress import services as progress
    from workplan.progress.models import Period, Track

    actor = system_actor()
    progress.plan_dispatch(actor=actor, plan=task.plan)
    track = Track.objects.get(item=task)
    period = Period.objects.get(plan=task.plan, index=1)
    return progress.report_save(actor=actor, track=track, period=period, narrative="进展", percent=10)


@pytest.mark.parametrize(("role", "relation", "obj", "action"), CASES, ids=["-".join(c) for c in CASES])
def test_permission_matrix(actor, org, world, role, relation, obj, action):
    _, tasks = world
    user = make_user(actor, f"user-{role}", role=role, unit=org.unit_a)
    target = _object(tasks, relation, obj)
    model = type(target)
    in_queryset = model.objects.visible_to(user, Action(action)).filter(pk=target.pk).exists()
    want = expected(role, relation, obj, action)
    assert in_queryset is want
    assert permissions.can(user, Action(action), target) is want


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("relation", RELATIONS)
def test_plan_edit_service_follows_the_matrix(actor, org, world, role, relation):
    _, tasks = world
    user = make_user(actor, f"svc-{role}", role=role, unit=org.unit_a)
    plan = tasks[relation].plan
    if expected(role, relation, "plan", "edit"):
        plan_services.plan_update(actor=user, plan=plan, title="renamed")
        assert Plan.objects.get(pk=plan.pk).title == "renamed"
    else:
        with pytest.raises(Forbidden):
            plan_services.plan_update(actor=user, plan=plan, title="renamed")
        assert Plan.objects.get(pk=plan.pk).title != "renamed"


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("relation", RELATIONS)
def test_assignment_edit_service_follows_the_matrix(actor, org, world, role, relation):
    _, tasks = world
    user = make_user(actor, f"asg-{role}", role=role, unit=org.unit_a)
    assignment = assignment_of(tasks[relation])
    if expected(role, relation, "assignment", "edit"):
        plan_services.assignment_update(actor=user, assignment=assignment, role="responsible")
        assert Assignment.objects.get(pk=assignment.pk).role == "responsible"
    else:
        with pytest.raises(Forbidden):
            plan_services.assignment_update(actor=user, assignment=assignment, role="responsible")


def test_outsider_and_anonymous_see_nothing(actor, world, personas):
    from django.contrib.auth.models import AnonymousUser

    for user in (personas.outsider, AnonymousUser(), None):
        assert not Plan.objects.visible_to(user).exists()
        assert not PlanItem.objects.visible_to(user).exists()
        assert not Assignment.objects.visible_to(user).exists()


def test_inactive_user_loses_access(actor, org, world):
    user = make_user(actor, "gone", role=Role.PLANNER, unit=org.root)
    assert Plan.objects.visible_to(user).count() == 3
    user.is_active = False
    permissions.forget_scope(user)
    assert not Plan.objects.visible_to(user).exists()


def test_visible_lists_have_no_duplicates_with_many_assignments(actor, org, personas):
    task = make_plan_with_task(actor, owner=org.unit_b, assignee=org.unit_a)
    plan_services.assignment_create(actor=actor, item=task, unit=org.unit_a1, role="responsible")
    plans = list(Plan.objects.visible_to(personas.reporter_a))
    assert plans == [task.plan]
    assert list(PlanItem.objects.visible_to(personas.reporter_a)) == [task]


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("relation", RELATIONS)
def test_report_edit_service_follows_the_matrix(actor, org, world, role, relation):
    from workplan.progress import services as progress
    from workplan.progress.models import ProgressReport

    _, tasks = world
    user = make_user(actor, f"rep-{role}", role=role, unit=org.unit_a)
    report = _report_on(tasks[relation])
    save = {"track": report.track, "period": report.period, "narrative": "改过", "percent": 30}
    if expected(role, relation, "report", "edit"):
        progress.report_save(actor=user, **save)
        assert ProgressReport.objects.get(pk=report.pk).percent == 30
    else:
        with pytest.raises(Forbidden):
            progress.report_save(actor=user, **save)
        assert ProgressReport.objects.get(pk=report.pk).percent == 10
