"""Every write service leaves an audit row naming its actor, in the same transaction."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect

import pytest
from django.db import transaction
from tests.audit_call_tables import (
    _api_calls,
    _assessment_calls,
    _channel_calls,
    _ledger_calls,
    _operations_calls,
    _report_calls,
    _security_calls,
    _task_calls,
)

from workplan.accounts import services as accounts
from workplan.core import audit
from workplan.core.models import AuditEntry
from workplan.core.testing import make_plan_with_task, make_user
from workplan.plans import services as plans

# Modules of write services that are not named ``services``; every ``services`` module or
# package of every app is found by itself (``_service_modules``), so a new app's writes
# cannot be missed.
EXTRA_SERVICE_MODULES = [
    "workplan.plans.importing",
    "workplan.plans.revisions",
    "workplan.plans.breakdown.changes",
    "workplan.plans.drafts",
    "workplan.plans.draft_review",
]
NOT_WRITES = {
    "system_actor",
    "require_planner_of",
    "revision_diff",
    "parse_cell_date",
    "draft_get_for_user",
    "review_doubts",
    "reason_labels",
}
DRAFT_TEXT = "2019年要点\n一、加强组织领导\n（一）完善机制。6月底前完成。（县民政局、县财政局负责）\n第二段。\n（二）压实责任。".encode()


def _call_table(actor, org):
    """(service name, zero-argument call) for every write service."""
    task = make_plan_with_task(actor, owner=org.unit_a, assignee=org.unit_a)
    plan = task.plan
    user = make_user(actor, "someone")
    extra_unit = accounts.unit_create(actor=actor, code="X", name="临时单位", parent=org.root)

    def membership_then_delete():
        membership = accounts.membership_create(actor=actor, user=user, unit=org.unit_b, role="viewer")
        accounts.membership_delete(actor=actor, membership=membership)

    def target_roundtrip():
        target = plans.target_create(actor=actor, item=task, text="80%以上", kind="percent", value=80)
        plans.target_update(actor=actor, target=target, value=85)
        plans.target_delete(actor=actor, target=target)

    def deadline_roundtrip():
        deadline = plans.deadline_create(actor=actor, item=task, text="6月底前", date=dt.date(2019, 6, 30))
        plans.deadline_update(actor=actor, deadline=deadline, date=dt.date(2019, 7, 31))
        plans.deadline_delete(actor=actor, deadline=deadline)

    def import_parsed():
        from workplan.parsing.result import ParsedItem, ParsedPlan, Span
        from workplan.plans.importing import plan_import

        parsed = ParsedPlan(
            text="一、总体要求",
            language="zh",
            items=[ParsedItem(number="1", label="一、", level=1, title="总体要求", title_span=Span(2, 6))],
            title="测试计划",
            year=2019,
        )
        plan_import(actor=actor, parsed=parsed, owner_unit=org.unit_a)

    def revise():
        from workplan.parsing import parse_text
        from workplan.plans.revisions import revision_apply, revision_diff

        parsed = parse_text(
            "一、加强基层组织建设\n（一）完善工作机制，年底前完成。\n（二）新增任务。", year=2019
        )
        revision_apply(actor=actor, diff=revision_diff(user=actor, plan=plan, parsed=parsed))

    def breakdown():
        from workplan.plans.breakdown.changes import breakdown_import
        from workplan.plans.breakdown.export import breakdown_export

        data = breakdown_export(user=actor, plan=plan)
        import io

        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(data))
        workbook.active["H4"] = "2019-09-30"
        buffer = io.BytesIO()
        workbook.save(buffer)
        assert breakdown_import(actor=actor, plan=plan, data=buffer.getvalue(), apply=True).applied

    def promises():
        from workplan.parsing.result import ParsedItem, Span, Target
        from workplan.plans.importing import replace_promises

        parsed = ParsedItem(
            number="1", label="", level=2, title="t", targets=[Target("80%", "percent", Span(0, 3), value=80)]
        )
        replace_promises(actor=actor, item=task, parsed_item=parsed)

    from workplan.plans import draft_review, drafts

    def draft(data: bytes = DRAFT_TEXT):
        return drafts.draft_create(actor=actor, data=data, filename="d.txt", owner_unit=org.root)

    def key(d, n=1):
        return d.data["items"][n]["key"]

    def reading(d):  # as a large upload waits for its task (plans/tests/test_draft_tasks.py)
        type(d).objects.filter(pk=d.pk).update(status="reading")
        return d

    second = plans.item_create(actor=actor, plan=plan, title="第二部分")
    return {
        "draft_create": draft,
        "milestone_create": lambda: plans.milestone_create(
            actor=actor, item=task, title="方案出台", due_date=dt.date(2019, 6, 30)
        ),
        "milestone_update": lambda: plans.milestone_update(
            actor=actor,
            milestone=plans.milestone_create(
                actor=actor, item=task, title="试点", due_date=dt.date(2019, 9, 30)
            ),
            done_on=dt.date(2019, 9, 20),
        ),
        "milestone_delete": lambda: plans.milestone_delete(
            actor=actor,
            milestone=plans.milestone_create(
                actor=actor, item=task, title="总结", due_date=dt.date(2019, 12, 31)
            ),
        ),
        "items_bulk_update": lambda: plans.items_bulk_update(
            actor=actor, items=[task], unit=org.unit_b, role="cooperating", weight=2
        ),
        "draft_rename": lambda: drafts.draft_rename(
            actor=actor, draft=(d := draft()), key=key(d), title="新"
        ),
        "draft_indent": lambda: drafts.draft_indent(actor=actor, draft=(d := draft()), key=key(d, 2)),
        "draft_outdent": lambda: drafts.draft_outdent(actor=actor, draft=(d := draft()), key=key(d)),
        "draft_merge": lambda: drafts.draft_merge(actor=actor, draft=(d := draft()), key=key(d, 2)),
        "draft_split": lambda: drafts.draft_split(actor=actor, draft=(d := draft()), key=key(d), paragraph=1),
        "draft_set_promise": lambda: drafts.draft_set_promise(
            actor=actor, draft=(d := draft()), key=key(d), kind="deadlines", index=0, accepted=False
        ),
        "draft_map_unit": lambda: drafts.draft_map_unit(
            actor=actor, draft=draft(), name="县财政局", unit=org.unit_b
        ),
        "draft_discard": lambda: drafts.draft_discard(actor=actor, draft=draft()),
        "draft_read": lambda: drafts.draft_read(draft_id=reading(draft()).pk),
        "draft_split_numbered": lambda: draft_review.draft_split_numbered(
            actor=actor,
            draft=(d := draft("要点\n一、加强领导。1.建机制。2.压责任。".encode())),
            key=key(d, 0),
        ),
        "draft_set_year": lambda: draft_review.draft_set_year(actor=actor, draft=draft(), year=2020),
        "draft_confirm": lambda: drafts.draft_confirm(actor=actor, draft=draft()),
        "revision_apply": revise,
        "breakdown_import": breakdown,
        "replace_promises": promises,
        "unit_create": lambda: accounts.unit_create(actor=actor, code="Y", name="新单位", parent=org.root),
        "unit_update": lambda: accounts.unit_update(actor=actor, unit=extra_unit, name="改名单位"),
        "unit_add_alias": lambda: accounts.unit_add_alias(actor=actor, unit=extra_unit, alias="别名"),
        "unit_delete": lambda: accounts.unit_delete(actor=actor, unit=extra_unit),
        "user_create": lambda: accounts.user_create(actor=actor, username="new", password="x-Long-Pass-1"),
        "user_update": lambda: accounts.user_update(actor=actor, user=user, first_name="张三"),
        "user_set_language": lambda: accounts.user_set_language(actor=actor, language="en"),
        "user_delete": lambda: accounts.user_delete(actor=actor, user=make_user(actor, "tmp")),
        "membership_create": membership_then_delete,
        "membership_delete": membership_then_delete,
        "plan_create": lambda: plans.plan_create(
            actor=actor, title="新计划", year=2020, owner_unit=org.unit_a
        ),
        "plan_update": lambda: plans.plan_update(actor=actor, plan=plan, status="active"),
        "plan_delete": lambda: plans.plan_delete(
            actor=actor, plan=make_plan_with_task(actor, owner=org.unit_b, assignee=org.unit_b).plan
        ),
        "item_create": lambda: plans.item_create(actor=actor, plan=plan, title="新任务", parent=task),
        "item_update": lambda: plans.item_update(actor=actor, item=task, title="改过的任务"),
        "item_move": lambda: plans.item_move(actor=actor, item=task, target=second, position="last-child"),
        "item_delete": lambda: plans.item_delete(actor=actor, item=second),
        "target_create": target_roundtrip,
        "target_update": target_roundtrip,
        "target_delete": target_roundtrip,
        "deadline_create": deadline_roundtrip,
        "deadline_update": deadline_roundtrip,
        "deadline_delete": deadline_roundtrip,
        "assignment_create": lambda: plans.assignment_create(
            actor=actor, item=task, unit=org.unit_b, role="cooperating"
        ),
        "assignment_update": lambda: plans.assignment_update(
            actor=actor, assignment=task.assignments.get(unit=org.unit_a), role="responsible"
        ),
        "assignment_delete": lambda: plans.assignment_delete(
            actor=actor, assignment=task.assignments.get(unit=org.unit_a)
        ),
        "plan_import": import_parsed,
        **_progress_calls(actor, org),
        **_api_calls(actor, user),
        **_report_calls(actor, org),
        **_task_calls(actor),
        **_channel_calls(actor, org),
        **_ledger_calls(actor, org, task),
        **_assessment_calls(actor, org),
        **_operations_calls(actor, user),
        **_security_calls(actor, user),
    }


def _progress_calls(actor, org):
    """The progress services, each on a plan dispatched on 2 January 2019 (built on first use)."""
    from workplan.core import clock
    from workplan.progress import notify
    from workplan.progress import services as prog
    from workplan.progress import services as sched
    from workplan.progress.models import Occurrence
    from workplan.progress.testing import dispatched_task, moment

    cache = {}

    def ctx():
        if not cache:
            cache["d"] = dispatched_task(
                actor, owner=org.unit_a, assignee=org.unit_a, due=dt.date(2019, 3, 31)
            )
            make_user(actor, "progress-reporter", role="reporter", unit=org.unit_a)
        return cache["d"]

    def report(submit=True):
        d = ctx()
        with clock.frozen(moment(2019, 1, 10)):
            return prog.report_save(
                actor=actor, track=d.track, period=d.period(1), narrative="进展", percent=20, submit=submit
            )

    def evidence():
        return prog.evidence_add(actor=actor, report=report(submit=False), filename="a.txt", data=b"evidence")

    def occurrence():
        d = ctx()
        plans.target_create(
            actor=actor, item=d.task, text="每月1次", kind="frequency", value=1, unit="per month"
        )
        sched.obligation_generate(actor=actor, plan=d.plan)
        return Occurrence.objects.get(item=d.task, index=1)

    def met_occurrence():
        found = occurrence()
        return prog.occurrence_mark_met(actor=actor, occurrence=found, report=report())

    def notification():
        return notify.notify(recipients=[actor], kind="comment", title="t", email=False)[0]

    def closed_period():
        return sched.period_close(actor=actor, period=ctx().period(2))

    def new_item():
        d = ctx()
        item = plans.item_create(actor=actor, plan=d.plan, title="新增任务", parent=d.task.get_parent())
        plans.assignment_create(actor=actor, item=item, unit=org.unit_b, role="lead")
        return item

    def notice():
        with clock.frozen(moment(2019, 3, 1)):
            return prog.notice_issue(
                actor=actor, track=ctx().track, reason="进度滞后", reply_due=dt.date(2019, 3, 8)
            )

    def extension():
        return prog.extension_request(
            actor=actor, track=ctx().track, reason="资金未到位", requested_due=dt.date(2019, 6, 30)
        )

    return {
        "notice_issue": notice,
        "notice_answer": lambda: prog.notice_answer(actor=actor, notice=notice(), answer="已召开专题会"),
        "notice_lift": lambda: prog.notice_lift(actor=actor, notice=notice(), reason="已整改"),
        "extension_request": extension,
        "extension_decide": lambda: prog.extension_decide(actor=actor, extension=extension(), approve=True),
        "track_refuse": lambda: prog.track_refuse(actor=actor, track=ctx().track, reason="非本单位职责"),
        "plan_dispatch": lambda: prog.plan_dispatch(
            actor=actor, plan=make_plan_with_task(actor, owner=org.unit_b, assignee=org.unit_b).plan
        ),
        "item_dispatch": lambda: prog.item_dispatch(actor=actor, item=new_item()),
        "rollups_repair": lambda: prog.rollups_repair(
            actor=actor, plan=make_plan_with_task(actor, owner=org.unit_b, assignee=org.unit_b).plan
        ),
        "track_acknowledge": lambda: prog.track_acknowledge(actor=actor, track=ctx().track),
        "track_start": lambda: prog.track_start(actor=actor, track=ctx().track),
        "report_save": report,
        "report_save_with_evidence": lambda: prog.report_save_with_evidence(
            actor=actor,
            track=ctx().track,
            period=ctx().period(1),
            narrative="进展",
            percent=10,
            files=[("a.txt", b"evidence")],
        ),
        "report_accept": lambda: prog.report_accept(actor=actor, report=report()),
        "report_return": lambda: prog.report_return(actor=actor, report=report(), reason="补充材料"),
        "evidence_add": evidence,
        "evidence_remove": lambda: prog.evidence_remove(actor=actor, evidence=evidence()),
        "track_request_completion": lambda: prog.track_request_completion(actor=actor, track=ctx().track),
        "item_complete": lambda: prog.item_complete(actor=actor, item=ctx().task),
        "item_carry_over": lambda: prog.item_carry_over(actor=actor, item=ctx().task, reason="跨年度"),
        "track_reassign": lambda: prog.track_reassign(
            actor=actor, track=ctx().track, unit=org.unit_b, reason="职能调整"
        ),
        "instruction_create": lambda: prog.instruction_create(actor=actor, item=ctx().task, text="抓紧落实"),
        "comment_create": lambda: prog.comment_create(actor=actor, item=ctx().task, text="已阅"),
        "occurrence_mark_met": met_occurrence,
        "occurrence_unmark": lambda: prog.occurrence_unmark(
            actor=actor, occurrence=met_occurrence(), reason="不符合要求"
        ),
        "notification_mark_read": lambda: prog.notification_mark_read(
            actor=actor, notification=notification()
        ),
        "notification_mark_all_read": lambda: (notification(), prog.notification_mark_all_read(actor=actor)),
        "feed_token_create": lambda: prog.feed_token_create(actor=actor, unit=org.unit_a),
        "feed_token_revoke": lambda: prog.feed_token_revoke(
            actor=actor, token=prog.feed_token_create(actor=actor, unit=org.unit_a)[0]
        ),
        "calendar_configure": lambda: sched.calendar_configure(actor=actor, plan=ctx().plan, due_day=20),
        "calendar_ensure": lambda: sched.calendar_ensure(
            actor=actor, plan=plans.plan_create(actor=actor, title="空计划", year=2019, owner_unit=org.unit_a)
        ),
        "period_close": closed_period,
        "period_reopen": lambda: sched.period_reopen(actor=actor, period=closed_period(), reason="补报"),
        "holiday_set": lambda: sched.holiday_set(actor=actor, date=dt.date(2019, 1, 25), is_working=False),
        "holiday_delete": lambda: sched.holiday_delete(
            actor=actor, day=sched.holiday_set(actor=actor, date=dt.date(2019, 2, 2), is_working=True)
        ),
        "obligation_generate": lambda: occurrence(),
        "reminder_send_due": lambda: (
            ctx(),
            sched.reminder_send_due(actor=actor, today=dt.date(2019, 1, 22)),
        ),
        "escalation_raise_due": lambda: (
            ctx(),
            sched.escalation_raise_due(actor=actor, today=dt.date(2019, 4, 2)),
        ),
    }


def _service_modules() -> list[str]:
    import pkgutil

    import workplan

    found = [
        info.name
        for info in pkgutil.walk_packages(workplan.__path__, "workplan.")
        if "services" in info.name.split(".")
        and ".tests" not in info.name
        # core.services holds the generic audited helpers the domain services are built on.
        and info.name != "workplan.core.services"
    ]
    return sorted(set(found) | set(EXTRA_SERVICE_MODULES))


def _public_services() -> set[str]:
    names = set()
    for module_name in _service_modules():
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module_name and not name.startswith("_") and name not in NOT_WRITES:
                names.add(name)
    return names


def test_every_write_service_is_in_the_table(actor, org):
    assert _public_services() == set(_call_table(actor, org))


@pytest.mark.parametrize("service", sorted(_public_services()))
def test_write_service_records_its_actor(actor, org, service):
    call = _call_table(actor, org)[service]
    before = AuditEntry.objects.count()
    call()
    written = AuditEntry.objects.order_by("id")[before:]
    assert written, f"{service} wrote no audit row"
    assert all(entry.actor_id == actor.pk and entry.actor_repr == actor.username for entry in written)
    entity = {
        "revision": "plan",
        "breakdown": "item",
        "replace": "target",
        "items": "item",
        "good": "good_practice",
    }.get(service.split("_", 1)[0], service.split("_", 1)[0])
    assert any(entry.action.startswith(f"{entity}.") for entry in written), [e.action for e in written]


@pytest.mark.django_db(transaction=True)
def test_audit_outside_a_transaction_is_refused(actor, org):
    with pytest.raises(RuntimeError, match="inside transaction"):
        audit.record(actor=actor, action="x.y", target=org.root)


def test_a_failed_write_leaves_no_audit_row(actor, org):
    before = AuditEntry.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        accounts.unit_create(actor=actor, code="Z", name="会回滚", parent=org.root)
        raise ZeroDivisionError
    assert AuditEntry.objects.count() == before


def test_audit_rows_name_the_interface(actor, org):
    with audit.interface("cli"):
        accounts.unit_update(actor=actor, unit=org.unit_b, short_name="财政")
    entry = AuditEntry.objects.latest("id")
    assert (entry.interface, entry.action) == ("cli", "unit.updated")
    assert entry.before == {"short_name": ""} and entry.after == {"short_name": "财政"}
