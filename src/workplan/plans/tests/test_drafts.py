"""Import with review: upload → corrections → confirm, all-or-nothing, scoped to the planner."""

from __future__ import annotations

import pytest

from workplan.accounts.models import Unit
from workplan.core.errors import Conflict, Forbidden, Invalid, NotFound
from workplan.plans import drafts
from workplan.plans.models import Assignment, DraftStatus, Plan, PlanItem

DOCUMENT = """县民政局2019年工作要点
一、加强组织领导
（一）完善工作机制。建立联席会议制度，6月底前出台实施办法。（县民政局牵头，财政局负责）
（二）压实工作责任。签约率达到90%以上。
1. 这一条其实应是（二）的措施。
二、推进重点任务
（一）建设服务平台。年底前上线运行。
第二段落，应当拆成新任务。
（二）开展业务培训。
""".encode()


@pytest.fixture
def draft(personas, org):
    return drafts.draft_create(
        actor=personas.planner, data=DOCUMENT, filename="要点.txt", owner_unit=org.root
    )


def _keys(draft):
    return [(i["level"], i["title"]) for i in draft.data["items"]]


def test_upload_makes_a_draft_with_matches(draft, org):
    assert draft.year == 2019 and draft.status == DraftStatus.OPEN
    assert (1, "加强组织领导") in _keys(draft)
    units = draft.data["units"]
    assert units["县民政局"]["match"] == "exact" and units["县民政局"]["unit_id"] == org.unit_a.pk
    assert units["财政局"]["match"] == "suggestion" and org.unit_b.pk in units["财政局"]["suggestions"]


def test_bad_uploads_are_refused(personas, org):
    with pytest.raises(Invalid, match="empty"):
        drafts.draft_create(actor=personas.planner, data=b"", filename="a.txt", owner_unit=org.root)
    with pytest.raises(Invalid, match="no numbered items"):
        drafts.draft_create(
            actor=personas.planner, data="只是一段话。".encode(), filename="a.txt", owner_unit=org.root
        )
    with pytest.raises(Invalid, match=r"\.docx"):
        drafts.draft_create(
            actor=personas.planner,
            data=b"\xd0\xcf\x11\xe0" + bytes(64),
            filename="a.doc",
            owner_unit=org.root,
        )
    with pytest.raises(Forbidden):
        drafts.draft_create(actor=personas.reporter_a, data=DOCUMENT, filename="a.txt", owner_unit=org.root)


def test_edits_then_confirm(draft, personas, org):
    planner = personas.planner
    items = draft.data["items"]
    key_of = {i["title"]: i["key"] for i in items}
    draft = drafts.draft_rename(
        actor=planner, draft=draft, key=key_of["完善工作机制。"], title="完善议事协调机制"
    )
    draft = drafts.draft_indent(actor=planner, draft=draft, key=key_of["开展业务培训。"])
    service_platform = next(i for i in draft.data["items"] if i["title"] == "建设服务平台。")
    draft = drafts.draft_split(actor=planner, draft=draft, key=service_platform["key"], paragraph=1)
    draft = drafts.draft_map_unit(actor=planner, draft=draft, name="财政局", unit=org.unit_b)
    target_item = next(i for i in draft.data["items"] if i["targets"])
    draft = drafts.draft_set_promise(
        actor=planner, draft=draft, key=target_item["key"], kind="targets", index=0, accepted=False
    )

    result = drafts.draft_confirm(actor=planner, draft=draft)
    plan = result.plan
    titles = [(i.depth, i.title) for i in PlanItem.objects.filter(plan=plan).order_by("path")]
    assert (2, "完善议事协调机制") in titles
    assert (3, "开展业务培训。") in titles  # indented under the item above it
    assert any(t.startswith("第二段落") for _, t in titles)  # split off as its own item
    task = PlanItem.objects.get(plan=plan, title="完善议事协调机制")
    assert sorted(Assignment.objects.filter(item=task).values_list("unit__code", "role")) == [
        ("A", "lead"),
        ("B", "responsible"),
    ]
    assert "财政局" in Unit.objects.get(pk=org.unit_b.pk).aliases  # remembered for next time
    assert not any(t.value == 90 for i in PlanItem.objects.filter(plan=plan) for t in i.targets.all())
    draft.refresh_from_db()
    assert draft.status == DraftStatus.CONFIRMED and draft.plan == plan
    with pytest.raises(Invalid, match="already confirmed"):
        drafts.draft_confirm(actor=planner, draft=draft)


def test_confirm_failure_leaves_nothing(draft, personas, monkeypatch):
    import workplan.plans.importing as importing

    monkeypatch.setattr(importing, "_targets", lambda *a: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        drafts.draft_confirm(actor=personas.planner, draft=draft)
    assert not Plan.objects.exists()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.OPEN


def test_impossible_edits_are_refused(draft, personas):
    planner = personas.planner
    first = draft.data["items"][0]["key"]
    with pytest.raises(Invalid, match="no sibling above"):
        drafts.draft_indent(actor=planner, draft=draft, key=first)
    with pytest.raises(Invalid, match="already at the top"):
        drafts.draft_outdent(actor=planner, draft=draft, key=first)
    with pytest.raises(Invalid, match="nothing above"):
        drafts.draft_merge(actor=planner, draft=draft, key=first)
    with pytest.raises(Invalid, match="cannot be empty"):
        drafts.draft_rename(actor=planner, draft=draft, key=first, title="  ")
    with pytest.raises(NotFound):
        drafts.draft_rename(actor=planner, draft=draft, key="nope", title="x")
    with pytest.raises(Invalid, match="not a date"):
        drafts.draft_set_promise(
            actor=planner,
            draft=draft,
            key=first,
            kind="deadlines",
            index=0,
            accepted=True,
            values={"date": "2019-02-30"},
        )


def test_drafts_are_private_to_their_planner(draft, personas):
    for other in (personas.reporter_a, personas.leader, personas.outsider):
        with pytest.raises(NotFound):
            drafts.draft_get_for_user(user=other, draft_id=draft.pk)
    assert drafts.draft_get_for_user(user=personas.planner, draft_id=draft.pk) == draft


def test_stale_edit_is_refused(draft, personas):
    key = draft.data["items"][0]["key"]
    drafts.draft_rename(actor=personas.planner, draft=draft, key=key, title="新标题")
    with pytest.raises(Conflict):
        drafts._edit(
            actor=personas.planner,
            draft=draft,
            action="x",
            change=lambda d: {},
            expected_version=draft.version,
        )


def test_merge_moves_text_and_children(draft, personas):
    items = draft.data["items"]
    measure = next(i for i in items if i["title"].startswith("这一条"))
    assert measure["level"] == 3
    draft = drafts.draft_merge(actor=personas.planner, draft=draft, key=measure["key"])
    parent = next(i for i in draft.data["items"] if i["title"] == "压实工作责任。")
    assert "这一条其实应是" in parent["text"]
    assert all(i["key"] != measure["key"] for i in draft.data["items"])
