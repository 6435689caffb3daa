"""The demo site: an organisation, one user per role, and the seed plan, set up idempotently."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from importlib import resources

from django.db import transaction

from workplan.accounts import services as accounts
from workplan.accounts.models import Role, Unit, UnitKind, User
from workplan.assessment.demo import demo_assessment
from workplan.core import clock
from workplan.parsing import ParseError, parse_text
from workplan.plans import services as plans
from workplan.plans.importing import plan_import
from workplan.plans.models import AssignmentRole, Plan, PlanItem
from workplan.progress.synth import synthesise_reports

SEED_NAME = "united-front-2019-work-plan.txt"
DEPARTMENT = ("UFWD", "Municipal Party Committee United Front Work Department", "统战部", UnitKind.DEPARTMENT)
# One section per part of the seed plan, in the order of its parts.
SECTIONS = [
    ("UFWD-PARTY", "Party Affairs Section", "党派工作科"),
    ("UFWD-ETHREL", "Ethnic and Religious Affairs Section", "民族宗教科"),
    ("UFWD-ECON", "Non-public Economy Section", "经济科"),
    ("UFWD-HMT", "Hong Kong, Macao, Taiwan and Overseas Chinese Section", "港澳台侨科"),
    ("UFWD-PUB", "Publicity and Grassroots Section", "宣传信息科"),
]
TOWNS = [
    ("TOWN-CG", "Chengguan Town", "城关镇", ["Dongjie Village", "Xijie Village"]),
    ("TOWN-XH", "Xinhe Town", "新河镇", ["Hexi Village"]),
    ("TOWN-DS", "Dongshan Town", "东山镇", ["Shanqian Village"]),
]
USERS = [
    ("admin", "Administrator", Role.ADMIN, "UFWD"),
    ("planner", "Planning Office", Role.PLANNER, "UFWD"),
    ("leader", "Department Leader", Role.LEADER, "UFWD"),
    ("assessor", "Assessment Office", Role.ASSESSOR, "UFWD"),
    ("viewer", "Viewer", Role.VIEWER, "UFWD"),
    ("reporter-party", "Party Affairs reporter", Role.REPORTER, "UFWD-PARTY"),
    ("reporter-religion", "Ethnic and Religious Affairs reporter", Role.REPORTER, "UFWD-ETHREL"),
    ("reporter-town", "Chengguan Town reporter", Role.REPORTER, "TOWN-CG"),
]


@dataclass
class DemoReport:
    """What the demo set-up did, for the console."""

    credentials: list[tuple[str, str, str]] = field(default_factory=list)
    plan: Plan | None = None
    plan_created: bool = False
    message: str = ""

    def describe(self) -> str:
        lines = ["Demo users (username / password / role):"]
        lines += [f"  {u:<18} {p:<28} {r}" for u, p, r in self.credentials]
        if self.plan is not None:
            items = PlanItem.objects.filter(plan=self.plan)
            state = "loaded" if self.plan_created else "already loaded"
            lines.append(
                f"Seed plan {state}: #{self.plan.pk} {self.plan.title} "
                f"({items.filter(depth=1).count()} parts, {items.filter(depth=2).count()} tasks)"
            )
            lines.append(f"Public page (no sign-in): /public/plans/{self.plan.pk}/")
        if self.message:
            lines.append(self.message)
        return "\n".join(lines)


def demo_password(username: str) -> str:
    return f"{username}-demo-2019"


@transaction.atomic
def _organisation(actor: User) -> None:
    if Unit.objects.filter(code=DEPARTMENT[0]).exists():
        return
    code, name, alias, kind = DEPARTMENT
    department = accounts.unit_create(actor=actor, code=code, name=name, aliases=[alias], kind=kind)
    for code, name, alias in SECTIONS:
        accounts.unit_create(
            actor=actor, code=code, name=name, parent=department, aliases=[alias], kind=UnitKind.SECTION
        )
    accounts.unit_create(
        actor=actor,
        code="UFWD-COLLEGE",
        name="Municipal Socialist College",
        parent=department,
        aliases=["市社会主义学院"],
        kind=UnitKind.BODY,
    )
    for code, name, alias, villages in TOWNS:
        town = accounts.unit_create(
            actor=actor, code=code, name=name, parent=department, aliases=[alias], kind=UnitKind.TOWN
        )
        for index, village in enumerate(villages, start=1):
            accounts.unit_create(
                actor=actor, code=f"{code}-V{index}", name=village, parent=town, kind=UnitKind.VILLAGE
            )


@transaction.atomic
def _users(actor: User) -> list[tuple[str, str, str]]:
    credentials = []
    for username, full_name, role, unit_code in USERS:
        password = demo_password(username)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = accounts.user_create(
                actor=actor,
                username=username,
                password=password,
                full_name=full_name,
                is_staff=(role == Role.ADMIN),
                is_superuser=(role == Role.ADMIN),
            )
        accounts.membership_create(actor=actor, user=user, unit=Unit.objects.get(code=unit_code), role=role)
        credentials.append((username, password, str(role.label)))
    return credentials


def _assign_seed_plan(actor: User, plan: Plan) -> None:
    """Give each part's tasks to the section for that part; towns share grassroots tasks."""
    sections = [Unit.objects.get(code=code) for code, _, _ in SECTIONS]
    towns = [Unit.objects.get(code=code) for code, *_ in TOWNS]
    parts = list(PlanItem.objects.filter(plan=plan, depth=1).order_by("path"))
    for part, section in zip(parts, sections, strict=False):
        for task in PlanItem.objects.filter(plan=plan, path__startswith=part.path, depth=2):
            if not task.assignments.exists():
                plans.assignment_create(actor=actor, item=task, unit=section, role=AssignmentRole.LEAD)
                if any(
                    word in (task.title + task.body).lower() for word in ("town", "grassroots", "village")
                ):
                    for town in towns:
                        plans.assignment_create(
                            actor=actor, item=task, unit=town, role=AssignmentRole.RESPONSIBLE
                        )


def demo_setup() -> DemoReport:
    """Create (once) the demo organisation, users and seed plan; safe to run again."""
    actor = accounts.system_actor()
    _organisation(actor)
    report = DemoReport(credentials=_users(actor))
    department = Unit.objects.get(code=DEPARTMENT[0])
    existing = Plan.objects.filter(owner_unit=department, source_name=SEED_NAME).first()
    if existing is not None:
        report.plan = existing
        _ledgers(actor, existing)
        report.message = demo_assessment(existing)
        _publish(actor, existing)
        return report
    text = resources.files("workplan.demo_data").joinpath(SEED_NAME).read_text(encoding="utf-8")
    try:
        parsed = parse_text(text, year=2019)
    except ParseError as error:
        report.message = f"The seed plan was not loaded: {error}"
        return report
    # Loaded on 2 January of the plan's year, like the reports that follow: the plan's
    # history (as of any past day) then begins before its first report.
    with transaction.atomic(), clock.frozen(dt.datetime(2019, 1, 2, 8, tzinfo=dt.UTC)):
        result = plan_import(
            actor=actor,
            parsed=parsed,
            owner_unit=department,
            source_name=SEED_NAME,
            source_bytes=text.encode("utf-8"),
            year=2019,
        )
        _assign_seed_plan(actor, result.plan)
    # Half a year of progress reports (dispatched, reported, mostly accepted), so every
    # screen has something to show.
    synthesise_reports(result.plan, 6, random.Random(2019))  # noqa: S311 - demo data
    report.plan, report.plan_created = result.plan, True
    _ledgers(actor, result.plan)
    report.message = demo_assessment(result.plan)
    _publish(actor, result.plan)
    return report


def _publish(actor: User, plan: Plan) -> None:
    """The seed plan's public page (/public/plans/<id>/), once."""
    from workplan.publishing.demo import demo_publish

    with transaction.atomic():
        demo_publish(actor, plan)


def _ledgers(actor: User, plan: Plan) -> None:
    """The demo's ledgers, records and the indicators of the seed's quantified targets (once)."""
    from workplan.ledgers.demo import seed_ledgers

    with transaction.atomic():
        seed_ledgers(actor, plan)
