"""A plan's whole year, day by day, on the injected clock (no sleeping).

Scenario (2019, monthly reports due on the 25th, ticks every morning at 08:00):
* T1 (unit A, due 31 Dec, "每季度至少召开1次研讨会", with an unassigned measure M1):
  acknowledged, started, reported every month; February's report comes late, after the
  due-soon reminder; March's is returned and resubmitted with evidence; the quarterly
  obligation is met in Q1, Q2 and Q4 and missed in Q3; completion is refused while M1 is
  open, then requested and granted.
* T2 (unit B, due 30 June): reports 5 % more each month, skips June, and climbs the
  ladder blue (7 May, 30 % of the time left) → yellow (3 June, 15 %) → red (1 July);
  the leader writes an instruction; the planner carries it over to 2020.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core import mail

from workplan.accounts import services as accounts
from workplan.core import clock
from workplan.core.errors import Invalid
from workplan.core.models import AuditEntry
from workplan.core.testing import make_plan_with_task
from workplan.plans import services as plans
from workplan.progress import jobs, selectors, services
from workplan.progress.models import (
    Escalation,
    EventKind,
    ItemProgress,
    Notification,
    Occurrence,
    Period,
    ProgressReport,
    Reminder,
    ReportStatus,
    Track,
    TrackState,
)
from workplan.progress.status import Status
from workplan.progress.testing import moment

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _days(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


@pytest.mark.year_cycle
@pytest.mark.django_db(transaction=True)
def test_a_plan_runs_through_its_year(actor, org, personas):
    for user, address in [
        (personas.reporter_a, "a@example.org"),
        (personas.reporter_b, "b@example.org"),
        (personas.leader, "leader@example.org"),
        (personas.planner, "planner@example.org"),
    ]:
        accounts.user_update(actor=actor, user=user, email=address)
    planner, rep_a, rep_b, leader = (
        personas.planner,
        personas.reporter_a,
        personas.reporter_b,
        personas.leader,
    )

    # 2 January: the planner builds and dispatches the plan (交办).
    with clock.frozen(moment(2019, 1, 2, 9)):
        t1 = make_plan_with_task(actor, owner=org.root, assignee=org.unit_a, title="2019年工作要点")
        plan = t1.plan
        plans.item_update(actor=planner, item=t1, due_date=dt.date(2019, 12, 31))
        plans.target_create(
            actor=planner,
            item=t1,
            text="每季度至少召开1次研讨会",
            kind="frequency",
            value=1,
            unit="per quarter",
        )
        m1 = plans.item_create(actor=planner, plan=plan, parent=t1, title="建立台账", label="1.")
        t2 = plans.item_create(
            actor=planner,
            plan=plan,
            parent=t1.get_parent(),
            title="完成专项整治",
            label="（二）",
            start_date=dt.date(2019, 1, 1),
            due_date=dt.date(2019, 6, 30),
        )
        plans.assignment_create(actor=planner, item=t2, unit=org.unit_b, role="lead")
        result = services.plan_dispatch(actor=planner, plan=plan, note="请按月报送进展")
    assert (result.tracks, result.obligations) == (2, 1)
    track_1, track_2 = Track.objects.get(item=t1), Track.objects.get(item=t2)
    periods = {p.index: p for p in Period.objects.filter(plan=plan)}
    assert len(periods) == 12
    assert periods[5].due_date == dt.date(2019, 5, 27)  # 25 May is a Saturday: due the next working day

    def act(day: dt.date, hour: int = 10):
        return clock.frozen(moment(day.year, day.month, day.day, hour))

    reports: dict[tuple[str, int], ProgressReport] = {}
    stamps: dict[str, dt.datetime] = {}
    board_april = None
    for day in _days(dt.date(2019, 1, 3), dt.date(2019, 12, 31)):
        jobs.tick(now=moment(day.year, day.month, day.day, 8))
        month = day.month
        with act(day):
            if day == dt.date(2019, 1, 3):
                services.track_acknowledge(actor=rep_a, track=track_1)
                stamps["acknowledged"] = clock.now()
                services.track_acknowledge(actor=rep_b, track=track_2)
            if day == dt.date(2019, 1, 4):
                services.track_start(actor=rep_a, track=track_1)
                stamps["started"] = clock.now()
            # Unit A reports on the 15th (February: late, on the due date itself).
            report_day = 25 if month == 2 else 15
            if day.day == report_day:
                percent = 100 if month == 12 else month * 8
                reports[("t1", month)] = services.report_save(
                    actor=rep_a,
                    track=track_1,
                    period=periods[month],
                    narrative=f"{month}月：按计划推进",
                    percent=percent,
                    self_status="done" if month == 12 else "on_track",
                    expected_version=0,
                )
            # Unit B reports 5 % more each month from January to May, then stops.
            if day.day == 15 and month <= 5:
                reports[("t2", month)] = services.report_save(
                    actor=rep_b,
                    track=track_2,
                    period=periods[month],
                    narrative="推进缓慢",
                    percent=month * 5,
                    self_status="behind",
                )
            # The planner reviews unit A's report three days later; March's is returned once.
            if day.day == report_day + 3 and ("t1", month) in reports and month != 12:
                report = reports[("t1", month)]
                if month == 3 and report.status == ReportStatus.SUBMITTED and "returned" not in stamps:
                    reports[("t1", 3)] = services.report_return(
                        actor=planner, report=report, reason="请补充研讨会佐证材料"
                    )
                    stamps["returned"] = clock.now()
                else:
                    reports[("t1", month)] = services.report_accept(actor=planner, report=report)
            if day == dt.date(2019, 3, 19):
                report = reports[("t1", 3)]
                assert report.status == ReportStatus.RETURNED
                services.evidence_add(actor=rep_a, report=report, filename="研讨会纪要.pdf", data=PDF)
                reports[("t1", 3)] = services.report_save(
                    actor=rep_a,
                    track=track_1,
                    period=periods[3],
                    narrative="3月：召开研讨会1次，附纪要",
                    percent=24,
                    expected_version=report.version,
                )
            if day == dt.date(2019, 3, 22):
                reports[("t1", 3)] = services.report_accept(actor=planner, report=reports[("t1", 3)])
            # The quarterly seminar is met by the March, June and December reports (not Q3).
            for month_met, quarter in ((3, 1), (6, 2), (12, 4)):
                if day == dt.date(2019, month_met, 20):
                    occurrence = Occurrence.objects.get(item=t1, index=quarter)
                    services.occurrence_mark_met(
                        actor=rep_a, occurrence=occurrence, report=reports[("t1", month_met)]
                    )
            if day == dt.date(2019, 4, 1):
                board_april = {
                    row.item.pk: row for row in selectors.plan_status_board(user=planner, plan=plan)
                }
            if day == dt.date(2019, 7, 2):
                services.instruction_create(actor=leader, item=t2, text="请加快进度，月底前报送整改方案")
            if day == dt.date(2019, 12, 23):
                with pytest.raises(Invalid, match=r"1 sub-item\(s\) are still open \(1\. 建立台账\)"):
                    services.track_request_completion(actor=rep_a, track=track_1)
                services.item_complete(actor=planner, item=m1, note="台账已建立")
                services.track_request_completion(actor=rep_a, track=track_1, note="全年任务完成")
                stamps["completion_requested"] = clock.now()
            if day == dt.date(2019, 12, 24):
                services.report_accept(actor=planner, report=reports[("t1", 12)])
                services.item_complete(actor=planner, item=t1, note="办结")
                stamps["completed"] = clock.now()
            if day == dt.date(2019, 12, 30):
                services.item_carry_over(actor=planner, item=t2, reason="整治任务跨年度，结转2020年继续推进")

    # --- the chain of T1, stamped with time and actor ------------------------------------------
    track_1.refresh_from_db()
    assert track_1.state == TrackState.COMPLETED
    assert (track_1.assigned_at, track_1.assigned_by) == (moment(2019, 1, 2, 9), planner)
    assert (track_1.acknowledged_at, track_1.acknowledged_by) == (stamps["acknowledged"], rep_a)
    assert (track_1.started_at, track_1.started_by) == (stamps["started"], rep_a)
    assert (track_1.completion_requested_at, track_1.completion_requested_by) == (
        stamps["completion_requested"],
        rep_a,
    )
    assert (track_1.closed_at, track_1.closed_by) == (stamps["completed"], planner)
    progress_1 = ItemProgress.objects.get(item=t1)
    assert (progress_1.state, progress_1.closed_at, progress_1.closed_by) == (
        "completed",
        stamps["completed"],
        planner,
    )
    timeline = selectors.item_timeline(user=planner, item=t1)
    kinds = [e.kind for e in timeline]
    assert kinds[:3] == [EventKind.ASSIGNED, EventKind.ACKNOWLEDGED, EventKind.STARTED]
    assert kinds[-3:] == [EventKind.COMPLETION_REQUESTED, EventKind.ACCEPTED, EventKind.COMPLETED]
    assert [e.at for e in timeline] == sorted(e.at for e in timeline)
    assert kinds.count(EventKind.REPORTED) == 13  # twelve months and one resubmission
    assert kinds.count(EventKind.ACCEPTED) == 12 and kinds.count(EventKind.RETURNED) == 1
    returned = next(e for e in timeline if e.kind == EventKind.RETURNED)
    assert (returned.at, returned.actor, returned.text) == (
        stamps["returned"],
        planner,
        "请补充研讨会佐证材料",
    )
    resubmitted = timeline[kinds.index(EventKind.RETURNED) + 1]
    assert resubmitted.kind == EventKind.REPORTED and resubmitted.data["resubmitted"] is True
    march = ProgressReport.objects.get(track=track_1, period=periods[3])
    assert march.status == ReportStatus.ACCEPTED and march.evidence.get().kind == "pdf"
    assert (march.submitted_at, march.submitted_by) == (moment(2019, 3, 19, 10), rep_a)
    assert (march.reviewed_at, march.reviewed_by) == (moment(2019, 3, 22, 10), planner)
    february = ProgressReport.objects.get(track=track_1, period=periods[2])
    assert february.submitted_at == moment(2019, 2, 25, 10)  # late in the window, on the due date
    assert (february.reviewed_at, february.reviewed_by) == (moment(2019, 2, 28, 10), planner)
    assert all(e.actor is not None for e in timeline)

    # --- the status board on 1 April: T1 on track, T2 lagging --------------------------------------
    assert board_april[t1.pk].status == Status.ON_TRACK
    assert board_april[t2.pk].status == Status.AT_RISK

    # --- the ladder: T2 went blue → yellow → red, each once, with its reason ----------------------
    warnings = list(Escalation.objects.filter(track=track_2).order_by("raised_at"))
    assert [(w.level, clock_date(w.raised_at)) for w in warnings] == [
        ("blue", dt.date(2019, 5, 7)),
        ("yellow", dt.date(2019, 6, 3)),
        ("red", dt.date(2019, 7, 1)),
    ]
    assert "30% of the time left" in warnings[0].reason and "20% complete" in warnings[0].reason
    assert "15% of the time left" in warnings[1].reason and "25% complete" in warnings[1].reason
    assert warnings[2].reason.startswith("overdue by 1 day(s) since 2019-06-30")
    assert not Escalation.objects.filter(track=track_1).exists()
    assert [w.raised_at for w in warnings] == [
        moment(2019, 5, 7, 8),
        moment(2019, 6, 3, 8),
        moment(2019, 7, 1, 8),
    ]
    assert [w.percent for w in warnings] == [20, 25, 25]
    t2_kinds = [e.kind for e in selectors.item_timeline(user=planner, item=t2)]
    assert t2_kinds.count(EventKind.ESCALATED) == 3
    assert t2_kinds[-2:] == [EventKind.INSTRUCTION, EventKind.CARRIED_OVER]
    progress_2 = ItemProgress.objects.get(item=t2)
    assert (progress_2.state, progress_2.carried_to_year) == ("carried_over", 2020)

    # --- the recurring obligation: Q3 missed ------------------------------------------------------
    occurrence_states = [
        row.state for row in selectors.occurrence_list(user=planner, item=t1, today=dt.date(2019, 12, 31))
    ]
    assert occurrence_states == ["met", "met", "missed", "met"]

    # --- notifications and e-mail: each sent once, to the right people -----------------------------
    def kinds_of(user):
        return Counter(Notification.objects.filter(recipient=user).values_list("kind", flat=True))

    assert kinds_of(leader) == {"escalation": 2}  # yellow and red reach the leader; blue does not
    b = kinds_of(rep_b)
    assert (b["assigned"], b["escalation"], b["instruction"]) == (1, 3, 1)
    assert (b["due_soon"], b["overdue"]) == (7, 7)  # June to December: B stopped reporting after May
    a = kinds_of(rep_a)
    assert (a["assigned"], a["returned"], a["due_soon"]) == (1, 1, 1)  # due soon: February only
    assert a["overdue"] == 0
    assert kinds_of(planner) == {"completion_requested": 1}
    due_soon_a = Reminder.objects.get(kind="due_soon", recipient=rep_a)
    assert (due_soon_a.period, clock_date(due_soon_a.sent_at)) == (periods[2], dt.date(2019, 2, 20))
    sent = Counter((m.to[0], m.subject) for m in mail.outbox)
    assert sent and max(sent.values()) == 1, [k for k, n in sent.items() if n > 1]
    to_leader = sorted(m.subject for m in mail.outbox if m.to == ["leader@example.org"])
    assert len(to_leader) == 2 and "黄色督办" in to_leader[1] and "红色督办" in to_leader[0]
    assert sum(1 for m in mail.outbox if m.to == ["b@example.org"]) == sum(b.values())
    assert Reminder.objects.count() == len(
        set(Reminder.objects.values_list("kind", "track", "slot", "recipient"))
    )

    # A second tick at the same moment sends nothing more.
    before = len(mail.outbox)
    summary = jobs.tick(now=moment(2019, 12, 31, 8))
    assert (summary.reminders, summary.warnings, len(mail.outbox)) == (0, 0, before)
    assert AuditEntry.objects.filter(action="escalation.raised", interface="job").count() == 3


def clock_date(moment_: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localdate(moment_)
