"""The plan screens end to end through the test client: thin adapters over the services."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from workplan.plans.models import Assignment, DraftStatus, ImportDraft, Plan, PlanItem

DOCUMENT = "2019年工作要点\n一、加强组织领导\n（一）完善工作机制。6月底前出台办法。（县民政局牵头）\n（二）压实工作责任。\n".encode()


@pytest.fixture
def planner_client(client, personas):
    client.force_login(personas.planner)
    return client


def _upload(client, org, data=DOCUMENT, name="要点.txt"):
    return client.post(
        reverse("plans:import_start"),
        {"document": SimpleUploadedFile(name, data), "owner_unit": org.root.pk, "year": ""},
    )


def test_upload_review_confirm(planner_client, org):
    response = _upload(planner_client, org)
    assert response.status_code == 302
    draft = ImportDraft.objects.get()
    page = planner_client.get(response["Location"]).content.decode()
    assert "完善工作机制" in page and 'class="mark-deadlines"' in page and "县民政局" in page

    key = draft.data["items"][1]["key"]
    partial = planner_client.post(
        reverse("plans:draft_action", args=[draft.pk, key, "rename"]),
        {"title": "完善议事机制"},
        HTTP_HX_REQUEST="true",
    )
    assert partial.status_code == 200 and "完善议事机制" in partial.content.decode()
    assert "<html" not in partial.content.decode()  # a fragment, not a page
    refused = planner_client.post(
        reverse("plans:draft_action", args=[draft.pk, draft.data["items"][0]["key"], "indent"]),
        HTTP_HX_REQUEST="true",
    )
    assert refused.status_code == 422 and "no sibling above" in refused.content.decode()

    done = planner_client.post(reverse("plans:draft_confirm", args=[draft.pk]))
    plan = Plan.objects.get()
    assert done["Location"] == reverse("web:plan_detail", args=[plan.pk])
    assert PlanItem.objects.filter(plan=plan, title="完善议事机制").exists()
    assert Assignment.objects.filter(item__plan=plan, unit=org.unit_a, role="lead").exists()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.CONFIRMED


def test_bad_uploads_show_the_reason(planner_client, org):
    body = _upload(
        planner_client, org, data=b"\x00\x01binary junk \x00\x02\x03 more" * 10, name="x.txt"
    ).content.decode()
    assert "binary" in body.lower() or "not text" in body.lower()
    assert not ImportDraft.objects.exists()
    body = _upload(planner_client, org, data=b"x", name="plan.doc").content.decode()
    assert ".docx" in body


@override_settings(WORKPLAN_MAX_UPLOAD_BYTES=1024)
def test_oversize_upload_is_refused(planner_client, org):
    body = _upload(planner_client, org, data=b"a" * 4096).content.decode()
    assert "the limit is" in body
    assert not ImportDraft.objects.exists()


def test_others_cannot_see_a_draft(client, planner_client, personas, org):
    _upload(planner_client, org)
    draft = ImportDraft.objects.get()
    client.force_login(personas.reporter_a)
    assert client.get(reverse("plans:draft", args=[draft.pk])).status_code == 404
    assert client.post(reverse("plans:draft_confirm", args=[draft.pk])).status_code == 404
    assert not Plan.objects.exists()


def test_reporter_has_no_owner_unit_to_import_into(client, personas, org):
    client.force_login(personas.reporter_a)
    response = client.post(
        reverse("plans:import_start"),
        {"document": SimpleUploadedFile("a.txt", DOCUMENT), "owner_unit": org.unit_a.pk},
    )
    assert response.status_code == 403 and not ImportDraft.objects.exists()


@pytest.fixture
def plan(planner_client, org):
    _upload(planner_client, org)
    planner_client.post(reverse("plans:draft_confirm", args=[ImportDraft.objects.get().pk]))
    return Plan.objects.get()


def test_breakdown_download_and_upload_then_apply(planner_client, plan, org):
    download = planner_client.get(reverse("plans:breakdown_download", args=[plan.pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(download.content))
    workbook.active["E5"] = "县财政局"
    buffer = io.BytesIO()
    workbook.save(buffer)
    url = reverse("plans:breakdown_upload", args=[plan.pk])
    preview = planner_client.post(url, {"table": SimpleUploadedFile("t.xlsx", buffer.getvalue())})
    page = preview.content.decode()
    assert "县财政局" in page and 'name="staged"' in page
    task = PlanItem.objects.get(plan=plan, title="压实工作责任。")
    assert not Assignment.objects.filter(item=task).exists()  # the check applied nothing
    staged = page.split('name="staged" value="')[1].split('"')[0]
    applied = planner_client.post(url, {"staged": staged})
    assert applied.status_code == 302
    assert Assignment.objects.filter(item=task, unit=org.unit_b, role="lead").exists()
    expired = planner_client.post(url, {"staged": staged})
    assert expired.status_code == 302  # staged file is used once


def test_breakdown_upload_of_junk_shows_a_message(planner_client, plan):
    page = planner_client.post(
        reverse("plans:breakdown_upload", args=[plan.pk]), {"table": SimpleUploadedFile("t.xlsx", b"junk")}
    ).content.decode()
    assert "is not an .xlsx workbook" in page


def test_bulk_assign(planner_client, plan, org):
    tasks = list(PlanItem.objects.filter(plan=plan, depth=2))
    response = planner_client.post(
        reverse("plans:bulk_assign", args=[plan.pk]),
        {
            "items": [t.pk for t in tasks],
            "unit": org.unit_b.pk,
            "role": "cooperating",
            "due_date": "2019-11-30",
        },
    )
    assert response.status_code == 302
    for task in tasks:
        task.refresh_from_db()
        assert str(task.due_date) == "2019-11-30"
        assert Assignment.objects.filter(item=task, unit=org.unit_b, role="cooperating").exists()
    missing_role = planner_client.post(
        reverse("plans:bulk_assign", args=[plan.pk]),
        {"items": [tasks[0].pk], "unit": org.unit_a.pk},
        follow=True,
    )
    assert "Choose the role" in missing_role.content.decode()


def test_reporter_cannot_bulk_assign_or_upload(client, personas, plan, org):
    client.force_login(personas.reporter_a)
    task = PlanItem.objects.filter(plan=plan, depth=2).first()
    response = client.post(
        reverse("plans:bulk_assign", args=[plan.pk]),
        {"items": [task.pk], "unit": org.unit_b.pk, "role": "lead"},
    )
    assert response.status_code == 404
    assert client.get(reverse("plans:breakdown_upload", args=[plan.pk])).status_code == 404


def test_milestones_are_added_and_ticked_off(planner_client, plan, client, personas):
    task = PlanItem.objects.filter(plan=plan, depth=2).first()
    planner_client.post(
        reverse("plans:milestone_add", args=[task.pk]), {"title": "方案出台", "due_date": "2019-06-30"}
    )
    milestone = task.milestones.get()
    planner_client.post(reverse("plans:milestone_done", args=[milestone.pk]), {"done": "1"})
    milestone.refresh_from_db()
    assert milestone.done_on is not None
    assert "方案出台" in planner_client.get(reverse("web:item_detail", args=[task.pk])).content.decode()
    bad = planner_client.post(
        reverse("plans:milestone_add", args=[task.pk]),
        {"title": "远期", "due_date": "2099-01-01"},
        follow=True,
    )
    assert "far from the plan" in bad.content.decode()
    client.force_login(personas.reporter_b)
    assert client.post(reverse("plans:milestone_done", args=[milestone.pk]), {"done": "0"}).status_code == 404


def test_the_import_form_preselects_the_owner_unit_and_is_closed_to_viewers(client, personas, org, actor):
    from django.urls import reverse

    from workplan.accounts.models import Role
    from workplan.core.testing import make_user

    client.force_login(personas.planner)
    form = client.get(reverse("plans:import_start")).context["form"]
    assert form.fields["owner_unit"].initial == org.root.pk
    viewer = make_user(actor, "viewer-x", role=Role.VIEWER, unit=org.root)
    client.force_login(viewer)
    assert client.get(reverse("plans:import_start")).status_code == 403


def test_mapping_a_name_does_not_make_it_an_alias_unless_asked(client, personas, org):
    from django.urls import reverse

    from workplan.plans import drafts

    data = "2019年要点\n一、组织领导\n（一）完善机制。（各区负责）\n".encode()
    draft = drafts.draft_create(actor=personas.planner, data=data, filename="a.txt", owner_unit=org.root)
    client.force_login(personas.planner)
    html = client.get(reverse("plans:draft", args=[draft.pk])).content.decode()
    assert 'name="remember" value="1">' in html and 'value="1" checked' not in html
