"""E-mail: one per event by default, or a daily or weekly digest chosen by the user; robot
messages never hold up the request that caused them."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.core import mail

from workplan.api.testing import client_for
from workplan.channels import services
from workplan.channels.models import Delivery, DeliveryState, MailPreference
from workplan.channels.tests.receivers import Receiver
from workplan.core import clock
from workplan.progress import jobs
from workplan.progress.testing import dispatched_task, moment


@pytest.fixture
def mailed(personas):
    for user in (personas.reporter_a, personas.reporter_b):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    return personas


def test_a_user_who_chose_a_daily_digest_gets_one_mail_a_day(
    actor, org, mailed, django_capture_on_commit_callbacks
):
    with clock.frozen(moment(2019, 1, 1, 18)):
        services.mail_preference_set(actor=mailed.reporter_a, frequency="daily")
    with django_capture_on_commit_callbacks(execute=True):
        dispatched_task(actor, owner=org.root, assignee=org.unit_a, title="扶贫项目")  # 2 January
        dispatched_task(actor, owner=org.root, assignee=org.unit_b, title="财政预算")
    assert [m.to for m in mail.outbox] == [["reporter-b@example.org"]]  # B wants every mail at once
    with django_capture_on_commit_callbacks(execute=True):
        summary = jobs.tick(now=moment(2019, 1, 3, 8))
    assert summary.digests == 1 and "1 digest(s)" in str(summary)
    digest = mail.outbox[-1]
    assert digest.to == ["reporter-a@example.org"]
    assert "daily digest: 1 notification" in digest.subject
    assert "完善工作机制" in digest.body and "https://plan.example.org/items/" in digest.body
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.tick(now=moment(2019, 1, 3, 12)).digests == 0  # once a day
        assert jobs.tick(now=moment(2019, 1, 4, 8)).digests == 0  # nothing new: no empty mail
    assert len(mail.outbox) == 2


def test_a_weekly_digest_goes_out_on_mondays(actor, org, mailed, django_capture_on_commit_callbacks):
    with clock.frozen(moment(2019, 1, 1)):
        services.mail_preference_set(actor=mailed.reporter_a, frequency="weekly")
    with django_capture_on_commit_callbacks(execute=True):
        dispatched_task(actor, owner=org.root, assignee=org.unit_a)
        assert jobs.tick(now=moment(2019, 1, 5, 8)).digests == 0  # a Saturday
        assert jobs.tick(now=moment(2019, 1, 7, 8)).digests == 1  # Monday
    assert "weekly digest" in mail.outbox[-1].subject
    assert MailPreference.objects.get().last_digest_at == moment(2019, 1, 7, 8)


def test_the_mail_setting_on_the_page_and_the_api(client, mailed):
    api = client_for(mailed.reporter_a)
    assert api.get("/api/v1/me/mail").json() == {"frequency": "immediate"}
    assert api.put("/api/v1/me/mail", {"frequency": "weekly"}, content_type="application/json").json() == {
        "frequency": "weekly"
    }
    for bad in ({"frequency": "hourly"}, {"frequency": "daily", "x": 1}, {}):
        assert api.put("/api/v1/me/mail", bad, content_type="application/json").status_code == 422
    client.force_login(mailed.reporter_a)
    assert client.get("/channels/mail/").context["form"].initial == {"frequency": "weekly"}
    assert client.post("/channels/mail/", {"frequency": "daily"}).status_code == 302
    assert client.post("/channels/mail/", {"frequency": "junk"}).status_code == 200
    assert MailPreference.objects.get(user=mailed.reporter_a).frequency == "daily"
    # Each user's own: B still has the default.
    assert client_for(mailed.reporter_b).get("/api/v1/me/mail").json() == {"frequency": "immediate"}


@pytest.mark.django_db(transaction=True)
def test_a_slow_robot_does_not_hold_up_the_request(org, personas, settings):
    settings.WORKPLAN_TASK_THREADS = True
    settings.WORKPLAN_WEBHOOK_TIMEOUT = 5
    with Receiver("feishu", behaviour="slow", delay=1.5) as receiver:
        endpoint = services.endpoint_create(
            actor=personas.admin,
            name="飞书",
            platform="feishu",
            url=receiver.url,
            secret=receiver.secret,
            unit=org.unit_a,
        )
        started = time.monotonic()
        answer = client_for(personas.admin).post(f"/api/v1/channels/{endpoint.pk}/test")
        elapsed = time.monotonic() - started
        assert answer.status_code == 202 and elapsed < 1.0, elapsed
        for thread in threading.enumerate():
            if thread.name.startswith("task-"):
                thread.join(timeout=10)
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.SENT and receiver.requests[0]["problems"] == []
    assert delivery.created_at <= delivery.sent_at
    assert dt.timedelta(seconds=1) <= delivery.sent_at - delivery.created_at
