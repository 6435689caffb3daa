"""Reads: the calendar feed (.ics through icalendar and the URL), evidence only for those who
may see it, the status board and the inbox in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from workplan.accounts.models import Role
from workplan.core import clock
from workplan.core.errors import NotFound
from workplan.core.testing import make_user
from workplan.plans import services as plans
from workplan.progress import selectors, services
from workplan.progress.models import FeedToken
from workplan.progress.status import Status
from workplan.progress.testing import dispatched_task, moment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def d(actor, org, personas):
    task = dispatched_task(actor, owner=org.root, assignee=org.unit_a1, due=dt.date(2019, 6, 30))
    with clock.frozen(moment(2019, 1, 2)):
        plans.target_create(
            actor=actor, item=task.task, text="每季度1次", kind="frequency", value=1, unit="per quarter"
        )
        services.plan_dispatch(actor=actor, plan=task.plan)  # makes the obligation
    return task


# --- the calendar feed ----------------------------------------------------------------------------


def test_the_feed_is_valid_icalendar_with_the_units_deadlines(d, org, personas):
    token, raw = services.feed_token_create(actor=personas.reporter_a, unit=org.unit_a, label="Outlook")
    assert FeedToken.objects.get(pk=token.pk).token_hash == FeedToken.hash_of(raw) != raw
    assert not FeedToken.objects.filter(token_hash=raw).exists()  # only the hash is stored
    calendar = Calendar.from_ical(selectors.feed_ics(token=raw))
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert str(calendar["x-wr-calname"]).startswith("县民政局")
    task_due = events[f"item-{d.task.pk}-unit-{org.unit_a1.pk}@workplan"]  # a sub-unit's task
    assert task_due.decoded("dtstart") == dt.date(2019, 6, 30)
    assert "完善工作机制" in str(task_due["summary"])
    reports = [e for uid, e in events.items() if uid.startswith("period-")]
    assert len(reports) == 12 and min(e.decoded("dtstart") for e in reports) == dt.date(2019, 1, 25)
    occurrences = sorted(e.decoded("dtstart") for uid, e in events.items() if uid.startswith("occurrence-"))
    assert occurrences == [dt.date(2019, 3, 31), dt.date(2019, 6, 30)]  # clipped to the item's due date


def test_a_revoked_or_unknown_token_is_refused(d, org, personas):
    token, raw = services.feed_token_create(actor=personas.reporter_a, unit=org.unit_a)
    services.feed_token_revoke(actor=personas.reporter_a, token=token)
    for secret in (raw, "not-a-token", ""):
        with pytest.raises(NotFound, match="no such calendar feed"):
            selectors.feed_ics(token=secret)
    assert list(selectors.feed_token_list(user=personas.reporter_a)) == [token]


def test_a_token_dies_with_its_creators_membership(actor, d, org, personas):
    member = make_user(actor, "temp", role=Role.REPORTER, unit=org.unit_a)
    _, raw = services.feed_token_create(actor=member, unit=org.unit_a)
    assert selectors.feed_ics(token=raw).startswith(b"BEGIN:VCALENDAR")
    member.is_active = False
    member.save(update_fields=["is_active"])
    with pytest.raises(NotFound):
        selectors.feed_ics(token=raw)


@pytest.mark.urls("workplan.progress.tests.urls")
def test_the_feed_url(client, d, org, personas):
    token, raw = services.feed_token_create(actor=personas.reporter_a, unit=org.unit_a)
    response = client.get(f"/progress/feed/{raw}.ics")
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    assert Calendar.from_ical(response.content).walk("VEVENT")
    services.feed_token_revoke(actor=personas.reporter_a, token=token)
    assert client.get(f"/progress/feed/{raw}.ics").status_code == 404
    assert client.post(f"/progress/feed/{raw}.ics").status_code == 405


# --- evidence ------------------------------------------------------------------------------------------


def test_evidence_is_served_only_to_those_who_see_the_report(d, org, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    reporter = make_user(personas.admin, "a1-reporter", role=Role.REPORTER, unit=org.unit_a1)
    with clock.frozen(moment(2019, 1, 10)):
        report = services.report_save(
            actor=reporter, track=d.track, period=d.period(1), narrative="照片", percent=5
        )
        photo = services.evidence_add(actor=reporter, report=report, filename="现场.png", data=PNG)
    for user in (reporter, personas.reporter_a, personas.planner, personas.leader):
        opened = selectors.evidence_open(user=user, evidence_id=photo.pk)
        assert (opened.read(), opened.content_type, opened.filename) == (PNG, "image/png", "现场.png")
    for user in (personas.reporter_b, personas.outsider, None):
        with pytest.raises(NotFound, match="no such file"):
            selectors.evidence_open(user=user, evidence_id=photo.pk)
    with pytest.raises(NotFound):
        selectors.evidence_open(user=personas.planner, evidence_id="../../etc")
    assert [
        e.pk for r in selectors.item_reports(user=personas.leader, item=d.task) for e in r.evidence.all()
    ] == [photo.pk]
    services.evidence_remove(actor=reporter, evidence=photo)
    assert not selectors.item_reports(user=personas.leader, item=d.task)[0].evidence.exists()


# --- the status board and the inbox ---------------------------------------------------------------------


def _plan_with_items(actor, org, count):
    d = dispatched_task(actor, owner=org.root, assignee=org.unit_a, due=dt.date(2019, 6, 30), title="大计划")
    with clock.frozen(moment(2019, 1, 2)):
        parent = d.task.get_parent()
        for n in range(count):
            item = plans.item_create(actor=actor, plan=d.plan, parent=parent, title=f"任务{n}")
            plans.assignment_create(
                actor=actor, item=item, unit=org.unit_a if n % 2 else org.unit_b, role="lead"
            )
        services.plan_dispatch(actor=actor, plan=d.plan)
    return d


@pytest.mark.parametrize("count", [2, 12])
def test_board_and_inbox_take_a_fixed_number_of_queries(
    actor, org, personas, count, django_assert_num_queries
):
    d = _plan_with_items(actor, org, count)
    with clock.frozen(moment(2019, 3, 10)):
        services.report_save(
            actor=personas.reporter_a, track=d.track, period=d.period(2), narrative="x", percent=5
        )
    planner = personas.planner
    selectors.plan_status_board(user=planner, plan=d.plan, today=dt.date(2019, 3, 10))  # warm the scope cache
    with django_assert_num_queries(4):
        board = selectors.plan_status_board(user=planner, plan=d.plan, today=dt.date(2019, 3, 10))
    assert len(board) == count + 2
    selectors.my_tasks(user=personas.reporter_a, today=dt.date(2019, 3, 10))
    with django_assert_num_queries(3):
        tasks = selectors.my_tasks(user=personas.reporter_a, today=dt.date(2019, 3, 10))
    assert len(tasks) == 1 + count // 2


def test_the_board_rolls_parts_up_from_their_tasks(actor, org, personas):
    d = _plan_with_items(actor, org, 2)
    with clock.frozen(moment(2019, 2, 1)):
        services.report_save(
            actor=personas.reporter_a, track=d.track, period=d.period(1), narrative="x", percent=20
        )
    board = selectors.plan_status_board(user=personas.planner, plan=d.plan, today=dt.date(2019, 2, 1))
    part, first, *others = board
    assert first.status == Status.ON_TRACK and first.percent == 20 and first.tracks[0].percent == 20
    assert [row.status for row in others] == [Status.NOT_STARTED, Status.NOT_STARTED]
    assert part.status == Status.ON_TRACK and part.state == "not_dispatched"
    later = selectors.item_status(user=personas.planner, item=d.task, today=dt.date(2019, 7, 1))
    assert later.status == Status.OVERDUE and later.due == dt.date(2019, 6, 30)
    reporter_board = selectors.plan_status_board(
        user=personas.reporter_b, plan=d.plan, today=dt.date(2019, 2, 1)
    )
    assert {row.item.title for row in reporter_board} == {"任务0"}  # only what B may see


def test_synthesised_reports_are_realistic_and_fast_to_read(actor, org, personas):
    import random

    from workplan.progress.models import ProgressReport, Track
    from workplan.progress.synth import synthesise_reports

    d = _plan_with_items(actor, org, 6)
    summary = synthesise_reports(d.plan, 3, random.Random(7))
    tracks = Track.objects.filter(item__plan=d.plan).count()
    assert (summary.tracks, summary.periods, summary.reports) == (tracks, 3, tracks * 3)
    assert (
        ProgressReport.objects.filter(item__plan=d.plan, period__index=3, status="submitted").count()
        == tracks
    )
    assert all(t.latest_percent is not None for t in Track.objects.filter(item__plan=d.plan))
    timeline = selectors.item_timeline(user=personas.planner, item=d.task)
    assert [e.kind for e in timeline].count("reported") == 3
    assert len(selectors.reports_to_review(user=personas.planner, plan=d.plan)) == tracks


def test_holidays_are_edited_in_the_admin_through_the_service(client, d, personas):
    from django.contrib.auth import get_user_model

    from workplan.core.models import AuditEntry
    from workplan.progress.models import SpecialDay

    root = get_user_model().objects.create_superuser("root", "root@example.org", "a-Long-password-1")
    client.force_login(root)
    response = client.post(
        "/admin/progress/specialday/add/", {"date": "2019-01-25", "is_working": "", "name": "测试假日"}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert SpecialDay.objects.get().name == "测试假日"
    assert d.period(1).due_date == dt.date(2019, 1, 28)
    assert AuditEntry.objects.filter(action="holiday.set", interface="web", actor=root).exists()
