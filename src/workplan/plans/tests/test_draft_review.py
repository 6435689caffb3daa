"""The review's second look: where the parser is unsure, split at numbered sentences, set the year.

Plans written for these tests.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from workplan.api.testing import client_for
from workplan.core.errors import Invalid, NotFound
from workplan.core.models import AuditEntry
from workplan.plans import draft_review, drafts
from workplan.plans.models import ImportDraft, PlanItem

# No year in the title: the year is guessed; 一、's body runs numbered sentences together;
# 3. skips a number; 中心 is a unit the organisation does not have.
DOCUMENT = """社区服务提升要点
一、改善公共服务。1.新建社区食堂。2.开放自习室。3.增设便民服务点。
二、加强队伍建设
1.开展业务培训，6月底前完成。（县民政局牵头）
3.建立考核制度，年底前出台。（某某服务中心负责）
县民政局
2029年3月1日
""".encode()


@pytest.fixture
def draft(personas, org):
    return drafts.draft_create(
        actor=personas.planner, data=DOCUMENT, filename="要点.txt", owner_unit=org.root
    )


def _item(draft, title_start):
    return next(item for item in draft.data["items"] if item["title"].startswith(title_start))


def test_the_draft_keeps_the_reasons_and_lists_the_doubts_in_order(draft):
    assert draft.year == 2029 and draft.data["year_source"] == "guessed"
    doubts = draft_review.review_doubts(draft)
    assert [(d["number"], d["reasons"]) for d in doubts] == [
        ("1", ["numbered_sentences_in_body"]),
        ("3", ["numbering_skipped", "unit_not_in_organisation"]),
    ]
    labels = draft_review.reason_labels(["numbering_skipped", "no_such_code"])
    assert labels[1] == "no_such_code" and "skips" in labels[0]


def test_split_at_numbered_sentences_makes_child_items(draft, personas):
    key = _item(draft, "改善公共服务")["key"]
    draft = draft_review.draft_split_numbered(actor=personas.planner, draft=draft, key=key)
    items = draft.data["items"]
    at = next(i for i, item in enumerate(items) if item["key"] == key)
    assert items[at]["text"] == "" and items[at]["reasons"] == []
    children = items[at + 1 : at + 4]
    assert [(c["level"], c["number"], c["label"], c["title"]) for c in children] == [
        (2, "1", "1.", "新建社区食堂。"),
        (2, "2", "2.", "开放自习室。"),
        (2, "3", "3.", "增设便民服务点。"),
    ]
    assert AuditEntry.objects.filter(action="draft.split_numbered", actor=personas.planner).count() == 1
    with pytest.raises(Invalid, match="no numbered sentences"):
        draft_review.draft_split_numbered(actor=personas.planner, draft=draft, key=children[0]["key"])
    with pytest.raises(NotFound):
        draft_review.draft_split_numbered(actor=personas.planner, draft=draft, key="i999")


def test_setting_the_year_moves_the_deadlines_that_follow_it(draft, personas):
    before = {d["text"]: d["date"] for item in draft.data["items"] for d in item["deadlines"]}
    assert before == {"6月底前": "2029-06-30", "年底前": "2029-12-31"}
    draft = draft_review.draft_set_year(actor=personas.planner, draft=draft, year=2030)
    after = {d["text"]: d["date"] for item in draft.data["items"] for d in item["deadlines"]}
    assert after == {"6月底前": "2030-06-30", "年底前": "2030-12-31"}
    assert draft.year == 2030 and draft.data["year_source"] == "given"
    assert ImportDraft.objects.get(pk=draft.pk).year == 2030
    entry = AuditEntry.objects.get(action="draft.year_set")
    assert entry.after["before"] == 2029 and entry.after["deadlines_moved"] == 2


@pytest.mark.parametrize("year", [0, 1989, 2201, -5, True, 10**12])
def test_a_bad_year_is_refused(draft, personas, year):
    with pytest.raises(Invalid, match="the year must be a number"):
        draft_review.draft_set_year(actor=personas.planner, draft=draft, year=year)


def test_a_deadline_that_names_its_year_keeps_it(personas, org):
    data = "工作要点\n一、2028年底前建成平台，6月底前完成招标。\n二、持续推进。\n".encode()
    draft = drafts.draft_create(actor=personas.planner, data=data, filename="a.txt", owner_unit=org.root)
    draft = draft_review.draft_set_year(actor=personas.planner, draft=draft, year=2031)
    dates = {d["text"]: d["date"] for item in draft.data["items"] for d in item["deadlines"]}
    assert dates["2028年底前"] == "2028-12-31" and dates["6月底前"] == "2031-06-30"


def test_others_cannot_change_a_draft(draft, personas):
    with pytest.raises(NotFound):
        draft_review.draft_set_year(actor=personas.reporter_a, draft=draft, year=2030)


def test_the_review_page_lists_the_doubts_and_fixes_them(client, personas, org):
    client.force_login(personas.planner)
    response = client.post(
        reverse("plans:import_start"),
        {"document": SimpleUploadedFile("要点.txt", DOCUMENT), "owner_unit": org.root.pk, "year": ""},
    )
    draft = ImportDraft.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert 'class="review-checks"' in page and "draft-item level-1 unsure" in page
    assert page.count('<li><a href="#item-') == 2
    assert "split_numbered" in page and 'class="year inline unsure"' in page
    key = _item(draft, "改善公共服务")["key"]
    partial = client.post(
        reverse("plans:draft_action", args=[draft.pk, key, "split_numbered"]), HTTP_HX_REQUEST="true"
    )
    assert partial.status_code == 200 and "开放自习室" in partial.content.decode()
    year = client.post(reverse("plans:draft_year", args=[draft.pk]), {"year": "2030"}, HTTP_HX_REQUEST="true")
    assert year.status_code == 200 and 'class="year inline"' in year.content.decode()
    junk = client.post(
        reverse("plans:draft_year", args=[draft.pk]), {"year": "二〇三〇"}, HTTP_HX_REQUEST="true"
    )
    assert junk.status_code == 422
    client.post(reverse("plans:draft_confirm", args=[draft.pk]))
    assert PlanItem.objects.filter(title="开放自习室。").exists()


def test_the_api_shows_the_doubts_and_takes_the_fixes(draft, personas):
    api = client_for(personas.planner)
    got = api.get(f"/api/v1/imports/{draft.pk}").json()
    assert got["year_source"] == "guessed"
    assert got["doubts"][0]["reasons"] == ["numbered_sentences_in_body"]
    assert any(item["reasons"] == ["numbering_skipped"] for item in got["items"])
    key = got["doubts"][0]["key"]
    split = api.post(
        f"/api/v1/imports/{draft.pk}/edits",
        {"action": "split_numbered", "key": key},
        content_type="application/json",
    )
    assert split.status_code == 200, split.content[:300]
    assert len(split.json()["items"]) == len(got["items"]) + 3
    year = api.post(
        f"/api/v1/imports/{draft.pk}/edits", {"action": "year", "year": 2030}, content_type="application/json"
    )
    assert year.status_code == 200 and year.json()["year"] == 2030 and year.json()["year_source"] == "given"
    bad = api.post(
        f"/api/v1/imports/{draft.pk}/edits",
        {"action": "year", "year": "2030; DROP"},
        content_type="application/json",
    )
    assert bad.status_code == 422
