"""Re-importing a revised document: diff classification and an apply that keeps identity."""

from __future__ import annotations

import pytest

from workplan.core.errors import Forbidden
from workplan.parsing import parse_text
from workplan.plans import services
from workplan.plans.importing import plan_import
from workplan.plans.models import Assignment, ItemStatus, PlanItem
from workplan.plans.revisions import revision_apply, revision_diff

ORIGINAL = """2019年工作要点
一、加强组织领导
（一）完善工作机制。建立联席会议制度，每季度召开1次会议。
（二）压实工作责任。层层签订责任书。
二、推进重点任务
（一）建设服务平台。6月底前上线运行。
（二）开展业务培训。全年培训不少于200人次。
三、强化保障措施
（一）加强经费保障。
（二）严格督查考核。
"""

REVISED = """2019年工作要点（修订）
一、加强组织领导
（一）完善工作机制。建立联席会议制度，每季度召开1次会议。
（二）压实工作责任。层层签订目标责任书，年底前完成考核。
二、推进重点任务
（一）建设服务平台。6月底前上线运行。
（二）推进数据共享。9月底前完成数据目录编制。
三、强化保障措施
（一）严格督查考核。
（二）开展业务培训。全年培训不少于200人次。
"""


@pytest.fixture
def stored(actor, org):
    result = plan_import(actor=actor, parsed=parse_text(ORIGINAL, year=2019), owner_unit=org.root)
    for task in PlanItem.objects.filter(plan=result.plan, depth=2):
        services.assignment_create(actor=actor, item=task, unit=org.unit_a, role="lead")
    return result.plan


def _by_title(plan, title):
    return PlanItem.objects.get(plan=plan, title__startswith=title)


def test_diff_classifies_every_kind(actor, stored):
    diff = revision_diff(user=actor, plan=stored, parsed=parse_text(REVISED, year=2019))
    kinds = {(c.kind, (c.new or c.old).title) for c in diff.changes if c.kind != "unchanged"}
    assert kinds == {
        ("reworded", "压实工作责任。"),
        ("added", "推进数据共享。"),
        ("removed", "加强经费保障。"),
        ("moved", "开展业务培训。"),
    }
    assert diff.count("unchanged") == 6


def test_apply_keeps_identity_assignments_and_archives_removed(actor, stored):
    kept = {
        t: _by_title(stored, t).pk for t in ("完善工作机制", "压实工作责任", "开展业务培训", "建设服务平台")
    }
    removed_pk = _by_title(stored, "加强经费保障").pk
    diff = revision_diff(user=actor, plan=stored, parsed=parse_text(REVISED, year=2019))
    revision_apply(actor=actor, diff=diff)

    for title, pk in kept.items():
        item = PlanItem.objects.get(pk=pk)
        assert item.title.startswith(title) and item.status == ItemStatus.ACTIVE
        assert Assignment.objects.filter(item=item, role="lead").exists()
    training = PlanItem.objects.get(pk=kept["开展业务培训"])
    assert training.get_parent().title == "强化保障措施" and training.number == "2"
    reworded = PlanItem.objects.get(pk=kept["压实工作责任"])
    assert "年底前" in reworded.body
    assert [d.text for d in reworded.deadlines.all()] == ["年底前"]
    archived = PlanItem.objects.get(pk=removed_pk)
    assert archived.status == ItemStatus.ARCHIVED
    added = _by_title(stored, "推进数据共享")
    assert added.get_parent().title == "推进重点任务"
    live = PlanItem.objects.filter(plan=stored, status=ItemStatus.ACTIVE)
    assert live.filter(depth=1).count() == 3 and live.filter(depth=2).count() == 6
    assert PlanItem.find_problems() == ([], [], [], [], [])


def test_applying_the_same_document_again_changes_nothing(actor, stored):
    parsed = parse_text(REVISED, year=2019)
    revision_apply(actor=actor, diff=revision_diff(user=actor, plan=stored, parsed=parsed))
    again = revision_diff(user=actor, plan=stored, parsed=parse_text(REVISED, year=2019))
    assert again.count("unchanged") == len(again.changes)


def test_reporter_cannot_revise(personas, stored):
    with pytest.raises(Forbidden):
        revision_diff(user=personas.reporter_a, plan=stored, parsed=parse_text(REVISED, year=2019))


def test_revision_keeps_the_progress_of_unchanged_items(actor, org, stored):
    """Reports, tracks and the timeline belong to the item's identity, which a revision keeps."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from workplan.core import clock
    from workplan.progress import services as progress
    from workplan.progress.models import Period, ProgressReport, Track

    with clock.frozen(dt.datetime(2019, 3, 10, 9, tzinfo=ZoneInfo("Asia/Shanghai"))):
        progress.plan_dispatch(actor=actor, plan=stored)
        period = Period.objects.get(plan=stored, index=3)
        reported = {}
        for track in Track.objects.filter(item__plan=stored):
            report = progress.report_save(
                actor=actor,
                track=track,
                period=period,
                narrative="按计划推进",
                percent=30,
                expected_version=0,
            )
            reported[track.item_id] = report.pk
        diff = revision_diff(user=actor, plan=stored, parsed=parse_text(REVISED, year=2019))
        revision_apply(actor=actor, diff=diff)
    unchanged = [
        c.old for c in diff.changes if c.kind == "unchanged" and c.old is not None and c.old.depth == 2
    ]
    assert unchanged
    for item in unchanged:
        report = ProgressReport.objects.get(pk=reported[item.pk])
        assert report.item_id == item.pk and report.percent == 30
        assert Track.objects.filter(item=item).exists()
    removed = next(c.old for c in diff.changes if c.kind == "removed")
    assert ProgressReport.objects.filter(item=removed).exists()  # archived, history kept


def test_a_change_late_in_a_long_paragraph_is_reworded_and_its_target_applied(actor, org):
    """Only the first 400 characters used to be compared: a late 80% -> 90% was "unchanged"."""
    from workplan.core.audit import AuditEntry
    from workplan.plans.models import Target

    filler = "坚持统筹推进，完善工作机制，强化部门协同，" * 30  # ~600 characters before the promise
    original = f"2019年工作要点\n一、加强组织领导\n（一）提高办结率。{filler}办结率达到80%。\n"
    revised = original.replace("80%", "90%")
    plan = plan_import(actor=actor, parsed=parse_text(original, year=2019), owner_unit=org.root).plan
    item = _by_title(plan, "提高办结率")
    assert [t.value for t in Target.objects.filter(item=item)] == [80]

    diff = revision_diff(user=actor, plan=plan, parsed=parse_text(revised, year=2019))
    assert [c.kind for c in diff.changes if c.old is not None and c.old.pk == item.pk] == ["reworded"]
    revision_apply(actor=actor, diff=diff)
    assert [t.value for t in Target.objects.filter(item=item)] == [90]
    assert AuditEntry.objects.filter(action="item.reworded", target_id=str(item.pk)).exists()
