"""Structure that lives in a table's layout rather than in its numbers: a week or stage cell
over several rows, a column of "Session 1"-style labels, a column of dates under a header
the vocabulary does not know (or under none), a row merged taller than the others, a note
line above a table. All the tables here are written for these tests."""

from __future__ import annotations

import datetime as dt
import io

import docx
from openpyxl import Workbook

from workplan.parsing import parse_document
from workplan.parsing.readers import read_bytes
from workplan.parsing.readers.testing import docx_to_bytes
from workplan.parsing.result import ParsedPlan
from workplan.parsing.structure.grammar import parse_table_number


def _xlsx(rows: list[list[object]], merges: tuple[str, ...] = ()) -> ParsedPlan:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return parse_document(read_bytes(buffer.getvalue(), filename="schedule.xlsx"))


def _docx_table(rows: list[list[str]]) -> ParsedPlan:
    document = docx.Document()
    document.add_paragraph("Garden club spring programme")
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    return parse_document(read_bytes(docx_to_bytes(document), filename="programme.docx"))


def _outline(plan: ParsedPlan) -> list[tuple[int, str, str]]:
    return [(item.level, item.number, item.title) for item in plan.flat_items()]


def test_a_week_cell_left_blank_below_it_groups_the_sessions_of_that_week():
    plan = _docx_table(
        [
            ["Week", "Session", "Activity", "Notes"],
            ["Week 1", "Session 1", "Preparing the beds", "Dig compost into the vegetable beds"],
            ["", "Session 2", "Sowing under glass", "Sow tomatoes and peppers in trays"],
            ["Week 2", "Session 1", "Pricking out", "Move the seedlings into small pots"],
            ["", "Session 2", "Hardening off", "Put the pots outside during the day"],
        ]
    )
    assert _outline(plan) == [
        (1, "1", "Week 1"),
        (2, "1", "Preparing the beds"),
        (2, "2", "Sowing under glass"),
        (1, "2", "Week 2"),
        (2, "1", "Pricking out"),
        (2, "2", "Hardening off"),
    ]


def test_a_stage_number_merged_down_its_rows_is_the_parent_of_those_rows():
    plan = _xlsx(
        [
            ["阶段", "工作项目", "项目描述", "计划完成"],
            [1, "整理场地", "清理杂物，平整地面", "2031-03-05"],
            [None, "采购材料", "木材与五金件", "2031-03-09"],
            [2, "搭建棚架", "先立柱后铺顶", "2031-03-20"],
            [None, "安装灯具", "每间两盏", "2031-03-25"],
            [None, "验收", "请物业到场", "2031-03-31"],
        ],
        merges=("A2:A3", "A4:A6"),
    )
    assert _outline(plan) == [
        (1, "1", "1"),
        (2, "1", "整理场地"),
        (2, "2", "采购材料"),
        (1, "2", "2"),
        (2, "1", "搭建棚架"),
        (2, "2", "安装灯具"),
        (2, "3", "验收"),
    ]
    assert [d.date for d in plan.flat_items()[6].deadlines] == [dt.date(2031, 3, 31)]


def test_a_numbered_column_with_one_row_per_number_still_numbers_rows():
    plan = _xlsx(
        [
            ["序号", "工作任务", "完成时限"],
            [1, "修订值班制度", "2031年3月底前"],
            [2, "更新应急预案", "2031年6月底前"],
            [3, "组织一次演练", "2031年9月底前"],
        ]
    )
    assert _outline(plan) == [(1, "1", "修订值班制度"), (1, "2", "更新应急预案"), (1, "3", "组织一次演练")]


def test_the_groups_end_at_a_heading_below_the_table():
    plan = _xlsx(
        [
            ["阶段", "工作项目", "说明"],
            [1, "拍摄样片", "两天"],
            [None, "挑选演员", "三人"],
            [2, "正式拍摄", "一周"],
            [None, "后期剪辑", "两周"],
            ["交付内容", None, None],
            [None, "1.成片一部", None],
            [None, "2.花絮一段", None],
        ],
        merges=("A2:A3", "A4:A5"),
    )
    outline = _outline(plan)
    assert outline[:6] == [
        (1, "1", "1"),
        (2, "1", "拍摄样片"),
        (2, "2", "挑选演员"),
        (1, "2", "2"),
        (2, "1", "正式拍摄"),
        (2, "2", "后期剪辑"),
    ]
    assert all(level == 1 for level, _, title in outline[6:] if title == "交付内容")


def test_a_word_and_a_number_in_a_number_cell_is_that_number():
    for text, value in (("Week 3", 3), ("Session 12", 12), ("第二阶段", 2), ("第4周", 4)):
        label = parse_table_number(text, 0)
        assert label is not None and label.readings[0].value == value, text


def test_a_row_merged_taller_than_the_others_is_read_once():
    plan = _xlsx(
        [
            ["日期", "安排"],
            ["第1天", "搭建开发环境"],
            [None, None],
            ["第2-3天", "完成登录页面"],
            [None, None],
        ],
        merges=("A2:A3", "B2:B3", "A4:A5", "B4:B5"),
    )
    assert [(item.title, [d.text for d in item.deadlines]) for item in plan.items] == [
        ("搭建开发环境", ["第1天"]),
        ("完成登录页面", ["第2-3天"]),
    ]


def test_a_sheet_whose_first_row_is_already_a_task_has_no_header():
    plan = _xlsx(
        [
            [dt.date(2031, 4, 2), "确定展板内容", "初稿即可"],
            [dt.date(2031, 4, 16), "印刷展板"],
            [dt.date(2031, 4, 20), "布置展厅"],
        ]
    )
    assert [(item.title, [d.date for d in item.deadlines]) for item in plan.items] == [
        ("确定展板内容", [dt.date(2031, 4, 2)]),
        ("印刷展板", [dt.date(2031, 4, 16)]),
        ("布置展厅", [dt.date(2031, 4, 20)]),
    ]


def test_a_column_of_dates_under_an_unknown_header_gives_the_deadlines():
    plan = _xlsx(
        [
            ["Step", "Owner", "Wrap-up"],
            ["Book the hall", "Priya", dt.date(2031, 5, 1)],
            ["Print the flyers", "Tom", dt.date(2031, 5, 8)],
            ["Set up the chairs", "Priya", dt.date(2031, 5, 15)],
        ]
    )
    assert [[d.date for d in item.deadlines] for item in plan.items] == [
        [dt.date(2031, 5, 1)],
        [dt.date(2031, 5, 8)],
        [dt.date(2031, 5, 15)],
    ]


def test_an_effort_column_is_not_a_deadline():
    plan = _xlsx(
        [
            ["序号", "工作任务", "花费时间", "完成时间"],
            [1, "编写需求说明", "3天", "2031-06-05"],
            [2, "评审需求", "1天", "2031-06-06"],
        ]
    )
    assert [[d.text for d in item.deadlines] for item in plan.items] == [["2031-06-05"], ["2031-06-06"]]


def test_a_schedule_without_a_year_takes_the_year_of_its_serial_dates():
    # 47580 is the serial number of 2030-04-07: a date cell formatted as General.
    plan = _xlsx(
        [
            ["序号", "工作任务", "完成时间"],
            [1, "起草方案", "47580"],
            [2, "征求意见", "5月中旬"],
            [3, "定稿印发", "6月初"],
        ]
    )
    assert plan.year == 2030
    assert [[d.date for d in item.deadlines] for item in plan.items] == [
        [dt.date(2030, 4, 7)],
        [dt.date(2030, 5, 20)],
        [dt.date(2030, 6, 10)],
    ]


def test_a_note_above_a_table_is_not_the_plan_title():
    plan = _xlsx(
        [
            ["注：时间均按工作日计算"],
            ["序号", "工作任务", "完成时间"],
            [1, "清点库存", "2031-07-01"],
            [2, "补充货架", "2031-07-03"],
        ]
    )
    assert plan.title != "注：时间均按工作日计算"


def test_a_range_of_dates_in_a_deadline_cell_is_due_on_its_last_date():
    plan = _xlsx(
        [
            ["序号", "工作任务", "完成时间"],
            [1, "招募志愿者", "2031年5月下旬至6月初"],
            [2, "举办开放日", "2031年6月中旬"],
        ]
    )
    assert [[(d.text, d.date) for d in item.deadlines] for item in plan.items] == [
        [("2031年5月下旬至6月初", dt.date(2031, 6, 10))],
        [("2031年6月中旬", dt.date(2031, 6, 20))],
    ]


def _pdf_table(
    rows: list[tuple[float, list[tuple[float, str]]]], before: str = "Library open week"
) -> ParsedPlan:
    from workplan.parsing.readers.testing import PdfText, build_pdf

    page = [PdfText(72, 780, before, 14)]
    for y, cells in rows:
        page.extend(PdfText(x, y, text, 10) for x, text in cells)
    return parse_document(read_bytes(build_pdf([page]), filename="week.pdf"))


def test_a_pdf_table_with_a_header_of_known_columns_is_read_row_by_row():
    header = (700, [(72, "Date"), (170, "Activity"), (420, "In charge")])
    plan = _pdf_table(
        [
            header,
            (680, [(72, "2031-09-01"), (170, "Open the reading room"), (420, "Librarian")]),
            (660, [(72, "2031-09-03"), (170, "Story hour for children"), (420, "Volunteers")]),
            (640, [(72, "2031-09-05"), (170, "Close the book fair"), (420, "Librarian")]),
        ]
    )
    assert [
        (item.title, [d.date for d in item.deadlines], [(u.text, u.role) for u in item.units])
        for item in plan.items
    ] == [
        ("Open the reading room", [dt.date(2031, 9, 1)], [("Librarian", "responsible")]),
        ("Story hour for children", [dt.date(2031, 9, 3)], [("Volunteers", "responsible")]),
        ("Close the book fair", [dt.date(2031, 9, 5)], [("Librarian", "responsible")]),
    ]


def test_a_pdf_table_cell_wrapped_over_two_lines_stays_one_row():
    plan = _pdf_table(
        [
            (700, [(72, "Date"), (170, "Activity"), (420, "In charge")]),
            (680, [(72, "2031-10-02"), (170, "Repaint the entrance"), (420, "Caretaker")]),
            (668, [(170, "and the stairs")]),
            (646, [(72, "2031-10-09"), (170, "Fit new shelves"), (420, "Caretaker")]),
            (624, [(72, "2031-10-16"), (170, "Reopen the hall"), (420, "Manager")]),
        ]
    )
    assert [item.title for item in plan.items] == [
        "Repaint the entrance and the stairs",
        "Fit new shelves",
        "Reopen the hall",
    ]


def test_a_symbol_font_bullet_left_as_a_private_use_character_starts_an_action():
    from workplan.parsing import parse_text

    plan = parse_text(
        "Allotment summer jobs\n"
        "\uf0b7 Water the seedlings every evening\n"
        "\uf0b7 Net the strawberries against birds\n"
        "\uf0b7 Turn the compost heap\n"
    )
    assert [item.title for item in plan.items] == [
        "Water the seedlings every evening",
        "Net the strawberries against birds",
        "Turn the compost heap",
    ]


def test_a_numbered_objective_cell_over_its_action_rows_is_their_parent():
    plan = _docx_table(
        [
            ["Objective", "Action steps", "Target date"],
            ["Objective A: Keep members informed", "Send a newsletter to every member", "2031-02-01"],
            ["", "Update the notice board at the hall", "2031-02-15"],
            ["Objective B: Grow the membership", "Hold an open evening for new members", "2031-03-01"],
            ["", "Offer a reduced fee for students", "2031-03-15"],
        ]
    )
    assert [(level, number, title) for level, number, title in _outline(plan)] == [
        (1, "a", "Keep members informed"),
        (2, "1", "Send a newsletter to every member"),
        (2, "2", "Update the notice board at the hall"),
        (1, "b", "Grow the membership"),
        (2, "1", "Hold an open evening for new members"),
        (2, "2", "Offer a reduced fee for students"),
    ]


def test_a_frequency_in_a_date_column_is_a_target_of_the_row():
    plan = _xlsx(
        [
            ["Task", "Owner", "Target date"],
            ["Check the fire extinguishers", "Caretaker", "Annually"],
            ["Test the alarm", "Caretaker", "At least monthly"],
        ]
    )
    assert [[(t.kind, t.value, t.unit) for t in item.targets] for item in plan.items] == [
        [("frequency", 1.0, "per year")],
        [("frequency", 1.0, "per month")],
    ]


def test_a_day_and_month_in_a_date_column_is_dated_in_the_plans_year():
    plan = _xlsx(
        [
            ["Autumn fair 2031"],
            ["No.", "Task", "Date"],
            [1, "Book the stalls", "3rd Sept"],
            [2, "Bake for the cake stand", "Oct 9"],
            [3, "Run the fair", "17th - 18th Oct"],
        ]
    )
    assert [[d.date for d in item.deadlines] for item in plan.items] == [
        [dt.date(2031, 9, 3)],
        [dt.date(2031, 10, 9)],
        [dt.date(2031, 10, 18)],
    ]
