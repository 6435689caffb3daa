"""Promise extractors: targets, frequencies, deadlines and units, one pattern per case."""

from __future__ import annotations

import datetime as dt

import pytest

from workplan.parsing.promises import (
    PlanContext,
    declares_first_lead,
    extract_deadline_cell,
    extract_deadlines,
    extract_targets,
    extract_units,
)
from workplan.parsing.result import Span


def targets(text: str) -> list[tuple[str, str, str | None, float | None, float | None, str | None]]:
    found = extract_targets(text, [Span(0, len(text))])
    for target in found:
        assert text[target.span.start : target.span.end] == target.text
    return [(t.text, t.kind, t.comparator, t.value, t.value_max, t.unit) for t in found]


def values(text: str) -> list[tuple[str, float | None]]:
    return [(kind, value) for _, kind, _, value, _, _ in targets(text)]


def deadlines(text: str, **context: object) -> list[tuple[str, str | None]]:
    ctx = PlanContext(**context)  # type: ignore[arg-type]
    found = extract_deadlines(text, [Span(0, len(text))], ctx)
    for deadline in found:
        assert text[deadline.span.start : deadline.span.end] == deadline.text
    return [(d.text, d.date.isoformat() if d.date else None) for d in found]


def units(text: str) -> list[tuple[str, str]]:
    found = extract_units(text, [Span(0, len(text))], first_leads=declares_first_lead(text))
    for unit in found:
        assert text[unit.span.start : unit.span.end] == unit.text
    return [(u.text, u.role) for u in found]


# --------------------------------------------------------------------------- targets (zh)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("覆盖率达到85%以上", ("85%以上", "percent", ">=", 85.0, None, "%")),
        ("失业率控制在4.5%以内", ("控制在4.5%以内", "percent", "<=", 4.5, None, "%")),
        ("合格率不低于98％", ("不低于98％", "percent", ">=", 98.0, None, "%")),
        ("每个社区配备1-2名专职人员", ("1-2名", "count", "between", 1.0, 2.0, "名")),
        ("培育2至3个示范点", ("2至3个", "count", "between", 2.0, 3.0, "个")),
        ("新建养老机构3所", ("3所", "count", "=", 3.0, None, "所")),
        ("最高不超过20万元的贷款", ("最高不超过20万元", "amount", "<=", 20.0, None, "万元")),
        ("安排资金1.2亿元", ("1.2亿元", "amount", "=", 1.2, None, "亿元")),
        ("每次培训不少于4小时", ("不少于4小时", "other", ">=", 4.0, None, "小时")),
        ("开展3—6个月的岗位实习", ("3—6个月", "other", "between", 3.0, 6.0, "个月")),
        ("提前一分钟到岗", ("一分钟", "other", "=", 1.0, None, "分钟")),
        ("新增造林5万亩", ("5万亩", "other", "=", 50000.0, None, "亩")),
        ("服务62万人次", ("62万人次", "count", "=", 620000.0, None, "人次")),
        ("引进人才100名左右", ("100名左右", "count", None, 100.0, None, "名")),
        ("实现行政村全覆盖", ("全覆盖", "percent", "=", 100.0, None, "%")),
        ("实施千万农民培训计划", ("千万农民", "count", "=", 1e7, None, "农民")),
    ],
)
def test_chinese_targets(text, expected):
    assert targets(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("每季度至少召开1次联席会议", ("每季度至少召开1次", "frequency", ">=", 1.0, None, "per quarter")),
        ("每年开展一次评估", ("每年开展一次", "frequency", "=", 1.0, None, "per year")),
        ("补贴每人每年只享受一次", ("每人每年只享受一次", "frequency", "<=", 1.0, None, "per year")),
        ("一年两次组织检查", ("一年两次", "frequency", "=", 2.0, None, "per year")),
        ("每月报送进展情况", ("每月", "frequency", "=", 1.0, None, "per month")),
        ("定期召开专题会议", ("定期", "frequency", None, None, None, None)),
    ],
)
def test_chinese_frequencies(text, expected):
    assert targets(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "符合条件且吸纳就业人数达到30%的，可申请补贴",  # a condition, not a promise
        "学习“三个代表”重要思想",  # a slogan in quotes
        "落实第5条规定，推进IPv6改造",  # an ordinal and an identifier
        "当前和今后一个时期",
        "在最后一个月的月底报送",
        "参加16至24岁青年见习",  # an age range
        "每年增长10%",  # a rate, not a frequency (the percent is kept)
        "做好2026届高校毕业生就业工作",  # a year names the cohort
    ],
)
def test_chinese_non_targets(text):
    assert [t for t in targets(text) if t[1] != "percent"] == []


def test_condition_excludes_only_the_condition():
    assert values("企业新招用人员达到职工总数20%的，可申请最高不超过300万元的贷款") == [("amount", 300.0)]


# --------------------------------------------------------------------------- targets (en)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("strive for more than 80% of sites to qualify", ("more than 80%", "percent", ">=", 80.0, None, "%")),
        ("reach 95 percent coverage", ("95 percent", "percent", "=", 95.0, None, "%")),
        (
            "hire 1-2 legal advisers, then train them",
            ("1-2 legal advisers", "count", "between", 1.0, 2.0, "legal advisers"),
        ),
        (
            "recruit two community managers to help",
            ("two community managers", "count", "=", 2.0, None, "community managers"),
        ),
        (
            "digitise 12,000 rare maps from the archive",
            ("12,000 rare maps", "count", "=", 12000.0, None, "rare maps"),
        ),
        ("scan 1.5 million pages", ("1.5 million pages", "count", "=", 1500000.0, None, "pages")),
        (
            "train at least 300 volunteers",
            ("at least 300 volunteers", "count", ">=", 300.0, None, "volunteers"),
        ),
        ("a brief (3–5 pages) proposal", ("3–5 pages", "count", "between", 3.0, 5.0, "pages")),
        ("a budget of $ 1.5 million for repairs", ("$ 1.5 million", "amount", "=", 1500000.0, None, "USD")),
        ("a fund of £1.2m", ("£1.2m", "amount", "=", 1200000.0, None, "GBP")),
        ("up to 2 million yuan in grants", ("up to 2 million yuan", "amount", "<=", 2000000.0, None, "CNY")),
        ("over 65 hours of film", ("over 65 hours", "other", ">", 65.0, None, "hours")),
        ("resurface 12 km of road", ("12 km", "other", "=", 12.0, None, "km")),
        ("achieve full coverage of rural schools", ("full coverage", "percent", "=", 100.0, None, "%")),
    ],
)
def test_english_targets(text, expected):
    assert targets(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a research conference held once a year", ("once a year", "frequency", "=", 1.0, None, "per year")),
        ("meet twice a month", ("twice a month", "frequency", "=", 2.0, None, "per month")),
        ("post new holdings each quarter", ("each quarter", "frequency", "=", 1.0, None, "per quarter")),
        ("report progress monthly", ("monthly", "frequency", "=", 1.0, None, "per month")),
        ("publish an annual report on access", ("annual report", "frequency", "=", 1.0, None, "per year")),
        ("hold regular seminars", ("regular", "frequency", None, None, None, None)),
    ],
)
def test_english_frequencies(text, expected):
    assert targets(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "in the 6 square kilometers planning area",  # a definite description
        "records of the 1950 census",  # a year
        "the two major parks",
        'strive to achieve "five firsts"',  # a slogan
        "amend 36 CFR Chapter XII",  # an identifier
        "see Section 2.2 for details",
        "its 50th year of publication",
        "a 5-year strategy",
        "at the annual conference of the Assembly",  # an existing event, not a promise
        "within 30 days of the request",
        "respond within 48 hours of a report",  # a time limit (a deadline), not a quantity
        "build a 5m wall",  # metres, not millions
        "complete the survey by 30 September 2025",  # a day of a date
        "complete the survey by September 30 2025",
    ],
)
def test_english_non_targets(text):
    assert targets(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("将覆盖率从62%提高到75%", [("75%", "percent", "=", 75.0, None, "%")]),
        ("覆盖率由目前的62%提高到2026年的75%以上", [("75%以上", "percent", ">=", 75.0, None, "%")]),
        ("从3个增加到5个", [("5个", "count", "=", 5.0, None, "个")]),
        ("raise the rate from 62% to 75% by 2026", [("75%", "percent", "=", 75.0, None, "%")]),
        (
            "Increase coverage from the current 62% to at least 75%.",
            [("at least 75%", "percent", ">=", 75.0, None, "%")],
        ),
        # two targets, neither a baseline
        (
            "完成率达到80%，到2025年达到90%",
            [("80%", "percent", "=", 80.0, None, "%"), ("90%", "percent", "=", 90.0, None, "%")],
        ),
        ("举办3届运动会", [("3届", "count", "=", 3.0, None, "届")]),
    ],
)
def test_a_baseline_is_not_a_target(text, expected):
    assert targets(text) == expected


# --------------------------------------------------------------------------- deadlines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6月底前完成", [("6月底前", "2019-06-30")]),
        ("确保年底前建成", [("年底前", "2019-12-31")]),
        ("上半年启动，下半年验收", [("上半年", "2019-06-30"), ("下半年", "2019-12-31")]),
        ("第三季度末前完成评估", [("第三季度末前", "2019-09-30")]),
        ("一季度完成摸底", [("一季度", "2019-03-31")]),
        ("于2019年12月31日前报送", [("2019年12月31日前", "2019-12-31")]),
        ("2018年12月底前报国务院办公厅备案", [("2018年12月底前", "2018-12-31")]),
        ("2020年4月底前组织验收", [("2020年4月底前", "2020-04-30")]),
        ("9月中旬前完成", [("9月中旬前", "2019-09-20")]),
        ("2019年1月1日至12月31日，对企业返还", [("2019年1月1日至12月31日", "2019-12-31")]),
        ("2019年1月1日至2020年12月31日，实施补贴", [("2019年1月1日至2020年12月31日", "2020-12-31")]),
        ("2021年底前全面完成", [("2021年底前", "2021-12-31")]),
        ("到2025年，基本实现", [("到2025年", "2025-12-31")]),
        ("长期坚持，持续推进", [("长期坚持", None), ("持续推进", None)]),
        ("每季度最后一个月的25日前报送", [("每季度最后一个月的25日前", None)]),
        ("每月5日前报送上月进展", [("每月5日前", None)]),
        ("每季度末报送进展", [("每季度末", None)]),
        ("群众诉求5个工作日内办结", [("5个工作日内", None)]),
        ("秋季开学前投入使用", [("秋季开学前", None)]),
        ("三年内完成", [("三年内", None)]),  # a span from the plan's start (issue 15): undated
    ],
)
def test_chinese_deadlines(text, expected):
    assert deadlines(text, year=2019) == expected


@pytest.mark.parametrize(
    "text",
    ["从2019年1月1日起，实施见习计划", "自2023年第一季度开始报送", "上年底完成的项目"],
)
def test_chinese_starts_and_past_are_not_deadlines(text):
    assert deadlines(text, year=2019) == []


def test_relative_to_the_date_of_issue():
    ctx = {"year": 2019, "issued": dt.date(2018, 11, 16)}
    assert deadlines("各地要在本意见印发之日起30日内出台办法", **ctx) == [
        ("在本意见印发之日起30日内", "2018-12-16")
    ]
    assert deadlines("本方案印发后3个月内完成", **ctx) == [("本方案印发后3个月内", "2019-02-16")]
    assert deadlines("在本意见印发之日起30日内出台办法", year=2019) == [("在本意见印发之日起30日内", None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("finish by the end of June", [("by the end of June", "2019-06-30")]),
        ("submit by March 31", [("by March 31", "2019-03-31")]),
        ("In October 2017 we will open an exhibit", [("In October 2017", "2017-10-31")]),
        ("complete the survey in Q3", [("Q3", "2019-09-30")]),
        ("during the second quarter of 2020", [("during the second quarter of 2020", "2020-06-30")]),
        ("in the first half of the year", [("in the first half of the year", "2019-06-30")]),
        ("by the end of the year", [("by the end of the year", "2019-12-31")]),
        ("By Fiscal Year 2025, reach one million", [("By Fiscal Year 2025", "2025-09-30")]),
        ("by the end of the 2018 fiscal year", [("by the end of the 2018 fiscal year", "2018-09-30")]),
        (
            "in Fiscal Year 2017 and Fiscal Year 2018",
            [("in Fiscal Year 2017 and Fiscal Year 2018", "2018-09-30")],
        ),
        ("By 2021, finalise the curriculum", [("By 2021", "2021-12-31")]),
        ("to redesign the site in 2020", [("in 2020", "2020-12-31")]),
        ("In the next year, we must act", [("In the next year", "2019-12-31")]),
        ("over the next two years", [("over the next two years", "2020-12-31")]),
        ("start construction as soon as possible", [("as soon as possible", None)]),
        ("within one year of accessioning", [("within one year of accessioning", None)]),
        ("deliver by 15 July 2019", [("by 15 July 2019", "2019-07-15")]),
        ("respond within 48 hours of a report", [("within 48 hours of a report", None)]),
    ],
)
def test_english_deadlines(text, expected):
    assert deadlines(text, year=2019) == expected


def test_english_non_deadlines():
    assert deadlines("the regulations to be promulgated in the next year", year=2019) == []
    assert deadlines("records from 1936 will be released in 2031", year=2019) == []
    assert deadlines("forecast records through 2030", year=2019) == []


def test_next_years_in_a_multi_year_plan_end_at_its_period():
    assert deadlines("over the next two years", year=2017, period=(2016, 2018)) == [
        ("over the next two years", "2018-12-31")
    ]


def test_without_a_year_a_bare_month_has_no_date():
    assert deadlines("6月底前完成") == [("6月底前", None)]


def test_deadline_cells():
    ctx = PlanContext(year=2024)
    text = "长期 | 2024年6月 | 2025 | 按进度推进 | 12"
    cells = [Span(0, 2), Span(5, 12), Span(15, 19), Span(22, 27), Span(30, 32)]
    found = [extract_deadline_cell(text, cell, ctx) for cell in cells]
    assert [[(d.text, d.date) for d in cell] for cell in found] == [
        [("长期", None)],
        [("2024年6月", dt.date(2024, 6, 30))],
        [("2025", dt.date(2025, 12, 31))],
        [("按进度推进", None)],
        [],
    ]


# --------------------------------------------------------------------------- units


def test_labelled_units_split_on_list_separators():
    text = "牵头单位：市民政局\n责任单位：市财政局、市人社局，各区县政府\n配合单位：市统计局"
    assert units(text) == [
        ("市民政局", "lead"),
        ("市财政局", "responsible"),
        ("市人社局", "responsible"),
        ("各区县政府", "responsible"),
        ("市统计局", "cooperating"),
    ]


def test_two_labels_on_one_line():
    assert units("牵头单位：县商务局　　责任单位：县财政局、县文旅局") == [
        ("县商务局", "lead"),
        ("县财政局", "responsible"),
        ("县文旅局", "responsible"),
    ]


def test_attribution_in_brackets_units_are_responsible():
    text = "支持小微企业。（财政部、工业和信息化部、人民银行等有关部门和单位按职责分工负责）"
    assert units(text) == [
        ("财政部", "responsible"),
        ("工业和信息化部", "responsible"),
        ("人民银行", "responsible"),
    ]


def test_first_named_unit_leads_when_the_document_says_so():
    text = "（财政部、人民银行负责。列第一位者为牵头单位，下同）\n推进改革。（人社部、教育部等有关部门和单位负责）"
    assert declares_first_lead(text)
    assert units(text) == [
        ("财政部", "lead"),
        ("人民银行", "responsible"),
        ("人社部", "lead"),
        ("教育部", "responsible"),
    ]
    assert declares_first_lead("The first named agency is the lead.")
    assert not declares_first_lead("牵头单位：市民政局")


def test_attribution_with_lead_and_cooperating_verbs():
    assert units("完善设施。（市民政局牵头，各区县政府、市财政局配合）") == [
        ("市民政局", "lead"),
        ("各区县政府", "cooperating"),
        ("市财政局", "cooperating"),
    ]


def test_attribution_across_a_comma_list():
    assert units("（各有关部门和单位，各省级人民政府按职责分工负责）") == [
        ("各有关部门和单位", "responsible"),
        ("各省级人民政府", "responsible"),
    ]


def test_brackets_without_an_attribution_are_ignored():
    assert units("支持各类院校（含技工院校）和企业（超过100人的企业）") == []
    assert units("（人社部、财政部负责。列第一位者为牵头单位，下同）") == [
        ("人社部", "lead"),
        ("财政部", "responsible"),
    ]


def test_english_labelled_units():
    assert units("Lead: Facilities Office; Cooperating: Finance Office and IT Office.") == [
        ("Facilities Office", "lead"),
        ("Finance Office", "cooperating"),
        ("IT Office", "cooperating"),
    ]
    assert units("Responsible units: the Parks Department, Works Department") == [
        ("Parks Department", "responsible"),
        ("Works Department", "responsible"),
    ]


def test_unit_keys_are_a_role_word_and_an_organisation_word():
    assert units("牵头处室：规划处；配合处室：财务处、人事处") == [
        ("规划处", "lead"),
        ("财务处", "cooperating"),
        ("人事处", "cooperating"),
    ]
    assert units("牵头科室：医务科　责任科室：护理部") == [("医务科", "lead"), ("护理部", "responsible")]
    assert units("责任股室：综合股；配合股室：财务股") == [
        ("综合股", "responsible"),
        ("财务股", "cooperating"),
    ]
    assert units("协办单位：市公安局、市交通局。参与单位：各镇街") == [
        ("市公安局", "cooperating"),
        ("市交通局", "cooperating"),
        ("各镇街", "cooperating"),
    ]
    assert units("主办单位：市教育局") == [("市教育局", "lead")]
    assert units("Support: Finance Office; IT Office") == [
        ("Finance Office", "cooperating"),
        ("IT Office", "cooperating"),
    ]
    assert units("Lead department: Parks Office. Supported by: Works Department") == [
        ("Parks Office", "lead"),
        ("Works Department", "cooperating"),
    ]
    assert units("Financial support: the city will fund it") == []


def test_english_unit_lists_go_on_after_a_semicolon():
    assert units("Partners: Police Department; Planning and Community Development. Deadline: June") == [
        ("Police Department", "cooperating"),
        ("Planning and Community Development", "cooperating"),
    ]
    assert units("Responsible department: Works Department; budget from reserves.") == [
        ("Works Department", "responsible")
    ]
    assert units("Lead: Parks Office; Deadline: June 2026") == [("Parks Office", "lead")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("新建三所学校，改造两座桥梁", [("count", 3.0), ("count", 2.0)]),
        ("开展两次专项督查", [("count", 2.0)]),
        ("落实三项制度改革，增强“四个意识”", []),  # names and slogans, not counts
        ("完成一批项目，推进第三批试点", []),
        ("出生缺陷发生率控制在3‰以内", [("other", 3.0)]),
    ],
)
def test_chinese_numeral_counts_and_per_mille(text, expected):
    assert values(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("完成时限：长期", [("长期", None)]),
        ("完成时限：2020年6月底前", [("2020年6月底前", "2020-06-30")]),
        ("时间节点：12月", [("12月", "2020-12-31")]),
        ("牵头单位：市局　完成时限：持续推进", [("持续推进", None)]),
        ("Deadline: ongoing. Lead: HR Office", [("ongoing", None)]),
    ],
)
def test_labelled_deadline_fields(text, expected):
    assert deadlines(text, year=2020) == expected


@pytest.mark.parametrize(
    ("text", "comparator"),
    [
        ("the allowance shall not be lower than 650 yuan", ">="),
        ("no less than 90% of sites", ">="),
        ("costs will not exceed 5%", "<="),
        ("no more than 14 days", "<="),
        ("about 50 households", None),
    ],
)
def test_english_comparator_phrases(text, comparator):
    assert [t[2] for t in targets(text)] == [comparator]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3月，开展专项检查", [("3月", "2024-03-31")]),
        ("于5月完成验收", [("5月", "2024-05-31")]),
        ("9月份开展评比", [("9月份", "2024-09-30")]),
        ("3月份以来，成效明显", []),
        ("组织3月培训的学员", []),
    ],
)
def test_bare_months_open_a_clause(text, expected):
    assert deadlines(text, year=2024) == expected


def test_units_with_bracketed_qualifiers_stay_whole():
    assert units("责任单位：各县（市、区）人民政府、市住建局") == [
        ("各县（市、区）人民政府", "responsible"),
        ("市住建局", "responsible"),
    ]
    assert units("推进改造。（各县（市、区）人民政府、市住建局负责）") == [
        ("各县（市、区）人民政府", "responsible"),
        ("市住建局", "responsible"),
    ]


@pytest.mark.parametrize("text", ["inspect every half year", "report every six months"])
def test_half_yearly(text):
    assert [(t[1], t[3], t[5]) for t in targets(text)] == [("frequency", 1.0, "per half-year")]


# --------------------------------------------------------------------------- overlaps


def _keep_disjoint_reference(ordered):
    kept = []
    for cand in ordered:
        if all(cand.end <= k.start or cand.start >= k.end for k in kept):
            kept.append(cand)
    kept.sort(key=lambda c: c.start)
    return kept


def test_overlapping_candidates_are_resolved_as_by_the_plain_scan():
    import random

    from workplan.parsing.promises.context import keep_disjoint

    rng = random.Random(7)
    for _ in range(2000):
        candidates = []
        for _ in range(rng.randint(0, 80)):
            start = rng.randint(0, 120)
            candidates.append(Span(start, start + rng.choice([0, 1, 2, 3, rng.randint(0, 12)])))
        expected = [id(c) for c in _keep_disjoint_reference(candidates)]
        assert [id(c) for c in keep_disjoint(candidates)] == expected


def test_a_paragraph_with_thousands_of_numbers_is_read_in_linear_time():
    import time

    from workplan.parsing import parse_text

    body = "，".join(f"新增{i}个示范点，覆盖率达到{i % 100}%以上" for i in range(4000))
    started = time.process_time()
    plan = parse_text("2019年工作要点\n一、总体要求\n" + body + "。")
    assert len(plan.items[0].targets) == 8000
    assert time.process_time() - started < 5  # the quadratic scan took seconds here
