"""The .xlsx reader: a task breakdown table read into the same shape as a Word table.

Bad, hostile and oversize files are in ``test_readers_xlsx_files.py``.
"""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook

from workplan.parsing.readers import read_bytes, read_file
from workplan.parsing.readers.testing import check_invariants
from workplan.parsing.readers.xlsx import cell_text, header_key
from workplan.parsing.tests.xlsx_support import read_rows, rewrite_member, workbook_bytes

HEADER_ZH = ["序号", "工作任务", "具体措施", "牵头单位", "责任单位", "完成时限"]
HEADER_EN = ["No.", "Task", "Measures", "Lead unit", "Responsible units", "Deadline"]


def _texts(row) -> list[str]:
    return [text for text, _ in row[1]]


def _headers(row) -> list[str | None]:
    return [header for _, header in row[1]]


def _breakdown_workbook() -> Workbook:
    """A hand-made breakdown table: title, header, parts as merged rows, a merged lead unit."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "任务分解表"
    sheet["A1"] = "XX局2024年重点工作任务分解表"
    sheet.merge_cells("A1:F1")
    sheet.append(HEADER_ZH)
    sheet.append(["一、支持企业稳定发展"])
    sheet.merge_cells("A3:F3")
    sheet.append(
        [1, "落实减税降费政策", "全面落实各项减税政策。", "市税务局", "各区政府", dt.date(2024, 6, 30)]
    )
    sheet.append([2, "加大融资支持", "扩大普惠小微贷款。", None, "市金融局", "2024年12月底前"])
    sheet.merge_cells("D4:D5")  # one lead unit for both tasks
    sheet.append(["二、优化营商环境"])
    sheet.merge_cells("A6:F6")
    sheet.append([3, "推进一网通办", "实现高频事项全程网办。", "市政务服务局", "各部门", "2024年底"])
    return workbook


# -- the table ------------------------------------------------------------------------------


def test_breakdown_table_reads_like_a_word_table():
    document, rows = read_rows(workbook_bytes(_breakdown_workbook()))
    assert document.source_format == "xlsx"
    assert rows[0] == ("p", "XX局2024年重点工作任务分解表")
    assert rows[1][0] == "h"
    assert _texts(rows[1]) == HEADER_ZH
    assert rows[2] == ("r", [("一、支持企业稳定发展", None)])
    assert rows[3] == (
        "r",
        [
            ("1", "序号"),
            ("落实减税降费政策", "工作任务"),
            ("全面落实各项减税政策。", "具体措施"),
            ("市税务局", "牵头单位"),
            ("各区政府", "责任单位"),
            ("2024-06-30", "完成时限"),
        ],
    )
    # the lead unit merged over two rows belongs to both
    assert _texts(rows[4]) == [
        "2",
        "加大融资支持",
        "扩大普惠小微贷款。",
        "市税务局",
        "市金融局",
        "2024年12月底前",
    ]
    assert rows[5] == ("r", [("二、优化营商环境", None)])
    assert _texts(rows[6])[:2] == ["3", "推进一网通办"]
    assert len(rows) == 7
    first_row = document.blocks[3]
    assert (
        document.block_text(first_row)
        == "1 | 落实减税降费政策 | 全面落实各项减税政策。 | 市税务局 | 各区政府 | 2024-06-30"
    )


def test_english_headers_are_recognised():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["City of Example: 2024 Open Government Commitments"])
    sheet.append([])
    sheet.append(HEADER_EN)
    sheet.append(
        [
            "1",
            "Publish budget data",
            "Open the data portal.",
            "Finance Office",
            "All departments",
            "June 2024",
        ]
    )
    _, rows = read_rows(workbook_bytes(workbook))
    assert rows[0] == ("p", "City of Example: 2024 Open Government Commitments")
    assert rows[1][0] == "h" and _texts(rows[1]) == HEADER_EN
    assert _headers(rows[2]) == HEADER_EN
    assert _texts(rows[2])[-1] == "June 2024"


def test_header_names_are_matched_loosely():
    assert header_key("牵头单位") == "lead"
    assert header_key(" 牵头单位（部门） ") == "lead"
    assert header_key("完成\n时限") == "deadline"
    assert header_key("ＮＯ．") == "number"
    assert header_key("Lead Units") == "lead"
    assert header_key("目标任务") == "targets"
    assert header_key("Cooperating units") == "cooperating"
    assert header_key("协办单位") == "cooperating"
    assert header_key("时间节点") == "deadline"
    assert header_key("Notes") is None  # "No." is not a prefix rule
    assert header_key("落实减税降费政策") is None
    assert header_key("任务分解表的说明文字很长") is None
    assert header_key("") is None


def test_header_is_found_below_instructions_and_blank_rows():
    workbook = Workbook()
    sheet = workbook.active
    sheet["B3"] = "2024年工作任务分解表"
    sheet["B4"] = "填报单位：办公室"
    sheet["D4"] = "填报日期：2024年1月5日"
    for column, name in enumerate(["编号", "重点任务", "责任单位", "完成时间"], start=2):
        sheet.cell(row=6, column=column, value=name)
    for column, value in enumerate(["1", "修订制度", "办公室", "3月"], start=2):
        sheet.cell(row=7, column=column, value=value)
    _, rows = read_rows(workbook_bytes(workbook))
    assert rows == [
        ("p", "2024年工作任务分解表"),
        ("p", "填报单位：办公室 填报日期：2024年1月5日"),
        ("h", [("编号", None), ("重点任务", None), ("责任单位", None), ("完成时间", None)]),
        ("r", [("1", "编号"), ("修订制度", "重点任务"), ("办公室", "责任单位"), ("3月", "完成时间")]),
    ]


def test_two_level_header_joins_its_levels():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "工作任务", "责任单位", None, "完成时限"])
    sheet.append([None, None, "牵头单位", "配合单位", None])
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("B1:B2")
    sheet.merge_cells("C1:D1")
    sheet.merge_cells("E1:E2")
    sheet.append([1, "建设智慧平台", "市大数据局", "市财政局", "2024-09-30"])
    _, rows = read_rows(workbook_bytes(workbook))
    assert [row[0] for row in rows] == ["h", "h", "r"]
    assert _texts(rows[0]) == ["序号", "工作任务", "责任单位", "完成时限"]
    assert _texts(rows[1]) == ["", "", "牵头单位", "配合单位"]
    assert _headers(rows[2]) == ["序号", "工作任务", "责任单位 牵头单位", "责任单位 配合单位", "完成时限"]


def test_sub_header_row_without_merges_is_part_of_the_header():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "工作任务", "责任单位", None, "完成时限"])
    sheet.append([None, None, "牵头单位", "配合单位", None])
    sheet.append([1, "建设智慧平台", "市大数据局", "市财政局", "2024-09-30"])
    _, rows = read_rows(workbook_bytes(workbook))
    assert [row[0] for row in rows] == ["h", "h", "r"]
    # without the merge, 责任单位 is known to head column C only (as in a Word table)
    assert _headers(rows[2])[2:4] == ["责任单位 牵头单位", "配合单位"]


def test_a_short_title_just_above_the_header_stays_a_title():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["重点任务清单"])
    sheet.merge_cells("A1:C1")
    sheet.append(["序号", "工作任务", "牵头单位"])
    sheet.append([1, "加强领导", "办公室"])
    _, rows = read_rows(workbook_bytes(workbook))
    assert rows[0] == ("p", "重点任务清单")
    assert [row[0] for row in rows] == ["p", "h", "r"]


# -- merged cells ----------------------------------------------------------------------------


def test_vertical_merges_repeat_their_text_in_every_row():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "工作任务", "具体措施", "牵头单位", "完成时限"])
    sheet.append([1, "推进项目建设", "开工10个项目。", "市发改委", "2024-06-30"])
    sheet.append([None, None, "竣工5个项目。", None, None])
    sheet.append([None, None, "储备20个项目。", None, None])
    for column in "ABDE":
        sheet.merge_cells(f"{column}2:{column}4")
    _, rows = read_rows(workbook_bytes(workbook))
    assert [_texts(row) for row in rows[1:]] == [
        ["1", "推进项目建设", "开工10个项目。", "市发改委", "2024-06-30"],
        ["1", "推进项目建设", "竣工5个项目。", "市发改委", "2024-06-30"],
        ["1", "推进项目建设", "储备20个项目。", "市发改委", "2024-06-30"],
    ]
    assert all(_headers(row) == ["序号", "工作任务", "具体措施", "牵头单位", "完成时限"] for row in rows[1:])


def test_part_row_merged_over_two_rows_is_read_once():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "工作任务", "牵头单位"])
    sheet.append(["一、总体要求"])
    sheet.merge_cells("A2:C3")
    sheet.append([])
    sheet.append([1, "加强领导", "办公室"])
    _, rows = read_rows(workbook_bytes(workbook))
    assert rows[1:] == [
        ("r", [("一、总体要求", None)]),
        ("r", [("1", "序号"), ("加强领导", "工作任务"), ("办公室", "牵头单位")]),
    ]


def test_horizontal_merge_inside_a_row_is_one_cell():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "工作任务", "牵头单位", "责任单位", "完成时限"])
    sheet.append([1, "统筹协调", "市政府办公室", None, "全年"])
    sheet.merge_cells("C2:D2")  # one unit both leads and is responsible
    _, rows = read_rows(workbook_bytes(workbook))
    assert rows[1] == (
        "r",
        [("1", "序号"), ("统筹协调", "工作任务"), ("市政府办公室", "牵头单位"), ("全年", "完成时限")],
    )


def test_part_row_typed_into_the_first_column_only_keeps_its_header():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "工作任务", "牵头单位"])
    sheet.append(["一、总体要求"])
    sheet.append([1, "加强领导", "办公室"])
    _, rows = read_rows(workbook_bytes(workbook))
    assert rows[1] == ("r", [("一、总体要求", "序号")])


def test_trailing_notes_become_paragraphs():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "工作任务", "牵头单位"])
    sheet.append([1, "加强领导", "办公室"])
    sheet.append(["注：本表由办公室负责解释。"])
    sheet.merge_cells("A3:C3")
    sheet.append(["填表人：张三"])
    _, rows = read_rows(workbook_bytes(workbook))
    assert rows[-2:] == [("p", "注：本表由办公室负责解释。"), ("p", "填表人：张三")]


# -- what is skipped -------------------------------------------------------------------------


def test_hidden_columns_are_skipped():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "内部备注", "工作任务", "牵头单位", "ID"])
    sheet.append(["一、总体要求", None, None, None, 41])
    sheet.merge_cells("A2:D2")
    sheet.append([1, "不要读", "加强领导", "办公室", 42])
    sheet.column_dimensions["B"].hidden = True
    sheet.column_dimensions["E"].hidden = True
    document, rows = read_rows(workbook_bytes(workbook))
    assert "不要读" not in document.text and "42" not in document.text and "ID" not in document.text
    assert rows[1] == ("r", [("一、总体要求", None)])
    assert rows[2] == ("r", [("1", "序号"), ("加强领导", "工作任务"), ("办公室", "牵头单位")])


def test_hidden_column_ranges_are_skipped():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "甲", "乙", "工作任务"])
    sheet.append([1, "x", "y", "加强领导"])
    sheet.column_dimensions.group("B", "C", hidden=True)
    document, rows = read_rows(workbook_bytes(workbook))
    assert "甲" not in document.text and "y" not in document.text
    assert _texts(rows[1]) == ["1", "加强领导"]


def test_hidden_rows_are_kept():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "工作任务", "牵头单位"])
    sheet.append([1, "加强领导", "办公室"])
    sheet.row_dimensions[2].hidden = True  # filtered out, still a task of the plan
    _, rows = read_rows(workbook_bytes(workbook))
    assert _texts(rows[1]) == ["1", "加强领导", "办公室"]


def test_hidden_sheets_are_skipped_and_the_first_sheet_with_a_header_isread_rows():
    workbook = Workbook()
    notes = workbook.active
    notes.title = "说明"
    notes.append(["本表用于填报2024年重点工作。"])
    hidden = workbook.create_sheet("旧表")
    hidden.append(HEADER_ZH)
    hidden.append([1, "旧任务"])
    hidden.sheet_state = "hidden"
    very_hidden = workbook.create_sheet("代码表")
    very_hidden.append(HEADER_ZH)
    very_hidden.append([1, "代码"])
    very_hidden.sheet_state = "veryHidden"
    table = workbook.create_sheet("分解表")
    table.append(HEADER_ZH)
    table.append([1, "新任务"])
    second = workbook.create_sheet("第二张表")
    second.append(HEADER_ZH)
    second.append([1, "不读"])
    document, rows = read_rows(workbook_bytes(workbook))
    assert "旧任务" not in document.text and "代码" not in document.text and "不读" not in document.text
    assert "本表用于" not in document.text
    assert _texts(rows[1])[:2] == ["1", "新任务"]


def test_empty_columns_and_empty_rows_are_left_out():
    workbook = Workbook()
    sheet = workbook.active
    sheet["B2"] = "序号"
    sheet["D2"] = "工作任务"
    sheet["B4"] = 1
    sheet["D4"] = "加强领导"
    sheet["B6"] = 2
    sheet["D6"] = "完善制度"
    _, rows = read_rows(workbook_bytes(workbook))
    assert [_texts(row) for row in rows] == [["序号", "工作任务"], ["1", "加强领导"], ["2", "完善制度"]]


# -- sheets without a breakdown header ---------------------------------------------------------


def test_a_sheet_without_known_headers_is_still_read_as_a_table():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["某单位工作清单"])
    sheet.merge_cells("A1:C1")
    sheet.append(["事项", "负责人", "期限"])
    sheet.append(["整理档案", "张三", "3月"])
    _, rows = read_rows(workbook_bytes(workbook))
    assert rows == [
        ("p", "某单位工作清单"),
        ("h", [("事项", None), ("负责人", None), ("期限", None)]),
        ("r", [("整理档案", "事项"), ("张三", "负责人"), ("3月", "期限")]),
    ]


def test_a_single_column_sheet_is_read_as_paragraphs():
    workbook = Workbook()
    sheet = workbook.active
    for line in ["2024年工作要点", "一、总体要求", "（一）指导思想。", "二、重点任务"]:
        sheet.append([line])
    _, rows = read_rows(workbook_bytes(workbook))
    assert rows == [
        ("p", "2024年工作要点"),
        ("p", "一、总体要求"),
        ("p", "（一）指导思想。"),
        ("p", "二、重点任务"),
    ]


def test_a_later_sheet_with_a_header_wins_over_a_first_sheet_without_one():
    workbook = Workbook()
    workbook.active.append(["说明", "本表每月更新"])
    table = workbook.create_sheet("表")
    table.append(["序号", "工作任务"])
    table.append([1, "加强领导"])
    document, _ = read_rows(workbook_bytes(workbook))
    assert "加强领导" in document.text and "本表每月更新" not in document.text


# -- cell values -----------------------------------------------------------------------------


def test_cell_values_are_formatted_as_shown():
    assert cell_text(dt.datetime(2019, 6, 30)) == "2019-06-30"  # noqa: DTZ001 - Excel has no time zones
    assert cell_text(dt.datetime(2019, 6, 30, 14, 30)) == "2019-06-30 14:30"  # noqa: DTZ001
    assert cell_text(dt.date(2019, 6, 30)) == "2019-06-30"
    assert cell_text(dt.time(9, 0)) == "09:00"
    assert cell_text(3.0) == "3"
    assert cell_text(3) == "3"
    assert cell_text(-0.0) == "0"
    assert cell_text(0.1 + 0.2) == "0.3"
    assert cell_text(2.5) == "2.5"
    assert cell_text(13800138000.0) == "13800138000"
    assert cell_text(0.85, number_format="0%") == "85%"
    assert cell_text(0.145, number_format="0.0%") == "14.5%"
    assert cell_text(True) == "TRUE"
    assert cell_text(float("nan")) == ""
    assert cell_text("#N/A", data_type="e") == ""
    assert cell_text("  第一行\n第二行  ") == "第一行 第二行"
    assert cell_text(None) == ""


def test_dates_and_numbers_in_a_workbook():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "工作任务", "目标", "完成时限"])
    sheet.append([1.0, "提高覆盖率", 0.95, dt.datetime(2024, 12, 31)])  # noqa: DTZ001
    sheet["C2"].number_format = "0%"
    sheet["D2"].number_format = 'yyyy"年"m"月"d"日"'
    sheet.append([2, "多行\n文字", 12.5, dt.date(2024, 3, 1)])
    _, rows = read_rows(workbook_bytes(workbook))
    assert _texts(rows[1]) == ["1", "提高覆盖率", "95%", "2024-12-31"]
    assert _texts(rows[2]) == ["2", "多行 文字", "12.5", "2024-03-01"]


def test_formulas_give_their_cached_values():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "工作任务", "目标", "牵头单位"])
    sheet.append([1, "完成投资", "=1+2", "=NA()"])
    data = workbook_bytes(workbook)
    # openpyxl writes no cached value: the formula cells read as empty, without an error
    _, rows = read_rows(data)
    assert rows[1] == ("r", [("1", "序号"), ("完成投资", "工作任务")])
    # a file saved by Excel carries the values it computed
    member = "xl/worksheets/sheet1.xml"
    data = rewrite_member(data, member, b"<f>1+2</f><v></v>", b"<f>1+2</f><v>3</v>")
    data = rewrite_member(
        data, member, b'<c r="D2"><f>NA()</f><v></v>', b'<c r="D2" t="e"><f>NA()</f><v>#N/A</v>'
    )
    _, rows = read_rows(data)
    assert rows[1] == ("r", [("1", "序号"), ("完成投资", "工作任务"), ("3", "目标")])


def test_core_title_is_the_title_hint_and_xlsm_and_read_file_work(tmp_path):
    workbook = _breakdown_workbook()
    workbook.properties.title = " 2024年 任务分解表 "
    path = tmp_path / "计划.XLSM"
    path.write_bytes(workbook_bytes(workbook))
    document = read_file(path)
    check_invariants(document)
    assert document.source_format == "xlsx"
    assert document.title_hint == "2024年 任务分解表"
    assert read_bytes(workbook_bytes(_breakdown_workbook()), filename="C:\\表\\a.xlsx").title_hint is None
