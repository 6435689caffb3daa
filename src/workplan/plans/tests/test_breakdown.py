"""The breakdown table both ways: export layout, dry run, apply, idempotence, round trip,
and every kind of bad table refused with row and column, changing nothing."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from workplan.core.errors import Forbidden, Invalid
from workplan.core.models import AuditEntry
from workplan.plans import services
from workplan.plans.breakdown.changes import breakdown_import, parse_cell_date
from workplan.plans.breakdown.export import breakdown_export
from workplan.plans.models import Assignment, Plan, PlanItem


@pytest.fixture
def plan(actor, org) -> Plan:
    plan = services.plan_create(actor=actor, title="2019年工作要点", year=2019, owner_unit=org.root)
    for p, part_title in enumerate(["加强组织领导", "强化督促检查"], start=1):
        part = services.item_create(
            actor=actor, plan=plan, title=part_title, number=str(p), label="一二"[p - 1] + "、"
        )
        for t in range(1, 3):
            task = services.item_create(
                actor=actor,
                plan=plan,
                parent=part,
                title=f"任务{p}.{t}",
                body=f"具体措施{p}.{t}",
                number=str(t),
                label=f"（{t}）",
                due_date=dt.date(2019, 6, 30),
            )
            services.assignment_create(actor=actor, item=task, unit=org.unit_a, role="lead")
            services.target_create(actor=actor, item=task, text="覆盖率达到80%以上", kind="percent", value=80)
    return plan


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def _values(data: bytes) -> list[tuple]:
    return [tuple(row) for row in _sheet(data).iter_rows(values_only=True)]


def _edit(data: bytes, edits: dict[tuple[int, int], object]) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    for (row, column), value in edits.items():
        sheet.cell(row=row, column=column).value = value  # value=None in cell() would not clear it
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_export_layout(actor, plan):
    data = breakdown_export(user=actor, plan=plan)
    sheet = _sheet(data)
    assert [c.value for c in sheet[2]][:8] == [
        "序号",
        "工作任务",
        "具体措施",
        "目标",
        "牵头单位",
        "责任单位",
        "配合单位",
        "完成时限",
    ]
    assert sheet.column_dimensions["I"].hidden is True
    assert sheet.print_title_rows == "$2:$2"
    assert sheet.page_setup.orientation == "landscape"
    assert "A3:H3" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A3"].value == "一、加强组织领导" and sheet["A3"].font.bold
    assert sheet["H4"].number_format == "yyyy-mm-dd"
    assert [sheet.cell(row=4, column=c).value for c in range(1, 8)] == [
        "1",
        "任务1.1",
        "具体措施1.1",
        "覆盖率达到80%以上",
        "县民政局",
        None,
        None,
    ]
    assert sheet["H4"].value.date() == dt.date(2019, 6, 30)
    assert sheet.max_row == 2 + 2 + 4


def test_english_headers(actor, plan):
    sheet = _sheet(breakdown_export(user=actor, plan=plan, language="en"))
    assert sheet["B2"].value == "Task" and sheet["E2"].value == "Lead unit"


def test_unchanged_table_is_a_no_op(actor, plan):
    preview = breakdown_import(
        actor=actor, plan=plan, data=breakdown_export(user=actor, plan=plan), apply=True
    )
    assert preview.ok and preview.changes == [] and not preview.applied


def test_edit_units_and_dates_dry_run_then_apply_then_idempotent(actor, org, plan):
    data = _edit(
        breakdown_export(user=actor, plan=plan),
        {
            (4, 5): "县财政局",
            (4, 6): "民政局、社会救助股",
            (4, 8): "2019年9月30日",
            (5, 8): "年底前",
            (5, 2): "任务改名",
        },
    )
    audit_before = AuditEntry.objects.count()
    dry = breakdown_import(actor=actor, plan=plan, data=data)
    assert dry.ok and not dry.applied
    assert {(c.row, c.field) for c in dry.changes} == {
        (4, "lead"),
        (4, "responsible"),
        (4, "due_date"),
        (5, "due_date"),
        (5, "title"),
    }
    assert AuditEntry.objects.count() == audit_before  # a dry run writes nothing

    applied = breakdown_import(actor=actor, plan=plan, data=data, apply=True)
    assert applied.applied
    first = PlanItem.objects.get(plan=plan, title="任务1.1")
    assert first.due_date == dt.date(2019, 9, 30)
    assert sorted(Assignment.objects.filter(item=first).values_list("unit__code", "role")) == [
        ("A", "responsible"),
        ("A1", "responsible"),
        ("B", "lead"),
    ]
    assert PlanItem.objects.get(plan=plan, title="任务改名").due_date == dt.date(2019, 12, 31)
    assert AuditEntry.objects.count() > audit_before

    again = breakdown_import(actor=actor, plan=plan, data=data, apply=True)
    assert again.changes == [] and not again.applied


def test_round_trip_export_import_export(actor, plan):
    first = breakdown_export(user=actor, plan=plan)
    breakdown_import(actor=actor, plan=plan, data=first, apply=True)
    assert _values(breakdown_export(user=actor, plan=plan)) == _values(first)


def test_new_row_adds_an_item_once(actor, plan):
    data = breakdown_export(user=actor, plan=plan)
    data = _edit(data, {(9, 1): "9", (9, 2): "新增任务", (9, 5): "县财政局", (9, 8): "2019-10-31"})
    breakdown_import(actor=actor, plan=plan, data=data, apply=True)
    new = PlanItem.objects.get(plan=plan, title="新增任务")
    assert new.get_parent().title == "强化督促检查" and new.due_date == dt.date(2019, 10, 31)
    again = breakdown_import(actor=actor, plan=plan, data=data, apply=True)
    assert again.changes == []
    assert PlanItem.objects.filter(plan=plan, title="新增任务").count() == 1


@pytest.mark.parametrize(
    ("edits", "fragment"),
    [
        ({(4, 5): "不存在的局"}, "row 4, 牵头单位: unknown unit '不存在的局'"),
        ({(4, 8): "2019-02-30"}, "row 4, 完成时限: '2019-02-30' is not a real date"),
        ({(4, 8): "某天"}, "row 4, 完成时限: '某天' is not a date"),
        ({(5, 1): "1"}, "row 5, 序号: 序号 1 appears again (first in row 4)"),
        ({(5, 9): 999999}, "row 5, ID: there is no item 999999 in this plan"),
        ({(4, 2): None}, "row 4, 工作任务: the task is empty"),
        ({(4, 8): "=DATE(2019,6,30)"}, "row 4, 完成时限: contains a formula"),
        ({(4, 5): "县民政局", (4, 6): "县民政局"}, "row 4, 责任单位: 县民政局 is also listed as lead"),
    ],
)
def test_bad_cells_are_reported_and_nothing_changes(actor, plan, edits, fragment):
    data = _edit(breakdown_export(user=actor, plan=plan), {**edits, (7, 2): "这一行的修改也不能生效"})
    before = sorted(PlanItem.objects.filter(plan=plan).values_list("title", "due_date"))
    preview = breakdown_import(actor=actor, plan=plan, data=data, apply=True)
    assert not preview.ok and not preview.applied
    assert any(fragment in str(p) for p in preview.problems), [str(p) for p in preview.problems]
    assert sorted(PlanItem.objects.filter(plan=plan).values_list("title", "due_date")) == before


def test_odd_merged_cells_are_reported(actor, plan):
    workbook = load_workbook(io.BytesIO(breakdown_export(user=actor, plan=plan)))
    workbook.active.merge_cells("B4:C5")
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = breakdown_import(actor=actor, plan=plan, data=buffer.getvalue())
    assert any("merged cells B4:C5" in str(p) for p in preview.problems)


def test_hidden_sheets_are_ignored(actor, plan):
    workbook = load_workbook(io.BytesIO(breakdown_export(user=actor, plan=plan)))
    hidden = workbook.create_sheet("旧版")
    hidden.append(["序号", "工作任务", "牵头单位"])
    hidden.sheet_state = "hidden"
    workbook.move_sheet(hidden, offset=-1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = breakdown_import(actor=actor, plan=plan, data=buffer.getvalue())
    assert preview.ok and "hidden sheets were ignored: 旧版" in preview.notes


def _workbook_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "is empty"),
        (b"not a zip at all", "is not an .xlsx workbook"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old Excel file"),
        (_workbook_bytes([["名称", "说明"], ["a", "b"]]), "no visible sheet with a breakdown header"),
        (_workbook_bytes([["序号", "牵头单位", "责任单位"], ["1", "x", "y"]]), "has no column 工作任务"),
    ],
    ids=["empty", "not-a-zip", "old-excel", "no-breakdown-header", "no-task-column"],
)
def test_bad_files_are_refused(actor, plan, data, fragment):
    with pytest.raises(Invalid, match=fragment):
        breakdown_import(actor=actor, plan=plan, data=data)


def test_zip_bomb_is_refused_before_unpacking(actor, plan):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/huge.xml", b"\0" * (210 * 1024 * 1024))
    with pytest.raises(Invalid, match="unpacks to more than"):
        breakdown_import(actor=actor, plan=plan, data=buffer.getvalue())


def test_too_many_rows_is_refused(actor, plan):
    rows = [["序号", "工作任务", "ID"]] + [[str(n), f"任务{n}", None] for n in range(10_001)]
    with pytest.raises(Invalid, match="more than 10,000 rows"):
        breakdown_import(actor=actor, plan=plan, data=_workbook_bytes(rows))


def test_reporter_cannot_import(actor, plan, personas):
    with pytest.raises(Forbidden):
        breakdown_import(actor=personas.reporter_a, plan=plan, data=breakdown_export(user=actor, plan=plan))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2019, 3, 1), dt.date(2019, 3, 1)),
        ("2019/6/30", dt.date(2019, 6, 30)),
        ("2019.12.31", dt.date(2019, 12, 31)),
        ("长期坚持", None),
        (None, None),
        ("6月底前", dt.date(2019, 6, 30)),
    ],
)
def test_parse_cell_date(value, expected):
    assert parse_cell_date(value, year=2019) == expected
