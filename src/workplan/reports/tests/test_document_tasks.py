"""Bulletins and summaries made by a background task: the record with its task's state (web and
API), the stored file for who asked for it, retries of a failed attempt."""

from __future__ import annotations

import pytest
from django.urls import reverse

from workplan.api.testing import client_for
from workplan.progress.models import Period
from workplan.reports import services
from workplan.reports.models import GeneratedDocument
from workplan.reports.tests.helpers import docx_paragraphs
from workplan.tasks import runner
from workplan.tasks.models import Task, TaskState


@pytest.fixture(autouse=True)
def _queued(settings):
    settings.WORKPLAN_TASKS = "database"  # a worker would run them; here runner.run_due()


def test_a_requested_bulletin_is_made_by_its_task_and_downloads_for_who_asked(
    client, demo, planner, reporter
):
    june = Period.objects.get(plan=demo, label="2019-06")
    client.force_login(planner)
    response = client.post(
        reverse("reports:generate", args=[demo.pk]), {"kind": "bulletin", "period": june.pk, "format": "docx"}
    )
    record = GeneratedDocument.objects.get()
    assert response["Location"] == reverse("reports:document", args=[record.pk])
    page = client.get(response["Location"]).content.decode()
    assert "queued" in page and f'hx-get="{reverse("tasks:state", args=[record.task_id])}"' in page
    file_url = reverse("reports:document_file", args=[record.pk])
    assert client.get(file_url).status_code == 404  # not made yet
    assert runner.run_due() == 1
    record.refresh_from_db()
    assert record.task.state == TaskState.DONE and record.size > 0 and record.period == june
    assert record.inputs["period"] == "2019-06" and record.figures
    response = client.get(file_url)
    assert "1. The period in figures" in docx_paragraphs(b"".join(response.streaming_content))
    assert "done" in client.get(reverse("reports:plan_reports", args=[demo.pk])).content.decode()
    client.force_login(reporter)  # sees the plan's records, not a document made as the planner sees it
    assert client.get(file_url).status_code == 404


def test_the_api_asks_for_a_summary_and_follows_its_task(demo, planner):
    api = client_for(planner)
    response = api.post(
        f"/api/v1/plans/{demo.pk}/documents",
        {"kind": "summary", "format": "docx", "language": "zh"},
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["task_state"], body["ready"]) == ("queued", False)
    assert api.get(f"/api/v1/documents/{body['id']}/file").status_code == 404
    runner.run_due()
    body = api.get(f"/api/v1/documents/{body['id']}").json()
    assert (body["task_state"], body["ready"]) == ("done", True) and body["size"] > 0
    made = api.get(f"/api/v1/documents/{body['id']}/file")
    assert made.status_code == 200 and "总体情况" in docx_paragraphs(made.content)
    bad = api.post(
        f"/api/v1/plans/{demo.pk}/documents", {"kind": "bulletin"}, content_type="application/json"
    )
    assert bad.status_code == 422 and not GeneratedDocument.objects.filter(kind="bulletin").exists()


def test_a_failed_attempt_is_retried_then_the_task_fails_with_the_reason(demo, planner, monkeypatch):
    record = services.document_request(
        actor=planner, plan=demo, kind="bulletin", fmt="docx", period="2030-01"
    )
    runner.run_due()
    task = Task.objects.get(pk=record.task_id)
    assert (task.state, task.attempts) == (TaskState.QUEUED, 1) and task.last_error
    for _ in range(2):
        Task.objects.filter(pk=task.pk).update(run_after=task.created_at)
        runner.run_due()
    task.refresh_from_db()
    assert (task.state, task.attempts) == (TaskState.FAILED, 3)
    record.refresh_from_db()
    assert not record.file and record.size == 0
