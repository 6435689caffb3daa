"""Deadline patterns of real plans, each from our own made-up sentences."""

from __future__ import annotations

import datetime as dt

from workplan.parsing import parse_text
from workplan.parsing.structure.furniture import furniture_kind


def _deadlines(*tasks: str) -> list[list[tuple[str, dt.date | None]]]:
    text = "某县2032年行动方案\n一、目标\n" + "\n".join(f"{n}.{task}" for n, task in enumerate(tasks, 1))
    return [[(d.text, d.date) for d in item.deadlines] for item in parse_text(text).items[0].children]


def test_before_a_year_is_the_end_of_the_year_before():
    assert _deadlines("2034年前，建成智慧农场5个。", "力争2035年以前完成。") == [
        [("2034年前", dt.date(2033, 12, 31))],
        [("2035年以前", dt.date(2034, 12, 31))],
    ]


def test_a_policy_term_is_not_a_deadline():
    assert _deadlines(
        "本办法自2032年3月1日起施行，有效期至2036年2月28日。", "有效期为3年，2032年底前完成评估。"
    ) == [[], [("2032年底前", dt.date(2032, 12, 31))]]


def test_a_crawler_metadata_line_in_bold_is_furniture():
    assert furniture_kind("**更新时间**: 2032-02-03 09:15:00") == "meta"


def test_a_date_shown_as_its_spreadsheet_serial_number_is_dated():
    from workplan.parsing.promises.context import PlanContext
    from workplan.parsing.promises.deadlines import extract_deadline_cell
    from workplan.parsing.result import Span

    text = "45000"
    found = extract_deadline_cell(text, Span(0, 5), PlanContext(year=None))
    assert [(d.text, d.date) for d in found] == [("45000", dt.date(2023, 3, 15))]


def test_a_resource_column_names_who_is_responsible():
    from workplan.parsing.structure.tables import column_role

    assert [column_role(h) for h in ("资源名称", "Assigned to", "执行人")] == ["responsible"] * 3


def test_a_span_of_time_from_the_start_is_an_undated_deadline_and_not_a_target():
    text = "某县2032年整治方案\n一、步骤\n1.用2个月左右时间，完成摸底。\n2.力争3年内建成片区。\n3.教龄5年以内的教师参加培训。"
    items = parse_text(text).items[0].children
    assert [[(d.text, d.date) for d in item.deadlines] for item in items] == [
        [("2个月左右时间", None)],
        [("3年内", None)],
        [],
    ]
    assert items[0].targets == []


def test_english_spans_from_the_start_are_undated_deadlines_and_not_targets():
    text = "Harbour Plan 2032\n1. Within two years, open the ferry office.\n2. For the next six months, count the boats.\n3. Brief staff in the coming months."
    items = parse_text(text).items
    assert [[(d.text, d.date) for d in item.deadlines] for item in items] == [
        [("Within two years", None)],
        [("For the next six months", None)],
        [],
    ]
    assert items[1].targets == []
