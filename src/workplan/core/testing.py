"""Standing test data: a small organisation and one persona per role.

Used by the test suites of every app (see the root conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass

from workplan.accounts import services as accounts
from workplan.accounts.models import Role, Unit, User
from workplan.plans import services as plans
from workplan.plans.models import Assignment, Plan, PlanItem


@dataclass
class Organisation:
    """root → A → A1 (a sub-unit of A), and root → B, an unrelated unit."""

    root: Unit
    unit_a: Unit
    unit_a1: Unit
    unit_b: Unit


@dataclass
class Personas:
    admin: User
    planner: User
    reporter_a: User
    reporter_b: User
    leader: User
    outsider: User


def make_organisation(actor: User) -> Organisation:
    root = accounts.unit_create(actor=actor, code="ROOT", name="县人民政府")
    unit_a = accounts.unit_create(actor=actor, code="A", name="县民政局", parent=root, aliases=["民政局"])
    unit_a1 = accounts.unit_create(actor=actor, code="A1", name="社会救助股", parent=unit_a)
    unit_b = accounts.unit_create(actor=actor, code="B", name="县财政局", parent=root)
    return Organisation(root=root, unit_a=unit_a, unit_a1=unit_a1, unit_b=unit_b)


def make_user(actor: User, username: str, *, role: str | None = None, unit: Unit | None = None) -> User:
    user = accounts.user_create(actor=actor, username=username, password=None)
    if role is not None and unit is not None:
        accounts.membership_create(actor=actor, user=user, unit=unit, role=role)
    return user


def make_personas(actor: User, org: Organisation) -> Personas:
    return Personas(
        admin=make_user(actor, "admin", role=Role.ADMIN, unit=org.root),
        planner=make_user(actor, "planner", role=Role.PLANNER, unit=org.root),
        reporter_a=make_user(actor, "reporter-a", role=Role.REPORTER, unit=org.unit_a),
        reporter_b=make_user(actor, "reporter-b", role=Role.REPORTER, unit=org.unit_b),
        leader=make_user(actor, "leader", role=Role.LEADER, unit=org.root),
        outsider=make_user(actor, "outsider"),
    )


def make_plan_with_task(actor: User, *, owner: Unit, assignee: Unit, title: str = "年度工作要点") -> PlanItem:
    """A plan owned by ``owner`` with one part and one task assigned (lead) to ``assignee``."""
    plan: Plan = plans.plan_create(actor=actor, title=title, year=2019, owner_unit=owner)
    part = plans.item_create(actor=actor, plan=plan, title="加强基层组织建设", number="1", label="一、")
    task = plans.item_create(
        actor=actor, plan=plan, parent=part, title="完善工作机制", number="1", label="（一）"
    )
    plans.assignment_create(actor=actor, item=task, unit=assignee, role="lead")
    return task


def assignment_of(task: PlanItem) -> Assignment:
    return Assignment.objects.get(item=task)
