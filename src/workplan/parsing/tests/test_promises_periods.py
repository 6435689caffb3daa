"""School and fiscal years: dates without a year land in the right calendar year."""

from __future__ import annotations

from collections import Counter

import pytest

from workplan.parsing import parse_text
from workplan.parsing.promises.periods import Period, fiscal_start_month, plan_period


def dates(text: str) -> list[tuple[str, str | None]]:
    plan = parse_text(text)
    return [(d.text, d.date.isoformat() if d.date else None) for i in plan.flat_items() for d in i.deadlines]


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("城南小学2024—2025学年教学工作计划", "", Period(2024, (2024, 2025), 9)),
        ("2023-24 academic year plan", "", Period(2023, (2023, 2024), 9)),
        ("Housing Service Plan 2024/25", "", Period(2024, (2024, 2025), 4, fiscal=True)),
        ("Parks Work Plan FY2025", "", Period(2024, (2024, 2025), 10, fiscal=True)),
        (
            "Parks Work Plan FY2025",
            "Our fiscal year runs July 1 – June 30.",
            Period(2024, (2024, 2025), 7, fiscal=True),
        ),
        ("NARA Commitments 2016–2018", "", Period(2016, (2016, 2018))),
        ("2019 work plan", "", Period(2019)),
    ],
)
def test_plan_period(title, text, expected):
    assert plan_period(title, text, Counter()) == expected


def test_fiscal_start_month_from_the_text():
    assert fiscal_start_month("The financial year runs from 1 April to 31 March.") == 4
    assert fiscal_start_month("No statement here.") is None


def test_school_year_months_cross_into_the_next_calendar_year():
    text = "城南小学2024—2025学年教学工作计划\n一、常规\n1、9月中旬检查教案。\n2、1月上旬完成期末考试。\n"
    assert dates(text) == [("9月中旬", "2024-09-20"), ("1月上旬", "2025-01-10")]


def test_fiscal_year_stated_by_the_plan():
    text = (
        "Lakeside Parks FY2026 Work Plan\nThe City's fiscal year runs July 1 – June 30.\n"
        "1. Install lighting by the end of Q3 FY2026.\n2. Repair paths by March 31.\n"
        "3. Publish the audit by the end of the fiscal year.\n4. Hire staff in Q2.\n"
    )
    assert dates(text) == [
        ("Q3 FY2026", "2026-03-31"),
        ("by March 31", "2026-03-31"),
        ("by the end of the fiscal year", "2026-06-30"),
        ("Q2", "2025-12-31"),
    ]


def test_uk_financial_year_quarters():
    text = (
        "Riverside Housing Plan 2025/26\n1. Cut stays by the end of Quarter 4.\n2. Open a hub by October.\n"
    )
    assert dates(text) == [("by the end of Quarter 4", "2026-03-31"), ("by October", "2025-10-31")]


def test_round_numbers_written_as_words_are_targets():
    from workplan.parsing import parse_text

    item = parse_text(
        "一、目标\n（一）新建百个智慧社区，引进千名青年人才，注册用户超千万。坚持百家争鸣，走进千家万户。\n"
    )
    targets = [(t.kind, t.comparator, t.value) for t in item.flat_items()[1].targets]
    assert targets == [("count", "=", 100.0), ("count", "=", 1000.0), ("count", ">", 1e7)]


def test_long_running_schedules_are_deadlines_only_as_time_expressions():
    from workplan.parsing import parse_text

    text = "2030年要点\n一、持续推进老旧小区改造，年底前完成。\n二、加强巡查。（长期坚持）\n三、完善台账，常态化开展。\n四、开展评估。（长期）\n"
    items = parse_text(text).items
    assert [[d.text for d in item.deadlines] for item in items] == [
        ["年底前"],
        ["长期坚持"],
        ["常态化开展"],
        ["长期"],
    ]


def test_before_a_month_is_the_end_of_the_month_before():
    from workplan.parsing import parse_text

    items = parse_text("2030年要点\n一、2031年3月前完成验收。\n二、6月前报送，9月底前总结。\n").items
    dates = [[(d.text, d.date.isoformat() if d.date else None) for d in item.deadlines] for item in items]
    assert dates == [[("2031年3月前", "2031-02-28")], [("6月前", "2030-05-31"), ("9月底前", "2030-09-30")]]


def test_a_return_period_standard_is_a_target():
    from workplan.parsing import parse_text

    item = parse_text(
        "一、目标\n（一）城区达到100年一遇防洪标准，管网达到3～5年一遇排水能力。\n"
    ).flat_items()[1]
    assert [(t.kind, t.comparator, t.value, t.value_max, t.unit) for t in item.targets] == [
        ("other", "=", 100.0, None, "年一遇"),
        ("other", "between", 3.0, 5.0, "年一遇"),
    ]
