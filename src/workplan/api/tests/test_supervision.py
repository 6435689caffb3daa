"""The supervision API: a notice issued, answered and lifted; an extension approved with both
dates kept; a task returned before 签收; an occurrence met; junk and hostile bodies refused."""

from __future__ import annotations

import datetime as dt

import pytest

from workplan.api.testing import client_for
from workplan.core import clock
from workplan.plans import services as plans
from workplan.plans.models import PlanItem
from workplan.progress import services as progress
from workplan.progress.testing import dispatched_task, moment


@pytest.fixture
def d(actor, org):
    return dispatched_task(actor, owner=org.root, assignee=org.unit_a, due=dt.date(2019, 6, 30))


@pytest.fixture(autouse=True)
def march():
    with clock.frozen(moment(2019, 3, 4)):
        yield


def test_notice_issue_answer_lift(personas, d):
    planner, reporter = client_for(personas.planner), client_for(personas.reporter_a)
    issued = planner.post(
        f"/api/v1/items/{d.task.pk}/notices",
        {"track_id": d.track.pk, "kind": "reminder", "reason": "请加快进度", "reply_due": "2019-03-08"},
        content_type="application/json",
    )
    assert issued.status_code == 201, issued.content
    notice = issued.json()
    assert notice["state"] == "open" and notice["kind"] == "reminder"
    answered = reporter.post(
        f"/api/v1/notices/{notice['id']}/answer", {"answer": "本周完成"}, content_type="application/json"
    )
    assert answered.json()["state"] == "answered"
    refused = reporter.post(
        f"/api/v1/notices/{notice['id']}/lift", {"reason": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403
    lifted = planner.post(
        f"/api/v1/notices/{notice['id']}/lift", {"reason": "已完成"}, content_type="application/json"
    )
    assert lifted.json()["state"] == "lifted"
    listed = reporter.get(f"/api/v1/items/{d.task.pk}/notices").json()
    assert [n["lift_reason"] for n in listed] == ["已完成"]


@pytest.mark.parametrize(
    "body",
    [
        {"reason": "a\x00b", "reply_due": "2019-03-08"},
        {"reason": "x" * 2001, "reply_due": "2019-03-08"},
        {"reason": "   ", "reply_due": "2019-03-08"},
        {"reason": "日期", "reply_due": "2019-02-30"},
        {"reason": "日期", "reply_due": "2019-03-08", "extra": 1},
        {"reason": "过去", "reply_due": "2019-03-01"},
    ],
    ids=["nul", "oversize", "blank", "bad-date", "unknown-field", "past"],
)
def test_junk_notices_are_refused(personas, d, body):
    response = client_for(personas.planner).post(
        f"/api/v1/items/{d.task.pk}/notices",
        {"track_id": d.track.pk, **body},
        content_type="application/json",
    )
    assert response.status_code in (400, 422), response.content
    assert response.json()["error"]["code"]


def test_extension_approved_keeps_both_dates(personas, d):
    requested = client_for(personas.reporter_a).post(
        f"/api/v1/items/{d.task.pk}/extensions",
        {"track_id": d.track.pk, "requested_due": "2019-08-31", "reason": "资金未到位"},
        content_type="application/json",
    )
    assert requested.status_code == 201, requested.content
    extension = requested.json()
    approved = (
        client_for(personas.planner)
        .post(f"/api/v1/extensions/{extension['id']}/approve", {}, content_type="application/json")
        .json()
    )
    assert approved["state"] == "approved"
    assert (approved["original_due"], approved["requested_due"]) == ("2019-06-30", "2019-08-31")
    assert PlanItem.objects.get(pk=d.task.pk).due_date == dt.date(2019, 8, 31)


def test_refusing_needs_a_note_and_a_task_is_returned_before_acknowledging(personas, d):
    extension = progress.extension_request(
        actor=personas.reporter_a, track=d.track, reason="延期", requested_due=dt.date(2019, 7, 31)
    )
    planner = client_for(personas.planner)
    assert (
        planner.post(
            f"/api/v1/extensions/{extension.pk}/refuse", {}, content_type="application/json"
        ).status_code
        == 422
    )
    returned = client_for(personas.reporter_a).post(
        f"/api/v1/tracks/{d.track.pk}/refuse", {"reason": "非本单位职责"}, content_type="application/json"
    )
    assert returned.json()["state"] == "refused"


def test_an_occurrence_is_met_through_the_api(personas, actor, d):
    plans.target_create(actor=actor, item=d.task, text="每月1次", kind="frequency", value=1, unit="per month")
    progress.obligation_generate(actor=actor, plan=d.plan)
    report = progress.report_save(
        actor=personas.reporter_a,
        track=d.track,
        period=d.period(3),
        narrative="进展",
        percent=30,
        submit=True,
    )
    reporter = client_for(personas.reporter_a)
    rows = reporter.get(f"/api/v1/items/{d.task.pk}/occurrences").json()
    assert [r["state"] for r in rows[:3]] == ["missed", "missed", "open"]
    met = reporter.post(
        f"/api/v1/occurrences/{rows[2]['id']}/met", {"report_id": report.pk}, content_type="application/json"
    )
    assert met.json()["state"] == "met" and met.json()["met_by_report_id"] == report.pk
