"""Every kind of notification reaches each platform's robot, signed and in its format; a
failing robot is retried with back-off, then recorded as failed."""

from __future__ import annotations

import datetime as dt

import pytest

from workplan.channels import services
from workplan.channels.models import Delivery, DeliveryState
from workplan.channels.tests.receivers import Receiver
from workplan.core import clock
from workplan.progress import services as progress
from workplan.progress.testing import dispatched_task, moment
from workplan.tasks import runner
from workplan.tasks.models import Task, TaskState

PLATFORMS = ["dingtalk", "wecom", "feishu"]
KINDS = ["assigned", "due_soon", "overdue", "returned", "escalation", "instruction"]


def robot(actor, receiver, *, unit=None, plan=None, kinds=KINDS):
    return services.endpoint_create(
        actor=actor,
        name=f"{receiver.platform} 群",
        platform=receiver.platform,
        url=receiver.url,
        secret="" if receiver.platform == "wecom" else receiver.secret,
        unit=unit,
        plan=plan,
        kinds=kinds,
    )


@pytest.mark.parametrize("platform", PLATFORMS)
def test_each_kind_of_notification_reaches_the_units_robot_signed(
    platform, actor, org, personas, django_capture_on_commit_callbacks
):
    with Receiver(platform) as receiver:
        robot(actor, receiver, unit=org.unit_a)
        with django_capture_on_commit_callbacks(execute=True):
            d = dispatched_task(actor, owner=org.root, assignee=org.unit_a, due=dt.date(2019, 3, 31))
        with django_capture_on_commit_callbacks(execute=True), clock.frozen(moment(2019, 1, 10)):
            report = progress.report_save(
                actor=personas.reporter_a, track=d.track, period=d.period(1), narrative="进展", percent=10
            )
            progress.report_return(actor=personas.planner, report=report, reason="数据不实")
            progress.instruction_create(actor=personas.leader, item=d.task, text="抓紧推进")
        day = dt.date(2019, 1, 11)
        while day <= dt.date(2019, 4, 5):
            with (
                django_capture_on_commit_callbacks(execute=True),
                clock.frozen(moment(day.year, day.month, day.day)),
            ):
                progress.reminder_send_due(actor=actor, today=day)
                progress.escalation_raise_due(actor=actor, today=day)
            day += dt.timedelta(days=1)
    deliveries = Delivery.objects.filter(platform=platform)
    assert set(deliveries.values_list("kind", flat=True)) >= set(KINDS)
    assert set(deliveries.values_list("state", flat=True)) == {DeliveryState.SENT}
    assert len(receiver.requests) == deliveries.count()
    assert all(r["problems"] == [] for r in receiver.requests), [r["problems"] for r in receiver.requests]
    bodies = [str(r["body"]) for r in receiver.requests]
    item_link = f"https://plan.example.org/items/{d.task.pk}/"
    assert any(item_link in body for body in bodies)  # cards link back to the item
    assert any("数据不实" in body for body in bodies)
    # The tick's reminders reach the group once a day, not once per reporter.
    fingerprints = [f for f in deliveries.values_list("fingerprint", flat=True) if f]
    assert len(fingerprints) == len(set(fingerprints))


def test_a_plan_robot_hears_its_plan_and_only_the_kinds_it_chose(
    actor, org, personas, django_capture_on_commit_callbacks
):
    with Receiver("feishu") as receiver:
        with django_capture_on_commit_callbacks(execute=True):
            d = dispatched_task(actor, owner=org.root, assignee=org.unit_a)
            robot(actor, receiver, plan=d.plan, kinds=["instruction"])
        with django_capture_on_commit_callbacks(execute=True), clock.frozen(moment(2019, 1, 10)):
            report = progress.report_save(
                actor=personas.reporter_a, track=d.track, period=d.period(1), narrative="进展", percent=10
            )
            progress.report_return(actor=personas.planner, report=report, reason="数据不实")
            progress.instruction_create(actor=personas.leader, item=d.task, text="抓紧推进")
    assert list(Delivery.objects.values_list("kind", flat=True)) == ["instruction"]
    assert receiver.requests[0]["body"]["card"]["header"]["title"]["content"]


def _run_until_done(task_id):
    """Run a task's attempts at the moments the runner set for them; the waits between them."""
    waits = []
    while True:
        task = Task.objects.get(pk=task_id)
        if task.state != TaskState.QUEUED:
            return waits
        with clock.frozen(task.run_after):
            runner.run(task_id)
        after = Task.objects.get(pk=task_id)
        if after.state == TaskState.QUEUED:
            waits.append((after.run_after - task.run_after).total_seconds())


@pytest.mark.parametrize(
    ("behaviour", "status", "code"),
    [("500", 500, ""), ("slow", None, ""), ("errcode", 200, "310000")],
    ids=["answers-500", "times-out", "platform-error-code"],
)
def test_a_failing_robot_is_retried_with_backoff_then_marked_failed(actor, org, behaviour, status, code):
    with Receiver("dingtalk", behaviour=behaviour, delay=1.0) as receiver:
        endpoint = robot(actor, receiver, unit=org.unit_a)
        delivery = services.endpoint_test(actor=actor, endpoint=endpoint)
        waits = _run_until_done(delivery.task_id)
    delivery.refresh_from_db()
    assert waits == [30, 60, 120, 240]
    assert delivery.state == DeliveryState.FAILED
    assert delivery.attempts == 5 == len(receiver.requests)
    assert delivery.status_code == status
    assert delivery.error_code == code
    assert delivery.error
    assert Task.objects.get(pk=delivery.task_id).state == TaskState.FAILED


def test_a_robot_that_fails_once_gets_the_message_on_the_retry(actor, org):
    with Receiver("wecom", behaviour="fail_once") as receiver:
        endpoint = robot(actor, receiver, unit=org.unit_a)
        delivery = services.endpoint_test(actor=actor, endpoint=endpoint)
        runner.run(delivery.task_id)
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts, delivery.status_code) == (DeliveryState.RETRYING, 1, 500)
        _run_until_done(delivery.task_id)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.status_code, delivery.error) == (
        DeliveryState.SENT,
        2,
        200,
        "",
    )
    assert delivery.sent_at is not None


def test_a_host_that_is_no_longer_allowed_is_refused_at_send_time(actor, org, settings):
    with Receiver("feishu") as receiver:
        endpoint = robot(actor, receiver, unit=org.unit_a)
        delivery = services.endpoint_test(actor=actor, endpoint=endpoint)
        settings.WORKPLAN_WEBHOOK_ALLOWED_HOSTS = []
        runner.run(delivery.task_id)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.RETRYING
    assert "refused" in delivery.error
    assert receiver.requests == []


def test_https_with_a_certificate_made_for_the_test(actor, org, settings, tmp_path):
    from workplan.channels.tests.receivers import self_signed

    cert, key = self_signed(tmp_path)
    settings.WORKPLAN_WEBHOOK_ALLOWED_HOSTS = ["localhost"]
    settings.WORKPLAN_WEBHOOK_CA_FILE = str(cert)
    with Receiver("dingtalk", tls=(cert, key), host="localhost") as receiver:
        assert receiver.url.startswith("https://localhost:")
        endpoint = robot(actor, receiver, unit=org.unit_a)
        delivery = services.endpoint_test(actor=actor, endpoint=endpoint)
        runner.run(delivery.task_id)
        settings.WORKPLAN_WEBHOOK_CA_FILE = ""  # a certificate nobody vouches for is refused
        second = services.endpoint_test(actor=actor, endpoint=endpoint)
        runner.run(second.task_id)
    delivery.refresh_from_db()
    second.refresh_from_db()
    assert delivery.state == DeliveryState.SENT
    assert receiver.requests[0]["problems"] == []
    assert second.state == DeliveryState.RETRYING and "CERTIFICATE" in second.error.upper()
