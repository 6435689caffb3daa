"""Plan services: validation, tree operations, subtree reads, and transactional import."""

from __future__ import annotations

import datetime as dt

import pytest

from workplan.core.errors import Forbidden, Invalid
from workplan.core.testing import make_plan_with_task
from workplan.parsing.result import Deadline as ParsedDeadline
from workplan.parsing.result import ParsedItem, ParsedPlan, Span, UnitMention
from workplan.parsing.result import Target as ParsedTarget
from workplan.plans import selectors, services
from workplan.plans.importing import plan_import
from workplan.plans.models import Assignment, Plan, PlanItem


def test_item_needs_a_title_and_sane_dates(actor, org):
    task = make_plan_with_task(actor, owner=org.unit_a, assignee=org.unit_a)
    with pytest.raises(Invalid, match="title"):
        services.item_create(actor=actor, plan=task.plan, title="   ")
    with pytest.raises(Invalid, match="start date is after"):
        services.item_update(
            actor=actor, item=task, start_date=dt.date(2019, 9, 1), due_date=dt.date(2019, 6, 30)
        )
    with pytest.raises(Invalid, match="cannot be changed"):
        services.item_update(actor=actor, item=task, plan_id=99)


def test_parent_from_another_plan_is_refused(actor, org):
    first = make_plan_with_task(actor, owner=org.unit_a, assignee=org.unit_a)
    second = make_plan_with_task(actor, owner=org.unit_a, assignee=org.unit_a, title="另一个计划")
    with pytest.raises(Invalid, match="another plan"):
        services.item_create(actor=actor, plan=second.plan, parent=first, title="错位")


def test_move_keeps_the_subtree_and_refuses_cycles(actor, org):
    task = make_plan_with_task(actor, owner=org.unit_a, assignee=org.unit_a)
    measure = services.item_create(actor=actor, plan=task.plan, parent=task, title="具体措施")
    part2 = services.item_create(actor=actor, plan=task.plan, title="第二部分")
    with pytest.raises(Invalid, match="own subtree"):
        services.item_move(actor=actor, item=task, target=measure, position="last-child")
    services.item_move(actor=actor, item=task, target=part2, position="last-child")
    task.refresh_from_db()
    measure.refresh_from_db()
    assert task.get_parent() == part2
    assert measure.get_parent() == task


def test_subtree_and_plan_items_are_fixed_query_counts(actor, org, personas, django_assert_num_queries):
    task = make_plan_with_task(actor, owner=org.unit_a, assignee=org.unit_a)
    for n in range(5):
        services.item_create(actor=actor, plan=task.plan, parent=task, title=f"措施{n}")
    planner = personas.planner
    selectors.plan_items_for_user(user=planner, plan=task.plan).count()  # warm the scope cache
    with django_assert_num_queries(1):
        assert len(list(selectors.item_subtree(user=planner, item=task))) == 6
    with django_assert_num_queries(4):
        items = list(selectors.plan_items_for_user(user=planner, plan=task.plan))
        assert [i.assignments.all()[0].unit for i in items if i.pk == task.pk] == [org.unit_a]


def test_reporter_cannot_create_plans_or_items(actor, org, personas):
    task = make_plan_with_task(actor, owner=org.unit_a, assignee=org.unit_a)
    with pytest.raises(Forbidden):
        services.plan_create(actor=personas.reporter_a, title="x", year=2019, owner_unit=org.unit_a)
    with pytest.raises(Forbidden):
        services.item_create(actor=personas.reporter_a, plan=task.plan, title="x")


def _parsed() -> ParsedPlan:
    text = "一、加强组织领导\n（一）完善机制。6月底前完成，覆盖率达到80%以上。（县民政局、民政局、县财政局、未知局负责）"
    task = ParsedItem(
        number="1",
        label="（一）",
        level=2,
        title="完善机制。",
        text="6月底前完成，覆盖率达到80%以上。",
        targets=[
            ParsedTarget(
                text="80%以上", kind="percent", span=Span(30, 35), comparator=">=", value=80, unit="%"
            )
        ],
        deadlines=[ParsedDeadline(text="6月底前", span=Span(15, 19), date=dt.date(2019, 6, 30))],
        units=[
            UnitMention(text="县民政局", role="lead", span=Span(38, 42)),
            UnitMention(text="民政局", role="responsible", span=Span(43, 46)),
            UnitMention(text="县财政局", role="responsible", span=Span(47, 51)),
            UnitMention(text="未知局", role="responsible", span=Span(52, 55)),
        ],
    )
    part = ParsedItem(number="1", label="一、", level=1, title="加强组织领导", children=[task])
    return ParsedPlan(text=text, language="zh", items=[part], title="2019年工作要点", year=2019)


def test_import_stores_tree_promises_and_matched_units(actor, org):
    result = plan_import(
        actor=actor, parsed=_parsed(), owner_unit=org.root, source_name="p.txt", source_bytes=b"x"
    )
    assert (result.items, result.targets, result.deadlines, result.assignments) == (2, 1, 1, 2)
    assert result.unmatched_units == ["未知局"]
    task = PlanItem.objects.get(plan=result.plan, depth=2)
    assert task.due_date == dt.date(2019, 6, 30)
    # "民政局" is an alias of the lead unit: matched, but not assigned twice.
    assert sorted(Assignment.objects.filter(item=task).values_list("unit__code", "role")) == [
        ("A", "lead"),
        ("B", "responsible"),
    ]
    assert result.plan.source_sha256 == "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"


def test_import_is_all_or_nothing(actor, org, monkeypatch):
    import workplan.plans.importing as importing

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "_targets", explode)
    plans_before, items_before = Plan.objects.count(), PlanItem.objects.count()
    with pytest.raises(RuntimeError):
        plan_import(actor=actor, parsed=_parsed(), owner_unit=org.root)
    assert (Plan.objects.count(), PlanItem.objects.count()) == (plans_before, items_before)


def test_import_refuses_an_empty_parse_and_a_missing_year(actor, org):
    empty = ParsedPlan(text="", language="zh")
    with pytest.raises(Invalid, match="no numbered items"):
        plan_import(actor=actor, parsed=empty, owner_unit=org.root)
    no_year = _parsed()
    no_year.year = None
    with pytest.raises(Invalid, match="year"):
        plan_import(actor=actor, parsed=no_year, owner_unit=org.root)
