"""The public entry points: parse_text / parse_file / parse_document, to_dict, render_tree."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import docx
import pytest

from workplan.parsing import (
    Block,
    Cell,
    Document,
    ParseError,
    parse_document,
    parse_file,
    parse_text,
    render_tree,
)

SEED = Path(str(resources.files("workplan.demo_data").joinpath("united-front-2019-work-plan.txt")))

ZH_PLAN = """XX市民政局2019年工作要点

一、加强基层社会治理
（一）推进社区服务体系建设。城市社区综合服务设施覆盖率达到80%以上，6月底前完成验收。（市民政局牵头，各区县政府配合）
（二）深化“三社联动”。每季度至少召开1次联席会议。
牵头单位：市民政局
责任单位：各区县民政局
二、兜牢民生保障底线
（一）提高城乡低保标准。长期坚持。

XX市民政局
2019年2月10日
"""


def test_parse_text_offsets_point_into_the_given_text():
    plan = parse_text(ZH_PLAN)
    assert plan.text == ZH_PLAN
    assert plan.title == "XX市民政局2019年工作要点"
    assert (plan.language, plan.year) == ("zh", 2019)
    for item in plan.flat_items():
        assert item.title_span is not None
        assert ZH_PLAN[item.title_span.start : item.title_span.end] == item.title
        if item.label_span:
            assert ZH_PLAN[item.label_span.start : item.label_span.end] == item.label
        for promise in (*item.targets, *item.deadlines, *item.units):
            assert ZH_PLAN[promise.span.start : promise.span.end] == promise.text


def test_year_comes_from_the_argument_then_the_title_then_the_text():
    assert parse_text("2020年工作计划\n一、6月底前完成。\n").year == 2020
    assert parse_text("2020年工作计划\n一、6月底前完成。\n", year=2021).year == 2021
    body = "工作计划\n一、2022年3月底前启动。\n二、2022年6月底前验收。\n三、2021年已完成。\n"
    plan = parse_text(body)
    assert plan.year == 2022
    assert plan.items[2].deadlines == []
    deadline = parse_text("工作计划\n一、6月底前完成。\n", year=2023).items[0].deadlines[0]
    assert deadline.date is not None and deadline.date.isoformat() == "2023-06-30"


@pytest.mark.parametrize("text", ["", "   \n\t\n\u3000 "])
def test_empty_text_is_a_parse_error(text):
    with pytest.raises(ParseError, match="empty"):
        parse_text(text)


def test_text_without_numbering_is_a_plan_with_no_items():
    plan = parse_text("A note to staff.\nPlease file your timesheets on Fridays.\n")
    assert plan.items == []
    assert {segment.role for segment in plan.segments} <= {"preamble", "doc_title", "separator"}


def test_parse_text_refuses_bytes():
    with pytest.raises(ParseError):
        parse_text(b"1. Do X.")  # type: ignore[arg-type]


def test_parse_document_with_hand_built_table_rows():
    """A Word breakdown table: header row, a merged part row, rows with unit columns."""
    rows = [
        ["序号", "工作任务", "牵头单位", "责任单位", "完成时限"],
        ["一、稳定就业"],
        ["1", "开展技能培训。培训1000人次以上。", "市人社局", "市财政局、市教育局", "2020年6月底前"],
        ["2", "扩大见习规模", "市人社局", "", "长期"],
    ]
    text_parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    for index, row in enumerate(rows):
        if index:
            text_parts.append("\n")
            pos += 1
        cells = []
        start = pos
        for cell_index, cell in enumerate(row):
            if cell_index:
                text_parts.append(" | ")
                pos += 3
            header = None if index == 0 or len(row) == 1 else rows[0][cell_index]
            cells.append(Cell(pos, pos + len(cell), header))
            text_parts.append(cell)
            pos += len(cell)
        blocks.append(Block(start, pos, "table_row", cells=tuple(cells), is_table_header=index == 0))
    plan = parse_document(Document("".join(text_parts), blocks, source_format="docx"))
    part = plan.items[0]
    assert (part.number, part.title, part.level) == ("1", "稳定就业", 1)
    first, second = part.children
    assert (first.number, first.title, first.level) == ("1", "开展技能培训。", 2)
    assert [(t.kind, t.value, t.comparator) for t in first.targets] == [("count", 1000.0, ">=")]
    assert [(u.text, u.role) for u in first.units] == [
        ("市人社局", "lead"),
        ("市财政局", "responsible"),
        ("市教育局", "responsible"),
    ]
    assert [d.date.isoformat() if d.date else None for d in first.deadlines] == ["2020-06-30"]
    assert [(d.text, d.date) for d in second.deadlines] == [("长期", None)]


def test_parse_file_reads_txt_md_and_docx(tmp_path):
    (tmp_path / "plan.txt").write_text(
        "Harbour Plan 2024\n1. Repair the quay by June 30.\n", encoding="utf-8"
    )
    (tmp_path / "plan.md").write_text("# Harbour Plan 2024\n\n## 1. Repair the quay\n\nFinish by June 30.\n")
    document = docx.Document()
    document.add_paragraph("港务局2024年工作计划")
    document.add_paragraph("一、修复码头")
    document.add_paragraph("（一）完成主体工程。6月底前完工。")
    table = document.add_table(rows=2, cols=3)
    for cell, value in zip(table.rows[0].cells, ["序号", "工作任务", "牵头单位"], strict=True):
        cell.text = value
    for cell, value in zip(table.rows[1].cells, ["1", "疏浚航道", "港务局"], strict=True):
        cell.text = value
    document.save(str(tmp_path / "plan.docx"))

    txt = parse_file(tmp_path / "plan.txt")
    md = parse_file(tmp_path / "plan.md")
    word = parse_file(tmp_path / "plan.docx")
    assert [(i.number, i.title) for i in txt.items] == [("1", "Repair the quay by June 30.")]
    assert txt.items[0].deadlines[0].text == "by June 30"
    assert (md.title, md.items[0].title) == ("Harbour Plan 2024", "Repair the quay")
    assert md.items[0].deadlines[0].date is not None
    assert word.title == "港务局2024年工作计划" and word.source_format == "docx"
    assert [(i.level, i.number, i.title) for i in word.flat_items()] == [
        (1, "1", "修复码头"),
        (2, "1", "完成主体工程。"),
        (3, "1", "疏浚航道"),
    ]
    assert [(u.text, u.role) for u in word.flat_items()[2].units] == [("港务局", "lead")]


def test_parse_file_errors_are_parse_errors(tmp_path):
    with pytest.raises(ParseError):
        parse_file(tmp_path / "missing.txt")
    (tmp_path / "empty.txt").write_text("\n\n", encoding="utf-8")
    with pytest.raises(ParseError):
        parse_file(tmp_path / "empty.txt")


def test_to_dict_follows_the_contract():
    data = json.loads(json.dumps(parse_text(ZH_PLAN).to_dict(), ensure_ascii=False))
    assert data["language"] in ("zh", "en") and isinstance(data["items"], list)

    def check(item: dict[str, object], level: int) -> None:
        assert {"number", "level", "title", "children"} <= set(item)
        assert item["level"] == level and isinstance(item["number"], str) and item["number"]
        for target in item["targets"]:  # type: ignore[attr-defined]
            assert target["kind"] in ("percent", "count", "frequency", "amount", "other")
            assert target["comparator"] in (">=", ">", "<=", "<", "=", "between", None)
        for deadline in item["deadlines"]:  # type: ignore[attr-defined]
            assert deadline["date"] is None or len(deadline["date"]) == 10
        for unit in item["units"]:  # type: ignore[attr-defined]
            assert unit["role"] in ("lead", "responsible", "cooperating", "mentioned")
        for child in item["children"]:  # type: ignore[attr-defined]
            check(child, level + 1)

    for item in data["items"]:
        check(item, 1)


def test_render_tree_shows_items_and_promises():
    tree = render_tree(parse_text(ZH_PLAN))
    lines = tree.splitlines()
    assert lines[0] == "XX市民政局2019年工作要点"
    assert "一、 加强基层社会治理" in lines
    assert "  （一） 推进社区服务体系建设。" in lines
    assert "      ◦ target: 80%以上 (percent ≥ 80 %)" in lines
    assert "      ◦ deadline: 6月底前 → 2019-06-30" in lines
    assert "      ◦ lead: 市民政局" in lines
    assert "      ◦ cooperating: 各区县政府" in lines
    assert "      ◦ target: 每季度至少召开1次 (frequency ≥ 1 per quarter)" in lines
    assert "      ◦ deadline: 长期坚持 → no fixed date" in lines


def test_the_seed_plan_has_five_parts_sixteen_tasks_and_four_targets():
    plan = parse_file(SEED)
    assert plan.title == "Municipal Party Committee United Front Work Department 2019 work plan"
    assert (plan.language, plan.year) == ("en", 2019)
    assert [len(part.children) for part in plan.items] == [3, 3, 3, 3, 4]
    assert [part.label for part in plan.items] == ["1.", "Second,", "Third,", "Fourth,", "V."]
    quantified = [
        (t.text, t.kind, t.value) for i in plan.flat_items() for t in i.targets if t.value is not None
    ]
    assert quantified == [
        ("1-2 developments", "count", 1.0),
        ("more than 80%", "percent", 80.0),
        ("1-2 legal consultants", "count", 1.0),
        ("once a year", "frequency", 1.0),
    ]
    furniture = [plan.text[s.start : s.end] for s in plan.furniture]
    assert furniture == ["Work Plan > Department Work Plan", "recommended article", "popular articles"]
    assert "5 parts, 21 items · 4 quantified targets" in render_tree(plan)
