"""Test data for the public pages (used by publishing/tests and the browser test).

The world's report on the published task has two evidence files: ``名单.txt`` stays internal,
``PUBLIC_FILE_NAME`` is marked public."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from workplan.accounts.models import Role, User
from workplan.core import clock
from workplan.core.testing import Organisation, make_plan_with_task, make_user
from workplan.ledgers.services import indicator_create, indicator_value_set
from workplan.plans import services as plans
from workplan.plans.models import Plan, PlanItem
from workplan.progress import services as progress
from workplan.progress.models import Evidence, ProgressReport, Track
from workplan.progress.testing import moment
from workplan.publishing import services

PUBLIC_NARRATIVE = "已完成全县社会救助对象核查，公开叙述"
PRIVATE_NARRATIVE = "内部叙述：尚待财政资金到位"
HIDDEN_PART_TITLE = "未公开部分的内部事项"
UNPUBLISHED_TITLE = "从未公开的计划"
WITHDRAWN_TITLE = "已撤销公开的计划"
PEOPLE = ("张三丰", "李四光", "planner-pub", "reporter-pub")
PUBLIC_FILE_NAME = "核查结果公示.txt"
PUBLIC_FILE_BYTES = "全县社会救助对象核查结果：合格 1203 户。\n".encode()


@dataclass
class PublicWorld:
    plan: Plan
    part: PlanItem
    task: PlanItem
    secret_part: PlanItem
    secret_task: PlanItem
    public_report: ProgressReport
    private_report: ProgressReport
    evidence: Evidence
    public_evidence: Evidence
    unpublished: Plan
    withdrawn: Plan
    planner: User
    reporter: User


def _named(actor: Any, username: str, role: str, unit: Any, first: str, last: str) -> User:
    user = make_user(actor, username, role=role, unit=unit)
    User.objects.filter(pk=user.pk).update(first_name=first, last_name=last)
    user.refresh_from_db()
    return user


def public_world(actor: Any, org: Organisation) -> PublicWorld:
    planner = _named(actor, "planner-pub", Role.PLANNER, org.root, "三丰", "张")
    reporter = _named(actor, "reporter-pub", Role.REPORTER, org.unit_a, "四光", "李")
    with clock.frozen(moment(2019, 1, 2)):
        task = make_plan_with_task(actor, owner=org.root, assignee=org.unit_a, title="2019年公开计划")
        plan = task.plan
        plans.item_update(actor=actor, item=task, due_date=dt.date(2019, 12, 31))
        secret_part = plans.item_create(
            actor=actor, plan=plan, title=HIDDEN_PART_TITLE, number="2", label="二、"
        )
        secret_task = plans.item_create(
            actor=actor, plan=plan, parent=secret_part, title="保密任务甲", number="1", label="（一）"
        )
        plans.assignment_create(actor=actor, item=secret_task, unit=org.unit_b, role="lead")
        target = plans.target_create(
            actor=actor, item=task, text="救助对象核查覆盖率达到95%", kind="percent", value=95, unit="%"
        )
        progress.plan_dispatch(actor=actor, plan=plan)
    track = Track.objects.get(item=task, unit=org.unit_a)
    periods = {p.index: p for p in plan.periods.all()}
    with clock.frozen(moment(2019, 1, 20)):
        first = progress.report_save(
            actor=reporter,
            track=track,
            period=periods[1],
            narrative=PUBLIC_NARRATIVE,
            percent=30,
            submit=True,
        )
        evidence = progress.evidence_add(
            actor=reporter, report=first, filename="名单.txt", data=b"internal list"
        )
        public_evidence = progress.evidence_add(
            actor=reporter, report=first, filename=PUBLIC_FILE_NAME, data=PUBLIC_FILE_BYTES
        )
        first = progress.report_accept(actor=planner, report=first)
    with clock.frozen(moment(2019, 2, 20)):
        second = progress.report_save(
            actor=reporter,
            track=track,
            period=periods[2],
            narrative=PRIVATE_NARRATIVE,
            percent=45,
            submit=True,
        )
        second = progress.report_accept(actor=planner, report=second)
    indicator = indicator_create(
        actor=actor,
        code="PUB-COVER",
        name="核查覆盖率",
        owner_unit=org.root,
        item=task,
        target=target,
        measure="manual",
        measure_unit="%",
    )
    indicator_value_set(actor=actor, indicator=indicator, as_of=dt.date(2019, 2, 28), value=87.5)
    part = task.get_parent()
    services.publication_publish(actor=planner, plan=plan, part_ids=[part.pk])
    services.narrative_publish(actor=planner, report=first)
    services.evidence_publish(actor=planner, evidence=public_evidence)
    unpublished = make_plan_with_task(
        actor, owner=org.root, assignee=org.unit_a, title=UNPUBLISHED_TITLE
    ).plan
    withdrawn = make_plan_with_task(actor, owner=org.root, assignee=org.unit_a, title=WITHDRAWN_TITLE).plan
    services.publication_publish(actor=planner, plan=withdrawn)
    services.publication_unpublish(actor=planner, plan=withdrawn)
    return PublicWorld(
        plan=plan,
        part=part,
        task=task,
        secret_part=secret_part,
        secret_task=secret_task,
        public_report=first,
        private_report=second,
        evidence=evidence,
        public_evidence=public_evidence,
        unpublished=unpublished,
        withdrawn=withdrawn,
        planner=planner,
        reporter=reporter,
    )
