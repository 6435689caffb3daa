"""The chain's services: bad input refused with a clear message and nothing half-saved,
permissions, optimistic locking, reassignment, obligations, notifications, the inbox."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from workplan.accounts.models import Role
from workplan.core import clock
from workplan.core.errors import Conflict, Forbidden, Invalid, NotFound
from workplan.core.models import AuditEntry
from workplan.core.testing import make_user
from workplan.plans import services as plans
from workplan.plans.models import Assignment
from workplan.progress import selectors, services
from workplan.progress.models import (
    EventKind,
    Evidence,
    ItemEvent,
    Notification,
    Occurrence,
    Period,
    ProgressReport,
    ReportStatus,
    Track,
    TrackState,
)
from workplan.progress.testing import dispatched_task, moment

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def d(actor, org, personas):
    return dispatched_task(actor, owner=org.root, assignee=org.unit_a)


@pytest.fixture
def jan():
    with clock.frozen(moment(2019, 1, 10)):
        yield


def save(user, d, index=1, **kw):
    fields = {"narrative": "进展", "percent": 10, **kw}
    return services.report_save(actor=user, track=d.track, period=d.period(index), **fields)


class Unchanged:
    """Counts rows and audit entries before a refused call, to prove nothing was written."""

    def __init__(self):
        self.counts = self._counts()

    @staticmethod
    def _counts():
        return (
            AuditEntry.objects.count(),
            ProgressReport.objects.count(),
            Evidence.objects.count(),
            ItemEvent.objects.count(),
            Notification.objects.count(),
        )

    def check(self):
        assert self._counts() == self.counts


# --- bad input --------------------------------------------------------------------------------------


def test_percent_over_100_is_refused(d, personas, jan):
    nothing = Unchanged()
    with pytest.raises(Invalid, match="percent complete must be between 0 and 100, not 150") as error:
        save(personas.reporter_a, d, percent=150)
    assert error.value.details == {"percent": ["between 0 and 100"]}
    nothing.check()
    with pytest.raises(Invalid, match="whole number"):
        save(personas.reporter_a, d, percent="50")


def test_a_report_for_a_closed_period_is_refused(d, personas, jan):
    services.period_close(actor=personas.planner, period=d.period(1))
    nothing = Unchanged()
    with pytest.raises(Invalid, match="the period 2019-01 is closed: it takes no more reports"):
        save(personas.reporter_a, d)
    nothing.check()
    services.period_reopen(actor=personas.planner, period=d.period(1), reason="补报")
    assert save(personas.reporter_a, d).status == ReportStatus.SUBMITTED


def test_a_return_without_a_reason_is_refused(d, personas, jan):
    report = save(personas.reporter_a, d)
    nothing = Unchanged()
    with pytest.raises(Invalid, match="returning a report needs a reason"):
        services.report_return(actor=personas.planner, report=report, reason="  ")
    nothing.check()
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_files_over_the_limit_are_refused(d, personas, jan):
    report = save(personas.reporter_a, d)
    nothing = Unchanged()
    with (
        override_settings(WORKPLAN_PROGRESS={"max_evidence_bytes": 1024 * 1024}),
        pytest.raises(Invalid, match=r"big\.pdf is 2\.0 MB; evidence files may be at most 1\.0 MB"),
    ):
        services.evidence_add(
            actor=personas.reporter_a, report=report, filename="big.pdf", data=PDF + b"0" * 2 * 1024 * 1024
        )
    with pytest.raises(Invalid, match="empty"):
        services.evidence_add(actor=personas.reporter_a, report=report, filename="a.pdf", data=b"")
    nothing.check()


def test_forbidden_types_are_refused_by_content_not_name(d, personas, jan):
    report = save(personas.reporter_a, d)
    nothing = Unchanged()
    with pytest.raises(
        Invalid, match=r"report\.pdf is a Windows program, which is not accepted as evidence"
    ) as error:
        services.evidence_add(
            actor=personas.reporter_a, report=report, filename="report.pdf", data=b"MZ\x90\x00" * 10
        )
    assert "PDF, Word (.docx), Excel (.xlsx), JPEG image, PNG image or plain text" in error.value.message
    nothing.check()
    # …and a real PDF is accepted whatever it is called.
    attached = services.evidence_add(
        actor=personas.reporter_a, report=report, filename=r"C:\docs\纪要.bin", data=PDF
    )
    assert (attached.kind, attached.content_type, attached.original_name) == (
        "pdf",
        "application/pdf",
        "纪要.bin",
    )
    again = services.evidence_add(actor=personas.reporter_a, report=report, filename="copy.pdf", data=PDF)
    assert again.pk == attached.pk


@override_settings(WORKPLAN_PROGRESS={"evidence_kinds": ["pdf"]})
def test_the_accepted_kinds_are_a_setting(d, personas, jan):
    report = save(personas.reporter_a, d)
    with pytest.raises(Invalid, match="attach a PDF file"):
        services.evidence_add(actor=personas.reporter_a, report=report, filename="a.txt", data=b"plain words")


def test_completion_request_with_open_sub_items_is_refused(actor, d, personas, jan):
    sub = plans.item_create(actor=actor, plan=d.plan, parent=d.task, title="子任务", label="1.")
    nothing = Unchanged()
    with pytest.raises(
        Invalid, match=r"completion cannot be requested: 1 sub-item\(s\) are still open \(1\. 子任务\)"
    ):
        services.track_request_completion(actor=personas.reporter_a, track=d.track)
    with pytest.raises(Invalid, match="cannot be completed: 1 sub-item"):
        services.item_complete(actor=personas.planner, item=d.task)
    nothing.check()
    assert Track.objects.get(pk=d.track.pk).state == TrackState.ASSIGNED
    services.item_carry_over(actor=personas.planner, item=sub, reason="并入明年")
    services.track_request_completion(actor=personas.reporter_a, track=d.track)
    assert Track.objects.get(pk=d.track.pk).state == TrackState.COMPLETION_REQUESTED


def test_reassign_and_carry_over_need_reasons(d, org, personas, jan):
    nothing = Unchanged()
    with pytest.raises(Invalid, match="reassigning a task needs a reason"):
        services.track_reassign(actor=personas.planner, track=d.track, unit=org.unit_b, reason="")
    with pytest.raises(Invalid, match="carrying an item over needs a reason"):
        services.item_carry_over(actor=personas.planner, item=d.task, reason="")
    nothing.check()


def test_accepted_reports_are_final(d, personas, jan):
    report = save(personas.reporter_a, d)
    services.report_accept(actor=personas.planner, report=report, note="好")
    with pytest.raises(Invalid, match="was accepted and can no longer change"):
        save(personas.reporter_a, d, percent=50)
    with pytest.raises(Invalid, match="only a submitted report can be reviewed"):
        services.report_return(actor=personas.planner, report=report, reason="x")


# --- permissions ----------------------------------------------------------------------------------------


def test_only_the_units_reporters_write_its_reports(d, org, personas, jan):
    for user in (personas.reporter_b, personas.planner, personas.leader, personas.outsider):
        with pytest.raises(Forbidden, match="only reporters of 县民政局"):
            save(user, d)
    sub_reporter = make_user(personas.admin, "sub", role=Role.REPORTER, unit=org.unit_a1)
    with pytest.raises(Forbidden):
        save(sub_reporter, d)  # a sub-unit does not report for its parent
    parent_reporter = make_user(personas.admin, "parent", role=Role.REPORTER, unit=org.root)
    assert save(parent_reporter, d).submitted_by == parent_reporter


def test_only_planners_review_complete_and_reassign(d, org, personas, jan):
    report = save(personas.reporter_a, d)
    for user in (personas.reporter_a, personas.leader):
        with pytest.raises(Forbidden, match="only planners of 县人民政府"):
            services.report_accept(actor=user, report=report)
        with pytest.raises(Forbidden):
            services.item_complete(actor=user, item=d.task)
        with pytest.raises(Forbidden):
            services.track_reassign(actor=user, track=d.track, unit=org.unit_b, reason="x")


def test_leaders_write_instructions_and_units_hear_of_them(d, personas, jan):
    with pytest.raises(Forbidden, match=r"(?i)only leaders"):
        services.instruction_create(actor=personas.reporter_a, item=d.task, text="抓紧")
    with pytest.raises(Invalid, match="the text is empty"):
        services.instruction_create(actor=personas.leader, item=d.task, text=" ")
    event = services.instruction_create(actor=personas.leader, item=d.task, text="请于月底前完成")
    assert (event.kind, event.actor, event.text) == (EventKind.INSTRUCTION, personas.leader, "请于月底前完成")
    note = Notification.objects.get(recipient=personas.reporter_a, kind="instruction")
    assert "请于月底前完成" in note.body and note.item == d.task
    services.comment_create(actor=personas.reporter_a, item=d.task, text="收到")
    assert Notification.objects.filter(recipient=personas.planner, kind="comment").count() == 1
    assert not Notification.objects.filter(recipient=personas.reporter_a, kind="comment").exists()
    with pytest.raises(Forbidden):
        services.comment_create(actor=personas.reporter_b, item=d.task, text="路过")
    remarks = selectors.item_remarks(user=personas.reporter_a, item=d.task)
    assert [r.kind for r in remarks] == ["instruction", "comment"]


def test_feed_tokens_are_for_members(org, personas):
    with pytest.raises(Forbidden):
        services.feed_token_create(actor=personas.reporter_b, unit=org.unit_a)
    token, _ = services.feed_token_create(actor=personas.reporter_a, unit=org.unit_a1)
    with pytest.raises(NotFound):
        services.feed_token_revoke(actor=personas.reporter_b, token=token)


# --- optimistic locking (single-threaded; the threaded version is in tests/) ---------------------------


def test_a_stale_save_is_refused_with_the_current_state(d, personas, jan):
    report = save(personas.reporter_a, d, narrative="第一版")
    stale = report.version
    save(personas.reporter_a, d, narrative="第二版", expected_version=stale)
    with pytest.raises(Conflict, match="changed by someone else") as error:
        save(personas.reporter_a, d, narrative="第三版", expected_version=stale)
    assert error.value.details["current"]["narrative"] == "第二版"
    with pytest.raises(Conflict, match="someone else saved this report first"):
        save(personas.reporter_a, d, narrative="新的", expected_version=0)
    with pytest.raises(Conflict):
        services.track_acknowledge(actor=personas.reporter_a, track=d.track, expected_version=0)


def test_completion_refuses_a_stale_item(d, personas, jan):
    services.item_complete(actor=personas.planner, item=d.task, expected_version=1)
    with pytest.raises(Invalid, match="already completed"):
        services.item_complete(actor=personas.planner, item=d.task)


# --- the chain -------------------------------------------------------------------------------------------


def test_a_returned_report_is_fixed_and_resubmitted(d, personas, jan):
    report = save(personas.reporter_a, d, percent=40)
    assert Track.objects.get(pk=d.track.pk).latest_percent == 40
    report = services.report_return(actor=personas.planner, report=report, reason="数据不实")
    assert Track.objects.get(pk=d.track.pk).latest_percent is None  # a returned report does not count
    note = Notification.objects.get(recipient=personas.reporter_a, kind="returned")
    assert note.body == "数据不实"
    [row] = selectors.my_tasks(user=personas.reporter_a)
    assert [r.pk for r in row.returned_reports] == [report.pk]
    fixed = save(personas.reporter_a, d, percent=30, expected_version=report.version)
    assert (
        fixed.status == ReportStatus.SUBMITTED
        and AuditEntry.objects.filter(action="report.resubmitted").exists()
    )
    assert Track.objects.get(pk=d.track.pk).latest_percent == 30


def test_a_draft_is_not_submitted(d, personas, jan):
    draft = save(personas.reporter_a, d, submit=False)
    assert draft.status == ReportStatus.DRAFT and draft.submitted_at is None
    assert Track.objects.get(pk=d.track.pk).state == TrackState.ASSIGNED
    assert not selectors.reports_to_review(user=personas.planner).exists()
    save(personas.reporter_a, d, expected_version=draft.version)
    assert selectors.reports_to_review(user=personas.planner).count() == 1
    assert not selectors.reports_to_review(user=personas.reporter_a).exists()


def test_reassignment_moves_the_task_and_keeps_the_history(d, org, personas, jan):
    report = save(personas.reporter_a, d, percent=20)
    new = services.track_reassign(
        actor=personas.planner, track=d.track, unit=org.unit_b, reason="职能划转财政局"
    )
    old = Track.objects.get(pk=d.track.pk)
    assert (old.state, old.closed_reason, old.closed_by) == (
        TrackState.REASSIGNED,
        "职能划转财政局",
        personas.planner,
    )
    assert (new.unit, new.state, new.role) == (org.unit_b, TrackState.ASSIGNED, "lead")
    assert list(Assignment.objects.filter(item=d.task).values_list("unit__code", flat=True)) == ["B"]
    assert ProgressReport.objects.get(pk=report.pk).unit == org.unit_a  # A's report stays A's
    assert Notification.objects.filter(recipient=personas.reporter_b, kind="assigned").exists()
    kinds = [e.kind for e in selectors.item_timeline(user=personas.planner, item=d.task)]
    assert kinds[-2:] == [EventKind.REASSIGNED, EventKind.ASSIGNED]
    with pytest.raises(Invalid, match="this task is reassigned: it takes no more reports"):
        save(personas.reporter_a, d)  # A no longer reports on it
    assert selectors.my_tasks(user=personas.reporter_a) == []
    assert [row.track.pk for row in selectors.my_tasks(user=personas.reporter_b)] == [new.pk]
    back = services.track_reassign(actor=personas.planner, track=new, unit=org.unit_a, reason="划回")
    assert back.pk == d.track.pk and back.state == TrackState.ASSIGNED and back.closed_reason == ""


def test_dispatch_is_idempotent_and_covers_new_items(actor, d, org, personas):
    with clock.frozen(moment(2019, 2, 1)):
        again = services.plan_dispatch(actor=personas.planner, plan=d.plan)
        assert (again.tracks, again.items) == (0, 0)
        item = plans.item_create(actor=actor, plan=d.plan, parent=d.task.get_parent(), title="追加任务")
        plans.assignment_create(actor=actor, item=item, unit=org.unit_b, role="responsible")
        plans.assignment_create(actor=actor, item=item, unit=org.unit_a1, role="cooperating")
        added = services.item_dispatch(actor=personas.planner, item=item)
    assert added.tracks == 1  # cooperating units do not report
    assert Track.objects.get(item=item).unit == org.unit_b


def test_obligations_and_occurrences(actor, d, personas):
    with clock.frozen(moment(2019, 1, 2)):
        plans.target_create(
            actor=actor, item=d.task, text="每季度至少1次", kind="frequency", value=1, unit="per quarter"
        )
        assert services.obligation_generate(actor=personas.planner, plan=d.plan) == 1
        assert services.obligation_generate(actor=personas.planner, plan=d.plan) == 0
    q1, q2 = Occurrence.objects.filter(item=d.task).order_by("index")[:2]
    assert (q1.window_start, q1.window_end) == (dt.date(2019, 1, 1), dt.date(2019, 3, 31))
    with clock.frozen(moment(2019, 1, 10)):
        january = save(personas.reporter_a, d)
        draft = save(personas.reporter_a, d, index=2, submit=False)
        with pytest.raises(Invalid, match="falls outside this occurrence's window"):
            services.occurrence_mark_met(actor=personas.reporter_a, occurrence=q2, report=january)
        with pytest.raises(Invalid, match="submit it first"):
            services.occurrence_mark_met(actor=personas.reporter_a, occurrence=q1, report=draft)
        with pytest.raises(Forbidden):
            services.occurrence_mark_met(actor=personas.reporter_b, occurrence=q1, report=january)
        services.occurrence_mark_met(actor=personas.reporter_a, occurrence=q1, report=january)
    states = [
        r.state
        for r in selectors.occurrence_list(user=personas.leader, item=d.task, today=dt.date(2019, 7, 2))
    ]
    assert states == ["met", "missed", "open", "upcoming"]
    with pytest.raises(Invalid, match="unmarking an occurrence needs a reason"):
        services.occurrence_unmark(actor=personas.planner, occurrence=q1, reason="")
    services.occurrence_unmark(actor=personas.planner, occurrence=q1, reason="会议未达标准")
    assert Occurrence.objects.get(pk=q1.pk).met_by is None


# --- calendar ---------------------------------------------------------------------------------------------


def test_calendar_frequency_changes_only_without_reports(d, personas, jan):
    calendar = services.calendar_configure(
        actor=personas.planner, plan=d.plan, frequency="quarterly", due_day=20
    )
    assert list(Period.objects.filter(plan=d.plan).values_list("label", flat=True)) == [
        "2019Q1",
        "2019Q2",
        "2019Q3",
        "2019Q4",
    ]
    save(personas.reporter_a, d)
    with pytest.raises(Invalid, match="the reporting frequency can no longer change"):
        services.calendar_configure(actor=personas.planner, plan=d.plan, frequency="monthly")
    services.calendar_configure(actor=personas.planner, plan=d.plan, frequency="quarterly", due_day=15)
    assert Period.objects.get(plan=d.plan, index=2).due_date == dt.date(2019, 6, 17)  # 15 June is a Saturday
    with pytest.raises(Invalid, match="due day must be a day of the month"):
        services.calendar_configure(actor=personas.planner, plan=d.plan, frequency="quarterly", due_day=32)
    with pytest.raises(Forbidden):
        services.calendar_configure(actor=personas.reporter_a, plan=d.plan, frequency="quarterly")
    assert calendar.pk == d.plan.reporting_calendar.pk


def test_holidays_move_open_due_dates(d, personas):
    assert d.period(1).due_date == dt.date(2019, 1, 25)
    with pytest.raises(Forbidden, match=r"(?i)only administrators"):
        services.holiday_set(actor=personas.planner, date=dt.date(2019, 1, 25), is_working=False)
    day = services.holiday_set(
        actor=personas.admin, date=dt.date(2019, 1, 25), is_working=False, name="测试假日"
    )
    assert d.period(1).due_date == dt.date(2019, 1, 28)
    services.holiday_delete(actor=personas.admin, day=day)
    assert d.period(1).due_date == dt.date(2019, 1, 25)
    assert list(selectors.holiday_list(user=personas.reporter_a, year=2019)) == []


# --- notifications and the inbox -------------------------------------------------------------------------


def test_notifications_are_personal(d, personas):
    mine = Notification.objects.get(recipient=personas.reporter_a, kind="assigned")
    assert selectors.notification_unread_count(user=personas.reporter_a) == 1
    assert list(selectors.notification_unread(user=personas.reporter_b)) == []
    with pytest.raises(NotFound):
        services.notification_mark_read(actor=personas.reporter_b, notification=mine)
    services.notification_mark_read(actor=personas.reporter_a, notification=mine)
    assert selectors.notification_unread_count(user=personas.reporter_a) == 0
    assert [n.pk for n in selectors.notification_list(user=personas.reporter_a)] == [mine.pk]
    services.comment_create(actor=personas.planner, item=d.task, text="请关注")
    assert services.notification_mark_all_read(actor=personas.reporter_a) == 1


def test_my_tasks_says_what_is_due_overdue_and_returned(d, org, personas):
    with clock.frozen(moment(2019, 3, 10)):
        save(personas.reporter_a, d, index=1)
        [row] = selectors.my_tasks(user=personas.reporter_a)
    assert row.current_period.label == "2019-03"
    assert [p.label for p in row.overdue_periods] == ["2019-02"]  # January was reported
    assert row.due_period.label == "2019-03" and row.next_due_date == dt.date(2019, 2, 25)
    assert row.needs_action and row.item == d.task
    assert selectors.my_tasks(user=personas.reporter_b) == []
    assert selectors.my_tasks(user=personas.planner) == []
