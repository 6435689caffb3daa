"""A deterministic generator of a realistic organisation and plans, for benchmarks and load tests.

The same ``seed`` gives the same rows. Everything is bulk-inserted (with computed tree paths)
and audited in bulk, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction

from workplan.accounts.models import Membership, Role, Unit, UnitKind, User
from workplan.accounts.services import system_actor
from workplan.core import audit
from workplan.core.errors import Invalid
from workplan.core.tree import child_path, next_root_position
from workplan.plans.models import Assignment, AssignmentRole, Deadline, Plan, PlanItem, PlanStatus, Target

VERBS = ["加强", "推进", "深化", "完善", "健全", "落实", "提升", "规范", "强化", "创新"]
NOUNS = [
    "基层组织建设",
    "政务公开",
    "营商环境",
    "安全生产",
    "民生保障",
    "生态环境治理",
    "数字政府建设",
    "法治宣传教育",
    "人才队伍建设",
    "社区服务体系",
    "应急管理能力",
    "公共文化服务",
    "乡村振兴",
    "网格化管理",
]
PURPOSES = ["工作机制", "制度体系", "监督考核", "服务水平", "工作台账", "宣传引导"]
YEAR = 2025
SYNTH_PASSWORD = "synth-password"  # noqa: S105 - synthetic benchmark users only


@dataclass
class SynthSummary:
    units: int
    users: int
    plans: int
    items: int
    targets: int
    deadlines: int
    assignments: int
    periods_note: str

    def __str__(self) -> str:
        return (
            f"synth: {self.units} units, {self.users} users, {self.plans} plans, {self.items} items, "
            f"{self.targets} targets, {self.deadlines} deadlines, {self.assignments} assignments{self.periods_note}"
        )


def synthesise(
    *, units: int, items: int, periods: int = 0, plans: int = 1, seed: int = 1, group_size: int = 0
) -> SynthSummary:
    """Generate ``units`` units, users for each role, and ``plans`` plans holding ``items`` items.

    ``group_size`` > 1 gives the flat shape of the Redmine peer benchmark (bench/peer): groups of
    one top-level item and ``group_size - 1`` children, instead of parts → tasks → measures.
    """
    if units < 2 or items < 1 or plans < 1 or not 0 <= periods <= 12:
        raise Invalid("synth needs at least 2 units, 1 item and 1 plan, and 0 to 12 periods")
    if plans > items:
        raise Invalid("synth needs at least one item per plan")
    rng = random.Random(seed)  # noqa: S311 - deterministic test data, not security
    prefix = f"SYN{seed}"
    if Unit.objects.filter(code=f"{prefix}-ROOT").exists():
        raise Invalid(f"synthetic data for seed {seed} already exists: use another --seed")
    actor = system_actor()
    with transaction.atomic():
        unit_rows = _units(rng, prefix, units)
        user_count = _users(prefix, unit_rows)
        leaves = [u for u in unit_rows if u.depth > 1]
        totals = [0, 0, 0, 0]
        per_plan = [items // plans + (1 if i < items % plans else 0) for i in range(plans)]
        for index, count in enumerate(per_plan, start=1):
            plan = Plan.objects.create(
                title=f"{prefix} {YEAR}年度工作要点（{index}）",
                year=YEAR,
                owner_unit=unit_rows[0],
                status=PlanStatus.ACTIVE,
                language="zh",
            )
            audit.record(actor=actor, action="plan.created", target=plan, after=audit.snapshot(plan))
            for position, value in enumerate(_plan_items(rng, plan, count, leaves, actor, group_size)):
                totals[position] += value
    note = ""
    if periods:
        from workplan.progress.synth import synthesise_reports

        made = [
            synthesise_reports(plan, periods, rng)
            for plan in Plan.objects.filter(title__startswith=f"{prefix} ")
        ]
        note = f"; {sum(m.reports for m in made)} progress reports over {periods} periods"
    items_made, targets_made, deadlines_made, assignments_made = totals
    return SynthSummary(
        units=len(unit_rows),
        users=user_count,
        plans=plans,
        items=items_made,
        targets=targets_made,
        deadlines=deadlines_made,
        assignments=assignments_made,
        periods_note=note,
    )


def _units(rng: random.Random, prefix: str, count: int) -> list[Unit]:
    last_root = Unit.get_last_root_node()
    root_path = child_path("", next_root_position(last_root.path if last_root else None))
    root = Unit(
        code=f"{prefix}-ROOT", name=f"{prefix} 县人民政府", kind=UnitKind.DEPARTMENT, path=root_path, depth=1
    )
    sections = max(1, (count - 1) // 5)
    towns = max(1, (count - 1) // 5)
    villages = count - 1 - sections - towns
    rows: list[Unit] = [root]
    rows += [
        Unit(
            code=f"{prefix}-S{i}",
            name=f"{prefix} 第{i}科室",
            kind=UnitKind.SECTION,
            path=child_path(root_path, i),
            depth=2,
        )
        for i in range(1, sections + 1)
    ]
    town_rows = [
        Unit(
            code=f"{prefix}-T{i}",
            name=f"{prefix} 第{i}镇",
            kind=UnitKind.TOWN,
            path=child_path(root_path, sections + i),
            depth=2,
        )
        for i in range(1, towns + 1)
    ]
    rows.extend(town_rows)
    children: dict[str, int] = {}
    for i in range(1, max(0, villages) + 1):
        town = town_rows[rng.randrange(len(town_rows))]
        children[town.path] = children.get(town.path, 0) + 1
        rows.append(
            Unit(
                code=f"{prefix}-V{i}",
                name=f"{prefix} 第{i}村",
                kind=UnitKind.VILLAGE,
                path=child_path(town.path, children[town.path]),
                depth=3,
            )
        )
    for town in town_rows:
        town.numchild = children.get(town.path, 0)
    root.numchild = sections + towns
    return Unit.objects.bulk_create(rows, batch_size=500)  # type: ignore[no-any-return]


def _users(prefix: str, unit_rows: list[Unit]) -> int:
    password = make_password(SYNTH_PASSWORD)  # hashed once: hashing per user would dominate
    root = unit_rows[0]
    specs = [(f"{prefix.lower()}-{role}", role, root) for role in (Role.PLANNER, Role.LEADER, Role.ASSESSOR)]
    specs += [(f"{prefix.lower()}-reporter-{u.code.lower()}", Role.REPORTER, u) for u in unit_rows[1:]]
    users = User.objects.bulk_create(
        [User(username=name, password=password) for name, _, _ in specs], batch_size=500
    )
    Membership.objects.bulk_create(
        [
            Membership(user=user, unit=unit, role=role)
            for user, (_, role, unit) in zip(users, specs, strict=True)
        ],
        batch_size=500,
    )
    return len(users)


def _title(rng: random.Random) -> str:
    return f"{rng.choice(VERBS)}{rng.choice(NOUNS)}{rng.choice(PURPOSES)}"


def _groups(rng: random.Random, plan: Plan, count: int, size: int, first: int) -> list[PlanItem]:
    """Groups of one top-level item and ``size - 1`` children (the peer benchmark's shape)."""
    rows: list[PlanItem] = []
    for g in range((count + size - 1) // size):
        parent = PlanItem(
            plan=plan, path=child_path("", first + g), depth=1, number=str(g + 1), title=_title(rng)
        )
        rows.append(parent)
        for c in range(min(size, count - g * size) - 1):
            rows.append(
                PlanItem(
                    plan=plan,
                    path=child_path(parent.path, c + 1),
                    depth=2,
                    number=str(c + 1),
                    label=f"{c + 1}.",
                    title=_title(rng),
                    due_date=dt.date(YEAR, rng.randint(3, 12), 28),
                )
            )
            parent.numchild += 1
    return rows


def _plan_items(
    rng: random.Random, plan: Plan, count: int, units: list[Unit], actor: User, group_size: int = 0
) -> tuple[int, int, int, int]:
    """Parts → tasks → measures (or groups, see ``synthesise``), ``count`` items, with promises and owners."""
    last_root = PlanItem.get_last_root_node()
    first = next_root_position(last_root.path if last_root else None)
    if group_size > 1:
        return _promises_and_owners(rng, _groups(rng, plan, count, group_size, first), units, actor)
    parts = min(count, max(1, min(12, count // 100 or 1)))
    rows: list[PlanItem] = []
    part_rows = []
    for p in range(parts):
        part = PlanItem(
            plan=plan,
            path=child_path("", first + p),
            depth=1,
            number=str(p + 1),
            label=f"{'一二三四五六七八九十'[p % 10]}、",
            title=_title(rng),
        )
        part_rows.append(part)
        rows.append(part)
    remaining = count - parts
    tasks: list[PlanItem] = []
    task_counter = dict.fromkeys(range(parts), 0)
    while remaining > 0:
        p = len(tasks) % parts
        task_counter[p] += 1
        parent = part_rows[p]
        task = PlanItem(
            plan=plan,
            path=child_path(parent.path, task_counter[p]),
            depth=2,
            number=str(task_counter[p]),
            label=f"（{task_counter[p]}）",
            title=_title(rng),
            body=f"{_title(rng)}，{_title(rng)}。",
            weight=Decimal(rng.choice([1, 1, 2, 3])),
            due_date=dt.date(YEAR, rng.randint(3, 12), 28),
        )
        parent.numchild += 1
        tasks.append(task)
        rows.append(task)
        remaining -= 1
        for m in range(min(remaining, rng.choice([0, 1, 2, 3, 4]))):
            measure = PlanItem(
                plan=plan,
                path=child_path(task.path, m + 1),
                depth=3,
                number=str(m + 1),
                label=f"{m + 1}.",
                title=_title(rng),
                due_date=task.due_date,
            )
            task.numchild += 1
            rows.append(measure)
            remaining -= 1
    return _promises_and_owners(rng, rows, units, actor)


def _promises_and_owners(
    rng: random.Random, rows: list[PlanItem], units: list[Unit], actor: User
) -> tuple[int, int, int, int]:
    created = PlanItem.objects.bulk_create(rows, batch_size=1000)
    targets, deadlines, assignments = [], [], []
    for item in created:
        if item.depth == 1:
            continue
        roll = rng.random()
        if roll < 0.3:
            value = rng.choice([80, 90, 95, 100])
            targets.append(
                Target(
                    item=item,
                    text=f"覆盖率达到{value}%以上",
                    kind="percent",
                    comparator=">=",
                    value=value,
                    unit="%",
                )
            )
        elif roll < 0.45:
            targets.append(
                Target(
                    item=item,
                    text="每季度至少开展1次",
                    kind="frequency",
                    comparator=">=",
                    value=1,
                    unit="per quarter",
                )
            )
        if item.due_date:
            deadlines.append(Deadline(item=item, text=f"{item.due_date.month}月底前", date=item.due_date))
        # Every task and measure has one lead unit (so one reporting track each); tasks may
        # also have cooperating units, which do not report.
        owners = rng.sample(units, k=min(len(units), rng.choice([1, 2, 3]) if item.depth == 2 else 1))
        roles = [AssignmentRole.LEAD] + [AssignmentRole.COOPERATING] * (len(owners) - 1)
        assignments += [Assignment(item=item, unit=u, role=r) for u, r in zip(owners, roles, strict=True)]
    Target.objects.bulk_create(targets, batch_size=1000)
    Deadline.objects.bulk_create(deadlines, batch_size=1000)
    Assignment.objects.bulk_create(assignments, batch_size=1000)
    audit.record_many(actor=actor, action="item.created", targets=list(created))
    audit.record_many(actor=actor, action="assignment.created", targets=assignments)
    return len(created), len(targets), len(deadlines), len(assignments)
