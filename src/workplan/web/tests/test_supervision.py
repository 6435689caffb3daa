"""Manual supervision from the web: a notice issued, answered and lifted; an extension
approved with both dates kept; an assignment returned before 签收; an occurrence marked met."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from workplan.core import clock
from workplan.core.models import AuditEntry
from workplan.plans import services as plans
from workplan.plans.models import PlanItem
from workplan.progress import services as progress
from workplan.progress.models import (
    EventKind,
    ExtensionRequest,
    ItemEvent,
    NoticeState,
    Occurrence,
    SupervisionNotice,
    TrackState,
)
from workplan.progress.testing import dispatched_task, moment


@pytest.fixture
def d(actor, org):
    return dispatched_task(actor, owner=org.root, assignee=org.unit_a, due=dt.date(2019, 6, 30))


@pytest.fixture
def march():
    with clock.frozen(moment(2019, 3, 4)):
        yield


def _item_html(client, d) -> str:
    return client.get(reverse("web:item_detail", args=[d.task.pk])).content.decode()


def test_a_notice_is_issued_answered_and_lifted(client, personas, d, march):
    client.force_login(personas.planner)
    assert "Issue a notice" in _item_html(client, d)
    response = client.post(
        reverse("web:notice_issue", args=[d.task.pk]),
        {"track": d.track.pk, "kind": "notice", "reason": "进度滞后，请说明情况", "reply_due": "2019-03-11"},
    )
    assert response.status_code == 302
    notice = SupervisionNotice.objects.get(track=d.track)
    assert notice.state == NoticeState.OPEN and notice.reply_due == dt.date(2019, 3, 11)

    client.force_login(personas.reporter_a)
    tasks = client.get(reverse("progress:my_tasks")).content.decode()
    assert "进度滞后，请说明情况" in tasks and "#supervision" in tasks
    client.post(reverse("web:notice_answer", args=[notice.pk]), {"answer": "已召开专题会，下周完成"})
    notice.refresh_from_db()
    assert notice.state == NoticeState.ANSWERED and notice.answer == "已召开专题会，下周完成"
    assert client.post(reverse("web:notice_lift", args=[notice.pk]), {"reason": "x"}).status_code == 403

    client.force_login(personas.planner)
    client.post(reverse("web:notice_lift", args=[notice.pk]), {"reason": "情况属实，已整改"})
    notice.refresh_from_db()
    assert notice.state == NoticeState.LIFTED and notice.lift_reason == "情况属实，已整改"
    kinds = list(ItemEvent.objects.filter(item=d.task).values_list("kind", flat=True))
    assert [k for k in kinds if k.startswith("notice_")] == [
        "notice_issued",
        "notice_answered",
        "notice_lifted",
    ]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"notice.issued", "notice.answered", "notice.lifted"} <= actions
    html = _item_html(client, d)
    assert "已召开专题会，下周完成" in html and "情况属实，已整改" in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reason": "", "reply_due": "2019-03-11"}, "Reason"),
        ({"reason": "x" * 2001, "reply_due": "2019-03-11"}, "Reason"),
        ({"reason": "太晚", "reply_due": "2019-03-01"}, "cannot be due in the past"),
        ({"reason": "日期", "reply_due": "not-a-date"}, "Answer due by"),
        ({"reason": "<script>alert(1)</script>", "reply_due": "9999-99-99"}, "Answer due by"),
    ],
    ids=["empty", "oversize", "past", "junk-date", "hostile"],
)
def test_junk_notices_are_refused_with_a_message(client, personas, d, march, fields, message):
    client.force_login(personas.planner)
    response = client.post(
        reverse("web:notice_issue", args=[d.task.pk]),
        {"track": d.track.pk, "kind": "notice", **fields},
        follow=True,
    )
    assert message in response.content.decode()
    assert not SupervisionNotice.objects.exists()


def test_a_notice_to_another_items_track_is_refused(client, personas, actor, org, d, march):
    other = dispatched_task(actor, owner=org.root, assignee=org.unit_a, title="另一项")
    client.force_login(personas.planner)
    client.post(
        reverse("web:notice_issue", args=[d.task.pk]),
        {"track": other.track.pk, "kind": "notice", "reason": "x", "reply_due": "2019-03-11"},
    )
    assert not SupervisionNotice.objects.exists()


def test_an_extension_is_approved_and_both_dates_are_kept(client, personas, d, march):
    client.force_login(personas.reporter_a)
    assert "Ask for a later deadline" in _item_html(client, d)
    client.post(
        reverse("web:extension_request", args=[d.task.pk]),
        {"track": d.track.pk, "requested_due": "2019-09-30", "reason": "资金未到位"},
    )
    extension = ExtensionRequest.objects.get(track=d.track)
    assert (extension.original_due, extension.requested_due) == (dt.date(2019, 6, 30), dt.date(2019, 9, 30))
    client.force_login(personas.planner)
    client.post(reverse("web:extension_decide", args=[extension.pk, "approve"]), {"note": ""})
    extension.refresh_from_db()
    assert extension.state == "approved"
    assert PlanItem.objects.get(pk=d.task.pk).due_date == dt.date(2019, 9, 30)
    assert (extension.original_due, extension.requested_due) == (dt.date(2019, 6, 30), dt.date(2019, 9, 30))
    assert ItemEvent.objects.filter(item=d.task, kind=EventKind.EXTENSION_APPROVED).exists()


def test_an_extension_to_an_earlier_date_and_a_refusal_without_reason_are_refused(client, personas, d, march):
    client.force_login(personas.reporter_a)
    client.post(
        reverse("web:extension_request", args=[d.task.pk]),
        {"track": d.track.pk, "requested_due": "2019-05-01", "reason": "提前"},
    )
    assert not ExtensionRequest.objects.exists()
    extension = progress.extension_request(
        actor=personas.reporter_a, track=d.track, reason="延期", requested_due=dt.date(2019, 8, 1)
    )
    client.force_login(personas.planner)
    client.post(reverse("web:extension_decide", args=[extension.pk, "refuse"]), {"note": ""})
    extension.refresh_from_db()
    assert extension.state == "pending"
    client.post(reverse("web:extension_decide", args=[extension.pk, "refuse"]), {"note": "理由不充分"})
    extension.refresh_from_db()
    assert extension.state == "refused" and PlanItem.objects.get(pk=d.task.pk).due_date == dt.date(
        2019, 6, 30
    )


def test_a_unit_returns_an_assignment_before_acknowledging(client, personas, d, march):
    client.force_login(personas.reporter_a)
    assert "Return to the planner" in _item_html(client, d)
    client.post(reverse("web:track_refuse", args=[d.track.pk]), {"reason": "非本单位职责，应由B单位承办"})
    d.track.refresh_from_db()
    assert d.track.state == TrackState.REFUSED and d.track.closed_reason.startswith("非本单位职责")
    assert "Nothing due" not in client.get(reverse("progress:my_tasks")).content.decode()
    assert ItemEvent.objects.filter(item=d.task, kind=EventKind.REFUSED).exists()


def test_refusing_after_acknowledging_is_refused(client, personas, d, march):
    progress.track_acknowledge(actor=personas.reporter_a, track=d.track)
    client.force_login(personas.reporter_a)
    response = client.post(reverse("web:track_refuse", args=[d.track.pk]), {"reason": "晚了"}, follow=True)
    assert "Only a task not yet acknowledged" in response.content.decode()


def test_an_occurrence_is_marked_met_from_the_item_page(client, personas, actor, d, march):
    plans.target_create(actor=actor, item=d.task, text="每月1次", kind="frequency", value=1, unit="per month")
    progress.obligation_generate(actor=actor, plan=d.plan)
    report = progress.report_save(
        actor=personas.reporter_a,
        track=d.track,
        period=d.period(3),
        narrative="3月召开1次",
        percent=30,
        submit=True,
    )
    client.force_login(personas.reporter_a)
    html = _item_html(client, d)
    assert "missed" in html and "Mark met" in html  # January and February passed unmet
    assert 'class="occurrence occurrence-missed"' in html and "· missed" in html
    march_occurrence = Occurrence.objects.get(item=d.task, window_start=dt.date(2019, 3, 1))
    client.post(reverse("web:occurrence_met", args=[march_occurrence.pk]), {"report": report.pk})
    march_occurrence.refresh_from_db()
    assert march_occurrence.met_by_id == report.pk
    assert "occurrence-met" in _item_html(client, d)


def _submitted_with_evidence(personas, d, filename: str) -> None:
    report = progress.report_save(
        actor=personas.reporter_a, track=d.track, period=d.period(3), narrative="进展", percent=30
    )
    progress.evidence_add(actor=personas.reporter_a, report=report, filename=filename, data=b"minutes")
    progress.report_save(
        actor=personas.reporter_a,
        track=d.track,
        period=d.period(3),
        narrative="进展",
        percent=30,
        submit=True,
        expected_version=report.version,
    )


def test_the_item_page_shows_evidence_with_its_name(client, personas, d, march):
    _submitted_with_evidence(personas, d, "会议纪要.txt")
    client.force_login(personas.planner)
    assert "Evidence: 会议纪要.txt" in _item_html(client, d)


def test_the_review_card_lists_the_evidence(client, personas, d, march):
    _submitted_with_evidence(personas, d, "照片.png.txt")
    client.force_login(personas.planner)
    html = client.get(reverse("progress:review_queue")).content.decode()
    assert "照片.png.txt</a>" in html
