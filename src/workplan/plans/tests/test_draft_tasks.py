"""A large plan document is read by a background task: the draft shows the task's state (web
and API) until it is filled, or marked unreadable; a failed attempt is retried."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from workplan.api.testing import client_for
from workplan.plans import drafts
from workplan.plans.models import DraftStatus, ImportDraft
from workplan.plans.tests.test_drafts import DOCUMENT
from workplan.tasks import runner
from workplan.tasks.models import Task, TaskState


@pytest.fixture(autouse=True)
def _queued(settings):
    settings.WORKPLAN_TASKS = "database"  # queued: a worker would run them; here runner.run_due()
    settings.WORKPLAN_IMPORT_SYNC_BYTES = 100  # DOCUMENT (about 500 bytes) counts as large


def _create(personas, org, data=DOCUMENT):
    return drafts.draft_create(actor=personas.planner, data=data, filename="要点.txt", owner_unit=org.root)


def test_a_large_document_is_read_by_its_task_and_a_small_one_at_once(personas, org, settings):
    draft = _create(personas, org)
    assert draft.status == DraftStatus.READING and draft.data["items"] == []
    task = Task.objects.get()
    assert (task.name, task.arguments, task.state, task.created_by) == (
        "plans.read_draft",
        {"draft_id": draft.pk},
        TaskState.QUEUED,
        personas.planner,
    )
    assert runner.run_due() == 1
    draft.refresh_from_db()
    task.refresh_from_db()
    assert draft.status == DraftStatus.OPEN and draft.year == 2019 and len(draft.data["items"]) == 7
    assert task.state == TaskState.DONE and task.result == {"items": 7}
    settings.WORKPLAN_IMPORT_SYNC_BYTES = 10_000
    assert _create(personas, org).status == DraftStatus.OPEN and Task.objects.count() == 1


def test_a_large_document_that_is_not_a_plan_makes_the_draft_unreadable(personas, org):
    draft = _create(personas, org, data="只是一段话，没有编号。".encode() * 20)
    runner.run_due()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.UNREADABLE and "no numbered items" in draft.error
    assert Task.objects.get().state == TaskState.DONE  # reading it again would not help


def test_an_attempt_that_fails_is_retried_and_then_reads_the_draft(personas, org, monkeypatch):
    draft = _create(personas, org)
    real = drafts._fill

    def broken(*args, **kwargs):
        raise OSError("storage not reachable")

    monkeypatch.setattr(drafts, "_fill", broken)
    runner.run_due()
    task = Task.objects.get()
    assert (task.state, task.attempts) == (TaskState.QUEUED, 1) and "storage not reachable" in task.last_error
    monkeypatch.setattr(drafts, "_fill", real)
    Task.objects.filter(pk=task.pk).update(run_after=task.created_at)  # the back-off is over
    runner.run_due()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.OPEN and Task.objects.get().state == TaskState.DONE


def test_the_import_page_shows_the_state_and_polls_until_the_task_is_done(client, personas, org):
    client.force_login(personas.planner)
    response = client.post(
        reverse("plans:import_start"),
        {"document": SimpleUploadedFile("要点.txt", DOCUMENT), "owner_unit": org.root.pk},
    )
    draft = ImportDraft.objects.get()
    page = client.get(response["Location"]).content.decode()
    task = Task.objects.get()
    state_url = reverse("tasks:state", args=[task.pk])
    assert "being read" in page and "queued" in page and f'hx-get="{state_url}"' in page
    assert "<script" not in page.split("<main", 1)[-1]  # the CSP forbids inline script: htmx polls
    polled = client.get(state_url, HTTP_HX_REQUEST="true")
    assert polled.status_code == 200 and "HX-Refresh" not in polled
    runner.run_due()
    polled = client.get(state_url, HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true" and "done" in polled.content.decode()
    page = client.get(reverse("plans:draft", args=[draft.pk])).content.decode()
    assert "完善工作机制" in page


def test_the_api_answers_with_the_draft_reading_and_its_task(personas, org):
    api = client_for(personas.planner)
    response = api.post(
        "/api/v1/imports",
        data={"owner_unit_id": org.root.pk, "file": SimpleUploadedFile("要点.txt", DOCUMENT)},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["task_state"], body["item_count"]) == ("reading", "queued", 0)
    runner.run_due()
    body = api.get(f"/api/v1/imports/{body['id']}").json()
    assert (body["status"], body["task_state"], body["item_count"]) == ("open", "done", 7)
    assert api.get(f"/api/v1/tasks/{body['task_id']}").json()["state"] == "done"
