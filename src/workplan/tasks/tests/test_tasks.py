"""Background tasks: queued in the caller's transaction, run once, retried, visible, started by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction

from workplan.accounts.models import Role
from workplan.api.testing import client_for
from workplan.core import clock
from workplan.core.errors import Forbidden, Invalid
from workplan.core.models import AuditEntry
from workplan.core.testing import make_user
from workplan.progress import notify
from workplan.tasks import queue, registry, runner, services, worker
from workplan.tasks.models import Task, TaskState

CALLS: list[str] = []


@registry.job("test.flaky", label="a flaky test task", max_attempts=3)
def flaky(fail_times: int, tag: str) -> str:
    CALLS.append(tag)
    if CALLS.count(tag) <= fail_times:
        raise ConnectionError(f"attempt {CALLS.count(tag)} failed")
    return f"done after {CALLS.count(tag)}"


@pytest.fixture(autouse=True)
def _fresh_calls():
    CALLS.clear()


def _queue(name: str, arguments: dict, **kwargs) -> Task:
    with transaction.atomic():
        return queue.enqueue(name, arguments, **kwargs)


def test_a_task_runs_after_its_transaction_commits_and_not_when_it_rolls_back(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        task = _queue("test.flaky", {"fail_times": 0, "tag": "a"})
    task.refresh_from_db()
    assert (task.state, task.attempts, task.result) == (TaskState.DONE, 1, "done after 1")
    assert task.worker and task.started_at and task.finished_at

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue.enqueue("test.flaky", {"fail_times": 0, "tag": "b"})
        raise RuntimeError("the change fails")
    assert callbacks == [] and CALLS == ["a"]
    assert Task.objects.count() == 1


def test_a_failing_task_is_retried_with_backoff_then_marked_failed(db, settings):
    settings.WORKPLAN_TASKS = "database"
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    with clock.frozen(start):
        task = _queue("test.flaky", {"fail_times": 5, "tag": "c"})
        assert runner.run(task.pk)
        task.refresh_from_db()
        assert (task.state, task.attempts) == (TaskState.QUEUED, 1)
        assert "attempt 1 failed" in task.last_error
        assert task.run_after == start + dt.timedelta(seconds=30)
        assert not runner.run(task.pk)  # not due yet
    with clock.frozen(start + dt.timedelta(minutes=1)):
        assert runner.run_due() == 1
    with clock.frozen(start + dt.timedelta(minutes=5)):
        assert runner.run_due() == 1
    task.refresh_from_db()
    assert (task.state, task.attempts, len(CALLS)) == (TaskState.FAILED, 3, 3)
    assert task.finished_at is not None


def test_a_task_that_recovers_is_done_and_a_claimed_task_does_not_run_twice(db, settings):
    settings.WORKPLAN_TASKS = "database"
    task = _queue("test.flaky", {"fail_times": 1, "tag": "d"})
    assert runner.run(task.pk)
    Task.objects.filter(pk=task.pk).update(run_after=clock.now())
    assert worker.run_once() == 1
    assert not runner.run(task.pk)  # done: nobody claims it again
    task.refresh_from_db()
    assert (task.state, task.result, CALLS) == (TaskState.DONE, "done after 2", ["d", "d"])


def test_an_unknown_task_or_a_bad_argument_fails_on_its_row_not_in_the_engine(db, settings):
    settings.WORKPLAN_TASKS = "database"
    with pytest.raises(Invalid, match="no background task called"):
        _queue("no.such.task", {})
    task = _queue("test.flaky", {"unexpected": "<script>x</script>"})
    for _ in range(3):
        Task.objects.filter(pk=task.pk).update(run_after=clock.now())
        runner.run(task.pk)
    task.refresh_from_db()
    assert task.state == TaskState.FAILED and "unexpected" in task.last_error


def test_notification_email_is_a_task_and_a_mail_outage_loses_nothing(
    db, settings, actor, org, personas, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens: the send fails
    personas.reporter_a.email = "a@example.org"
    personas.reporter_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify.notify(recipients=[personas.reporter_a], kind="info", title="通知：请按时报送")
    task = Task.objects.get(name="progress.send_email")
    assert (task.state, task.attempts) == (TaskState.QUEUED, 1) and task.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Task.objects.filter(pk=task.pk).update(run_after=clock.now())
    from workplan.progress.jobs import run_due_tasks

    assert run_due_tasks() == 1  # what `workplan tick` does with the immediate engine
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert mail.outbox[0].subject.endswith("通知：请按时报送")


def test_people_see_their_own_tasks_and_only_administrators_start_or_see_all(
    db, actor, org, personas, settings
):
    settings.WORKPLAN_TASKS = "database"
    mine = _queue("test.flaky", {"fail_times": 9, "tag": "e"}, created_by=personas.reporter_a)
    other = _queue("test.flaky", {"fail_times": 9, "tag": "f"})
    assert list(Task.objects.visible_to(personas.reporter_a)) == [mine]
    assert set(Task.objects.visible_to(personas.admin)) == {mine, other}
    assert not Task.objects.visible_to(personas.reporter_b).exists()
    with pytest.raises(Forbidden):
        services.task_start(actor=personas.planner, name="progress.tick")
    with pytest.raises(Invalid, match="cannot be started by hand"):
        services.task_start(actor=personas.admin, name="test.flaky")
    started = services.task_start(actor=personas.admin, name="progress.tick")
    assert AuditEntry.objects.filter(action="task.start", target_id=str(started.pk)).exists()


def test_retry_of_a_failed_task_on_the_web_page(db, client, personas, settings):
    settings.WORKPLAN_TASKS = "database"
    task = _queue("test.flaky", {"fail_times": 1, "tag": "g"}, created_by=personas.reporter_a)
    Task.objects.filter(pk=task.pk).update(
        state=TaskState.FAILED, attempts=3, last_error="ConnectionError: x"
    )
    client.force_login(personas.reporter_b)
    assert client.get(f"/tasks/{task.pk}/").status_code == 404
    assert client.post(f"/tasks/{task.pk}/retry/").status_code == 404
    client.force_login(personas.reporter_a)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "ConnectionError: x" in page and "retry/" in page
    assert client.post(f"/tasks/{task.pk}/retry/").status_code == 302
    task.refresh_from_db()
    assert (task.state, task.attempts) == (TaskState.QUEUED, 0)
    assert "Only a failed task" in str(
        [m.message for m in client.post(f"/tasks/{task.pk}/retry/", follow=True).context["messages"]]
    )
    assert client.get("/tasks/?state=queued").status_code == 200
    assert client.get("/tasks/?state=<b>&after=../../x").status_code == 200
    assert client.get("/tasks/999999999999/").status_code == 404


def test_the_task_list_and_start_on_the_web_page_for_administrators(db, client, personas, settings):
    settings.WORKPLAN_TASKS = "database"
    client.force_login(personas.admin)
    page = client.get("/tasks/").content.decode()
    assert 'name="name" value="progress.tick"' in page
    response = client.post("/tasks/start/", {"name": "progress.tick"})
    assert response.status_code == 302
    task = Task.objects.get(name="progress.tick")
    assert worker.run_once() == 1
    task.refresh_from_db()
    assert task.state == TaskState.DONE and "tick at" in task.result
    assert "Background tasks" in client.get("/plans/").content.decode()  # the navigation links here
    junk = client.post("/tasks/start/", {"name": "x" * 10_000}, follow=True)
    assert "no background task" in junk.content.decode()
    client.force_login(personas.planner)
    assert client.post("/tasks/start/", {"name": "progress.tick"}).status_code == 403


def test_the_api_lists_retries_and_starts_tasks(db, personas, settings):
    settings.WORKPLAN_TASKS = "database"
    task = _queue("test.flaky", {"fail_times": 1, "tag": "h"}, created_by=personas.reporter_a)
    Task.objects.filter(pk=task.pk).update(state=TaskState.FAILED, attempts=3)
    reporter = client_for(personas.reporter_a)
    listed = reporter.get("/api/v1/tasks?state=failed").json()
    assert [t["id"] for t in listed["items"]] == [task.pk]
    assert reporter.post(f"/api/v1/tasks/{task.pk}/retry").json()["state"] == "queued"
    assert reporter.post(f"/api/v1/tasks/{task.pk}/retry").status_code == 422
    assert client_for(personas.reporter_b).get(f"/api/v1/tasks/{task.pk}").status_code == 404
    assert (
        reporter.post("/api/v1/tasks", {"name": "progress.tick"}, content_type="application/json").status_code
        == 403
    )
    admin = client_for(personas.admin)
    started = admin.post("/api/v1/tasks", {"name": "progress.tick"}, content_type="application/json")
    assert started.status_code == 201 and started.json()["state"] == "queued"
    assert admin.post("/api/v1/tasks", {"name": None}, content_type="application/json").status_code == 422
    assert admin.get("/api/v1/tasks?state=nonsense").status_code == 422


def test_a_reporter_sees_no_tasks_of_others_anywhere(db, personas, org, actor):
    reporter = make_user(actor, "x-reporter", role=Role.REPORTER, unit=org.unit_b)
    assert not Task.objects.visible_to(reporter).exists()
