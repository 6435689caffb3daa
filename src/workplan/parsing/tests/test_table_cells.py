"""Table rows read cell by cell: a targets column, a deadline column, unit columns whose
names contain "and", and the text below a table (a breakdown table exported as .xlsx and
parsed back, a pipe table in text, a Word table)."""

from __future__ import annotations

import io

import docx
from openpyxl import Workbook

from workplan.parsing import parse_document, parse_text
from workplan.parsing.promises import extract_units, split_units
from workplan.parsing.readers import read_bytes
from workplan.parsing.readers.testing import docx_to_bytes
from workplan.parsing.result import ParsedItem, ParsedPlan, Span

HEADER_ZH = ["序号", "工作任务", "具体措施", "目标", "牵头单位", "责任单位", "配合单位", "完成时限"]
HEADER_EN = [
    "No.",
    "Task",
    "Measures",
    "Targets",
    "Lead unit",
    "Responsible units",
    "Cooperating units",
    "Deadline",
]


def _pipe_plan(
    title: str, header: list[str], rows: list[list[str]], after: tuple[str, ...] = ()
) -> ParsedPlan:
    lines = [title, " | ".join(header), *(" | ".join(row) for row in rows), *after]
    return parse_text("\n".join(lines))


def _xlsx_plan(
    title: str, header: list[str], rows: list[list[str]], after: tuple[str, ...] = ()
) -> ParsedPlan:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for line in after:
        sheet.append([line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return parse_document(read_bytes(buffer.getvalue(), filename="plan.xlsx"))


def _rows(plan: ParsedPlan) -> list[ParsedItem]:
    return [item for item in plan.flat_items() if item.number.isdigit() and item.level >= 1]


def _targets(item: ParsedItem) -> list[tuple[str, str, float | None]]:
    return [(t.text, t.kind, t.value) for t in item.targets]


def _deadlines(item: ParsedItem) -> list[tuple[str, str | None]]:
    return [(d.text, d.date.isoformat() if d.date else None) for d in item.deadlines]


def _units(item: ParsedItem) -> list[tuple[str, str]]:
    return [(u.text, u.role) for u in item.units]


ROW_ZH = [
    "1",
    "扩大就业",
    "全年新增就业5000人以上，年内完成。",
    "新增就业5000人以上",
    "市人社局",
    "各县（市、区）人民政府、市财政局",
    "市统计局",
    "2024年12月31日",
]
ROW_EN = [
    "1",
    "Train legal advisers.",
    "In the next year, provide 1-2 legal consultants for each chamber of commerce.",
    "1-2 legal consultants",
    "Ethnic and Religious Affairs Section",
    "Chengguan Town、Xinhe Town",
    "Hong Kong, Macao, Taiwan and Overseas Chinese Section",
    "2019-12-31",
]


# ----------------------------------------------------------------- 1. the targets column


def test_a_target_stated_in_the_measures_and_the_targets_cell_is_one_target():
    for build in (_pipe_plan, _xlsx_plan):
        plan = build("2024年重点任务分解表", HEADER_ZH, [ROW_ZH])
        row = _rows(plan)[0]
        assert _targets(row) == [("5000人以上", "count", 5000.0)], build
        assert row.targets[0].span.start > plan.text.index("新增就业5000人以上")  # the cell's

        plan = build("2019 work plan breakdown", HEADER_EN, [ROW_EN])
        row = _rows(plan)[0]
        assert _targets(row) == [("1-2 legal consultants", "count", 1.0)], build
        assert row.targets[0].span.start > plan.text.index("chamber of commerce")


def test_the_targets_cell_does_not_hide_other_targets_of_the_row():
    zh = [*ROW_ZH]
    zh[2] = "覆盖率达到90%以上，全年新增就业5000人。"
    row = _rows(_pipe_plan("2024年重点任务分解表", HEADER_ZH, [zh]))[0]
    assert _targets(row) == [("90%以上", "percent", 90.0), ("5000人以上", "count", 5000.0)]


def test_a_blank_targets_cell_leaves_the_measures_targets():
    zh = [*ROW_ZH]
    zh[3] = ""
    row = _rows(_xlsx_plan("2024年重点任务分解表", HEADER_ZH, [zh]))[0]
    assert _targets(row) == [("5000人以上", "count", 5000.0)]


def test_words_without_a_number_are_the_same_target_when_one_contains_the_other():
    en = [*ROW_EN]
    en[2], en[3] = "Meet the chambers regularly.", "regular"
    row = _rows(_pipe_plan("2019 work plan breakdown", HEADER_EN, [en]))[0]
    assert _targets(row) == [("regular", "frequency", None)]


# ----------------------------------------------------------------- 2. the deadline column


def test_the_deadline_column_is_the_deadline_and_the_same_date_is_not_repeated():
    for build in (_pipe_plan, _xlsx_plan):
        row = _rows(build("2024年重点任务分解表", HEADER_ZH, [ROW_ZH]))[0]
        assert _deadlines(row) == [("2024年12月31日", "2024-12-31")], build
        row = _rows(build("2019 work plan breakdown", HEADER_EN, [ROW_EN]))[0]
        assert _deadlines(row) == [("2019-12-31", "2019-12-31")], build


def test_an_earlier_milestone_in_the_measures_is_kept():
    zh = [*ROW_ZH]
    zh[2] = "6月底前启动，全年新增就业5000人。"
    row = _rows(_pipe_plan("2024年重点任务分解表", HEADER_ZH, [zh]))[0]
    assert _deadlines(row) == [("6月底前", "2024-06-30"), ("2024年12月31日", "2024-12-31")]


def test_an_undated_deadline_said_twice_is_said_once():
    en = [*ROW_EN]
    en[2], en[7] = "Open the office as soon as possible.", "As soon as possible"
    row = _rows(_pipe_plan("2019 work plan breakdown", HEADER_EN, [en]))[0]
    assert _deadlines(row) == [("As soon as possible", None)]


# ----------------------------------------------------------------- 3. unit columns


def test_a_unit_name_with_and_in_a_column_is_one_unit():
    for build in (_pipe_plan, _xlsx_plan):
        row = _rows(build("2019 work plan breakdown", HEADER_EN, [ROW_EN]))[0]
        assert _units(row) == [
            ("Ethnic and Religious Affairs Section", "lead"),
            ("Chengguan Town", "responsible"),
            ("Xinhe Town", "responsible"),
            ("Hong Kong, Macao, Taiwan and Overseas Chinese Section", "cooperating"),
        ], build


def test_and_or_a_comma_part_names_that_each_name_a_unit():
    def cell(text: str) -> list[str]:
        return [u.text for u in split_units(text, Span(0, len(text)), "responsible")]

    assert cell("Chengguan Town, Xinhe Town and Dongshan Town") == [
        "Chengguan Town",
        "Xinhe Town",
        "Dongshan Town",
    ]
    assert cell("Party Affairs Section and Publicity Section") == [
        "Party Affairs Section",
        "Publicity Section",
    ]
    assert cell("Registration and Licensing Unit, Finance Office") == [
        "Registration and Licensing Unit",
        "Finance Office",
    ]
    assert cell("Publicity and Grassroots Section") == ["Publicity and Grassroots Section"]
    assert cell("Finance Bureau; the relevant departments") == ["Finance Bureau", "relevant departments"]
    assert cell("NDRC and CPPCC") == ["NDRC", "CPPCC"]
    assert cell("Women's Federation\nCommunist Youth League") == [
        "Women's Federation",
        "Communist Youth League",
    ]
    # Chinese lists part at 、，；, never at 和 (which is part of many names).
    assert cell("市民族和宗教事务局、市财政局") == ["市民族和宗教事务局", "市财政局"]


def test_the_same_rule_in_running_english_text():
    text = "Lead: Registration and Licensing Unit; Cooperating: Finance Office and IT Office."
    assert [(u.text, u.role) for u in extract_units(text, [Span(0, len(text))])] == [
        ("Registration and Licensing Unit", "lead"),
        ("Finance Office", "cooperating"),
        ("IT Office", "cooperating"),
    ]


# ----------------------------------------------------------------- 4. text below a table


def _check_note_outside(plan: ParsedPlan, note: str) -> None:
    rows = _rows(plan)
    assert rows and all(note not in item.text for item in plan.flat_items())
    start = plan.text.index(note)
    assert any(s.start == start for s in plan.furniture)
    assert [s.role for s in plan.segments if s.span.start == start] == ["furniture"]
    assert all(not (b.start <= start < b.end) for item in plan.flat_items() for b in item.body_spans)


def test_a_note_below_the_table_is_not_part_of_the_last_row():
    rows = [["1", "修订制度", "办公室", "3月底前"], ["2", "开展培训", "人事科", "6月底前"]]
    header = ["序号", "工作任务", "牵头单位", "完成时限"]
    note = "注：各责任单位每季度末报送进展情况。"
    for build in (_pipe_plan, _xlsx_plan):
        plan = build("2024年工作任务分解表", header, rows, (note,))
        _check_note_outside(plan, note)
        assert _rows(plan)[-1].text == "" and _deadlines(_rows(plan)[-1]) == [("6月底前", "2024-06-30")]

    rows_en = [
        ["1", "Revise the rules", "General Office", "March 2024"],
        ["2", "Train staff", "HR Office", "June"],
    ]
    note_en = "Note: each responsible unit reports its progress at the end of every quarter."
    plan = _pipe_plan(
        "2024 work plan breakdown", ["No.", "Task", "Lead unit", "Deadline"], rows_en, (note_en,)
    )
    _check_note_outside(plan, note_en)


def test_a_paragraph_below_a_word_table_goes_on_with_the_item_the_table_sits_in():
    document = docx.Document()
    document.add_paragraph("2024年工作要点")
    document.add_paragraph("一、重点任务")
    table = document.add_table(rows=3, cols=3)
    for r, values in enumerate(
        [["序号", "工作任务", "牵头单位"], ["1", "修订制度", "办公室"], ["2", "开展培训", "人事科"]]
    ):
        for c, value in enumerate(values):
            table.rows[r].cells[c].text = value
    closing = "各单位要高度重视，认真抓好落实。"
    document.add_paragraph(closing)
    document.add_paragraph("二、保障措施")
    document.add_paragraph("加强组织领导。")
    plan = parse_document(read_bytes(docx_to_bytes(document), filename="plan.docx"))
    assert [item.title for item in plan.items] == ["重点任务", "保障措施"]
    rows = plan.items[0].children
    assert [row.title for row in rows] == ["修订制度", "开展培训"]
    assert closing not in rows[-1].text and closing in plan.items[0].text
    assert plan.items[1].text == "加强组织领导。"  # the plan goes on as before after the new item


def test_a_paragraph_below_a_table_of_top_level_rows_is_plan_level_text():
    closing = "各单位要高度重视，认真抓好落实。"
    plan = _pipe_plan(
        "2024年工作任务分解表",
        ["序号", "工作任务", "牵头单位"],
        [["1", "修订制度", "办公室"], ["2", "开展培训", "人事科"]],
        (closing, "2024年1月5日"),
    )
    assert all(closing not in item.text for item in plan.flat_items())
    start = plan.text.index(closing)
    assert [s.role for s in plan.segments if s.span.start == start] == ["preamble"]


# ----------------------------------------------------------------- one unit a line


def test_a_unit_column_with_one_unit_a_line_lists_each_unit():
    rows_zh = [["1", "修订制度", "市财政局\n市教育局", "3月底前"]]
    rows_en = [["1", "Revise the rules", "Women's Federation\nCommunist Youth League", "March 2024"]]
    header_zh, header_en = (
        ["序号", "工作任务", "责任单位", "完成时限"],
        ["No.", "Task", "Responsible units", "Deadline"],
    )
    for title, header, rows, expected in (
        ("2024年工作任务分解表", header_zh, rows_zh, ["市财政局", "市教育局"]),
        ("2024 work plan breakdown", header_en, rows_en, ["Women's Federation", "Communist Youth League"]),
    ):
        plan = _xlsx_plan(title, header, rows)
        row = _rows(plan)[0]
        assert [u.text for u in row.units] == expected
        assert " ".join(expected) in plan.text  # the cell is still read as one line

        document = docx.Document()
        document.add_paragraph(title)
        table = document.add_table(rows=2, cols=4)
        for c, value in enumerate(header):
            table.rows[0].cells[c].text = value
        for c, value in enumerate(rows[0]):
            cell = table.rows[1].cells[c]
            lines = value.split("\n")
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)  # a paragraph of its own, as Enter makes one in Word
        plan = parse_document(read_bytes(docx_to_bytes(document), filename="plan.docx"))
        assert [u.text for u in _rows(plan)[0].units] == expected


def test_the_builder_remembers_where_a_cell_broke():
    from workplan.parsing.readers._common import DocumentBuilder

    builder = DocumentBuilder()
    builder.add_row(["1", " 市财政局\r\n市教育局\n\n市人社局 ", "a\nb\n"])
    document = builder.build(source_format="test")
    assert document.text == "1 | 市财政局 市教育局 市人社局 | a b"
    cells = document.blocks[0].cells
    assert [document.text[at] for at in cells[1].line_breaks] == [" ", " "]
    assert [at - cells[1].start for at in cells[1].line_breaks] == [4, 9]
    assert [at - cells[2].start for at in cells[2].line_breaks] == [1]
    assert cells[0].line_breaks == ()


def test_column_roles_from_headers_of_a_tracker_sheet():
    from workplan.parsing.structure.tables import column_role

    roles = {
        header: column_role(header)
        for header in (
            "Step ID",
            "Kick-off Date",
            "Status",
            "Task",
            "Sponsor Lead",
            "Team Lead 2",
            "Review Date",
            "Web Link",
            "Finish",
            "指导部门",
        )
    }
    assert roles == {
        "Step ID": "number",
        "Kick-off Date": "extra",
        "Status": "extra",
        "Task": "title",
        "Sponsor Lead": "lead",
        "Team Lead 2": "responsible",
        "Review Date": "extra",
        "Web Link": "extra",
        "Finish": "deadline",
        "指导部门": "lead",
    }
