"""The structure pass: numbering grammar, level inference, titles, furniture, tables.

Fixtures are small plans written for these tests, one pattern each, in both languages.
"""

from __future__ import annotations

import pytest

from workplan.parsing import parse_text
from workplan.parsing.result import ParsedItem, ParsedPlan
from workplan.parsing.structure import column_role, furniture_kind, parse_label, split_title


def outline(plan: ParsedPlan) -> list[tuple[int, str, str]]:
    """(level, number, title) of every item in document order."""
    return [(item.level, item.number, item.title) for item in plan.flat_items()]


def shape(items: list[ParsedItem]) -> list[object]:
    """The tree as nested lists of numbers: [("1", [("1", []), ...]), ...]."""
    return [(item.number, shape(item.children)) for item in items]


# --------------------------------------------------------------------------- labels


@pytest.mark.parametrize(
    ("text", "number", "label"),
    [
        ("第一部分 总体要求", "1", "第一部分"),
        ("第十二章 附则", "12", "第十二章"),
        ("一、总体要求", "1", "一、"),
        ("十五、其他", "15", "十五、"),
        ("（一）指导思想", "1", "（一）"),
        ("(十二)加强领导", "12", "(十二)"),
        ("1.问题导向", "1", "1."),
        ("2、加强培训", "2", "2、"),
        ("3．统筹推进", "3", "3．"),
        ("（1）严格执行", "1", "（1）"),
        ("(2) Review", "2", "(2)"),
        ("①开展培训", "1", "①"),
        ("a、严格控制", "a", "a、"),
        ("Second, strengthen management", "2", "Second,"),
        ("V. Strengthen education", "5", "V."),
        ("1.2 Recruit nurses", "1.2", "1.2"),
        ("(a) Open branches", "a", "(a)"),
        ("b) Extend hours", "b", "b)"),
        ("Part II Delivery", "2", "Part II"),
        ("Goal 3: Safer roads", "3", "Goal 3:"),
        ("甲、基础设施", "1", "甲、"),
        ("二）完善制度", "2", "二）"),
        ("1 Background", "1", "1"),
        ("(one) Overall goals", "1", "(one)"),
        ("(Twelve) Strengthen staff", "12", "(Twelve)"),
        ("（two）加强领导", "2", "（two）"),
        ("Three, Safeguards", "3", "Three,"),
    ],
)
def test_parse_label_reads_every_numbering_style(text, number, label):
    found = parse_label(text)
    assert found is not None
    assert any(reading.number == number for reading in found.readings)
    assert text[found.start : found.end] == label


@pytest.mark.parametrize(
    "text",
    [
        "1.5万元用于补贴",  # a quantity, not a label
        "1.5万元，12月底前完成",
        "2019年工作回顾",
        "一是加强领导，二是完善机制",  # inline enumeration
        "The 3 branches open",
        "3 branches will open in the town.",  # a sentence, not a "1 Background" heading
        "e.g. the branches",
        "12",  # a page number
        "一、",  # a label with nothing after it
    ],
)
def test_parse_label_rejects_text_that_only_starts_with_a_number(text):
    assert parse_label(text) is None


# --------------------------------------------------------------------------- levels


def test_levels_follow_the_order_styles_first_appear():
    plan = parse_text(
        "一、工作目标\n（一）总体目标\n1.完成任务\n（1）分解到月\n①按周检查\na、逐日记录\n二、保障措施\n"
    )
    assert [(level, number) for level, number, _ in outline(plan)] == [
        (1, "1"),
        (2, "1"),
        (3, "1"),
        (4, "1"),
        (5, "1"),
        (6, "a"),
        (1, "2"),
    ]


def test_word_numbers_in_brackets_number_like_their_chinese_originals():
    """ "(one)" "(two)" (a translation of "（一）") is a level, and its "1." children go under it."""
    plan = parse_text(
        "Work Plan\nOne, Main tasks\n(one) Improve services\n1. Open branches\n2. Extend hours\n"
        "(two) Strengthen staff\n1. Recruit nurses\nTwo, Safeguards\n(one) Leadership\n"
    )
    assert shape(plan.items) == [
        ("1", [("1", [("1", []), ("2", [])]), ("2", [("1", [])])]),
        ("2", [("1", [])]),
    ]
    plan = parse_text(
        "工作方案\n一、主要任务\n(one)提升服务\n1.开设网点\n2.延长时间\n(two)加强队伍\n1.招聘护士\n"
    )
    assert shape(plan.items) == [("1", [("1", [("1", []), ("2", [])]), ("2", [("1", [])])])]


def test_a_dot_label_directly_followed_by_a_date_keeps_its_sequence():
    """ "1.12月下旬…" is item 1 whose text starts with a date; "1.5万元" stays a quantity."""
    plan = parse_text(
        "工作方案\n一、主要任务\n1.12月下旬完成摸底调查。\n2.12月底前完成整改。\n"
        "二、保障措施\n1.加强领导。\n2.15日前报送材料。\n3.2026年底前全面完成。\n"
    )
    assert outline(plan) == [
        (1, "1", "主要任务"),
        (2, "1", "12月下旬完成摸底调查。"),
        (2, "2", "12月底前完成整改。"),
        (1, "2", "保障措施"),
        (2, "1", "加强领导。"),
        (2, "2", "15日前报送材料。"),
        (2, "3", "2026年底前全面完成。"),
    ]
    # out of sequence it is not a label: the "5.12月…" line stays in item 1's body
    plan = parse_text("工作方案\n一、主要任务\n1.摸底调查。\n5.12月完成。\n1.5万元用于补贴。\n")
    assert outline(plan) == [(1, "1", "主要任务"), (2, "1", "摸底调查。")]


def test_a_style_seen_before_returns_to_a_level_by_its_sequence():
    plan = parse_text(
        "一、目标\n1、任务甲\n2、任务乙\n二、措施\n（一）分项\n1、细则甲\n2、细则乙\n（二）分项二\n"
    )
    assert shape(plan.items) == [
        ("1", [("1", []), ("2", [])]),
        ("2", [("1", [("1", []), ("2", [])]), ("2", [])]),
    ]


def test_a_part_numbered_like_its_children_then_word_ordinals_and_roman():
    """Parts "1." then "Second," "Third," "V.": the tasks' "1." restarts under each part."""
    text = "\n".join(
        [
            "Borough Parks Office 2021 plan",
            "1. Keep parks clean and safe",
            "1. Empty bins daily. Crews start at six.",
            "2. Repair benches. Report damage online.",
            "Second, improve planting",
            "1. Plant native species. Choose drought tolerant ones.",
            "Third, engage residents",
            "1. Run volunteer days. Advertise in the newsletter.",
            "2. Publish a survey.",
            "Fourth, manage budgets",
            "1. Track spending.",
            "V. Review the year",
            "1. Write the annual review.",
            "2. Present it to the council.",
        ]
    )
    plan = parse_text(text)
    assert [item.number for item in plan.items] == ["1", "2", "3", "4", "5"]
    assert [len(item.children) for item in plan.items] == [2, 1, 2, 1, 2]
    assert plan.items[1].label == "Second," and plan.items[4].label == "V."
    assert plan.items[0].children[0].title == "Empty bins daily."


def test_numbering_straight_through_the_parts():
    text = (
        "一、就业\n（一）稳岗。\n（二）扩岗。\n二、创业\n（三）贷款。\n（四）孵化。\n三、培训\n（五）补贴。\n"
    )
    plan = parse_text(text)
    assert shape(plan.items) == [
        ("1", [("1", []), ("2", [])]),
        ("2", [("3", []), ("4", [])]),
        ("3", [("5", [])]),
    ]


def test_straight_through_numbering_directly_under_a_part():
    text = "一、投资\n（一）项目\n1.实施项目。\n2.争取资金。\n二、保障\n3.压减支出。\n4.加强审计。\n"
    plan = parse_text(text)
    assert shape(plan.items) == [("1", [("1", [("1", []), ("2", [])])]), ("2", [("3", []), ("4", [])])]


def test_decimal_numbers_nest_under_their_prefix():
    text = "1. Roads\n1.1 Resurface roads.\n1.2 Fix potholes.\n1.2.1 Within two days.\n2. Parks\n2.1 Plant trees.\n"
    plan = parse_text(text)
    assert shape(plan.items) == [("1", [("1.1", []), ("1.2", [("1.2.1", [])])]), ("2", [("2.1", [])])]


def test_unplaceable_numbers_stay_in_the_body():
    plan = parse_text("1. Plan the work\n2019. A year of change.\n7. Figures follow.\n2. Do the work\n")
    assert [item.number for item in plan.items] == ["1", "2"]
    assert "2019. A year of change." in plan.items[0].text


def test_inline_enumerations_are_body_not_items():
    plan = parse_text("一、加强基层治理\n一是完善设施；二是健全机制；三是培育组织。\n二、兜牢底线\n")
    assert [item.number for item in plan.items] == ["1", "2"]
    assert plan.items[0].text.startswith("一是完善设施")


def test_unnumbered_paragraphs_belong_to_the_item_above():
    plan = parse_text("1. Do X. First sentence.\nAnother paragraph about X.\n2. Do Y.\n")
    assert plan.items[0].text == "First sentence.\nAnother paragraph about X."
    assert plan.items[1].text == ""


def test_repeated_restarts_do_not_build_a_staircase():
    plan = parse_text("1. a\n" * 50)
    assert max(item.level for item in plan.flat_items()) <= 2


def test_a_notice_wrapping_a_plan_restarts_the_numbering():
    text = "\n".join(
        [
            "县人民政府办公室关于印发2022年重点工作方案的通知",
            "各乡镇人民政府：",
            "现将方案印发给你们，并就有关事项通知如下：",
            "一、各单位要高度重视。",
            "二、每季度报送进展。",
            "县人民政府办公室",
            "2022年1月5日",
            "2022年重点工作方案",
            "一、经济发展目标",
            "（一）地区生产总值增长6%以上",
        ]
    )
    plan = parse_text(text)
    assert plan.title == "2022年重点工作方案"
    assert outline(plan) == [
        (1, "1", "各单位要高度重视。"),
        (1, "2", "每季度报送进展。"),
        (1, "1", "经济发展目标"),
        (2, "1", "地区生产总值增长6%以上"),
    ]
    assert "县人民政府办公室" in [plan.text[s.start : s.end] for s in plan.furniture]


# --------------------------------------------------------------------------- titles


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("加强组织领导。各地区要高度重视。", "加强组织领导。"),
        ("指导思想：以新发展理念为指导。", "指导思想："),
        ("总体要求", "总体要求"),
        ("Do X. The body follows.", "Do X."),
        (
            'Study the "Opinions of the Committee". In the next year, act.',
            'Study the "Opinions of the Committee".',
        ),
        (
            "Work with the U.S. Department of Justice. Then report.",
            "Work with the U.S. Department of Justice.",
        ),
        ("Strengthen planning and design", "Strengthen planning and design"),
    ],
)
def test_run_in_headings_end_at_the_first_sentence(heading, title):
    span, body = split_title(heading, 0, len(heading))
    assert heading[span.start : span.end] == title
    assert (body is None) == (title == heading)


def test_document_title_may_span_two_lines():
    plan = parse_text(
        "市政府关于做好当前和今后一个时期\n稳就业工作的实施意见\n市政发〔2020〕8号\n一、总体要求\n"
    )
    assert plan.title == "市政府关于做好当前和今后一个时期稳就业工作的实施意见"


def test_english_title_and_markdown_heading_title():
    assert parse_text("River Authority 2023 Work Plan\n\n1. Dredge the channel.\n").title == (
        "River Authority 2023 Work Plan"
    )
    assert parse_text("# Harbour Plan 2024\n\n1. Repair the quay.\n").title == "Harbour Plan 2024"


# --------------------------------------------------------------------------- furniture


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Home > Policies > Annual Plans", "breadcrumb"),
        ("首页 > 政务公开 > 计划总结", "breadcrumb"),
        ("Recommended articles", "chrome"),
        ("相关文章", "chrome"),
        ("索 引 号 ABC123/2021-00001 发文日期 2021-02-01", "meta"),
        ("发布机构 县人民政府办公室", "meta"),
        ("时间:2022-03-01 作者:张三", "meta"),
        ("2022-03-01 09:30 市政府办公室", "meta"),
        ("苏政办发〔2021〕15号", "doc_number"),
        ("（此件公开发布）", "note"),
        ("- 3 -", "page"),
        ("第 2 页 共 9 页", "page"),
        ("Page 4 of 10", "page"),
        ("2021年12月1日", "date"),
        ("December 1, 2021", "date"),
        ("抄送：市委办公室，市人大常委会办公室。", "footer"),
        ("主办单位：XX市人民政府办公室 网站标识码：3301000001 浙ICP备1234号", "footer"),
        ("© 2021 City Council. All rights reserved.", "footer"),
        ("【字体：大 中 小】", "chrome"),
        ("Skip to main content", "chrome"),
        ("Version 1.2 (approved)", "meta"),
    ],
)
def test_furniture_lines(line, kind):
    assert furniture_kind(line) == kind


@pytest.mark.parametrize(
    "line", ["一、总体要求", "Plant 500 trees by June.", "The plan > the sum of its parts is a saying."]
)
def test_content_is_not_furniture(line):
    assert furniture_kind(line) is None


def test_furniture_and_signature_leave_the_items():
    text = "\n".join(
        [
            "Home > Plans",
            "Water Board 2022 Work Plan",
            "1. Replace old mains.",
            "2. Cut leaks by 10%.",
            "Water Board Secretariat",
            "March 3, 2022",
            "Page 1 of 1",
            "Related posts",
        ]
    )
    plan = parse_text(text)
    assert [plan.text[s.start : s.end] for s in plan.furniture] == [
        "Home > Plans",
        "Water Board Secretariat",
        "March 3, 2022",
        "Page 1 of 1",
        "Related posts",
    ]
    assert plan.items[1].text == ""


# --------------------------------------------------------------------------- tables


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("序号", "number"),
        ("工作任务", "title"),
        ("具体措施", "body"),
        ("牵头单位", "lead"),
        ("责任单位", "responsible"),
        ("配合单位", "cooperating"),
        ("完成时限", "deadline"),
        ("责任单位 牵头单位", "lead"),
        ("No.", "number"),
        ("Task", "title"),
        ("Lead unit", "lead"),
        ("Responsible", "responsible"),
        ("Cooperating units", "cooperating"),
        ("Deadline", "deadline"),
        ("Topic", "extra"),
    ],
)
def test_column_roles_from_headers(header, role):
    assert column_role(header) == role


def test_pipe_table_in_text_with_part_rows_and_units():
    text = "\n".join(
        [
            "市教育局2024年重点任务分解表",
            "序号 | 工作任务 | 牵头单位 | 责任单位 | 完成时限",
            "一、办好学前教育",
            "1 | 新建幼儿园。年内建成3所。 | 市教育局 | 市财政局、市住建局 | 2024年12月底前",
            "2 | 培训保教人员 | 市教育局 | 各区教育局 | 长期",
            "二、提升义务教育",
            "3 | 改造薄弱学校 | 市教育局 |  | 6月底前",
        ]
    )
    plan = parse_text(text)
    assert shape(plan.items) == [("1", [("1", []), ("2", [])]), ("2", [("3", [])])]
    first = plan.items[0].children[0]
    assert first.title == "新建幼儿园。" and first.text.startswith("年内建成3所。")
    assert [(u.text, u.role) for u in first.units] == [
        ("市教育局", "lead"),
        ("市财政局", "responsible"),
        ("市住建局", "responsible"),
    ]
    # The deadline column is the item's deadline: "年内" in the task names the same date again.
    assert [(d.text, d.date.isoformat() if d.date else None) for d in first.deadlines] == [
        ("2024年12月底前", "2024-12-31"),
    ]
    assert [(d.text, d.date) for d in plan.items[0].children[1].deadlines] == [("长期", None)]


def test_pipe_table_without_known_headers_uses_number_and_longest_column():
    text = "# | Commitment | Section\n1 | Open an exhibit in October 2020. Then tour it. | 2.1\n2 | Publish data. | 2.2\n"
    plan = parse_text(text, year=2020)
    assert outline(plan) == [(1, "1", "Open an exhibit in October 2020."), (1, "2", "Publish data.")]
    assert plan.items[0].deadlines[0].date is not None
    assert plan.items[0].deadlines[0].date.isoformat() == "2020-10-31"


def test_unnumbered_markdown_headings_are_sections():
    text = "# Library Plan 2024\n\n## Access\n\n1. Open two branches.\n2. Extend hours.\n\n### Weekends\n\n1. Open on Sundays.\n\n## Collections\n\n1. Digitise books.\n"
    plan = parse_text(text)
    assert plan.title == "Library Plan 2024"
    assert [(level, title) for level, _, title in outline(plan)] == [
        (1, "Access"),
        (2, "Open two branches."),
        (2, "Extend hours."),
        (2, "Weekends"),
        (3, "Open on Sundays."),
        (1, "Collections"),
        (2, "Digitise books."),
    ]


def test_table_number_cells_in_chinese_numerals():
    text = "序号 | 工作任务 | 责任单位\n一 | 修订制度 | 办公室\n二 | 开展培训 | 人事处\n"
    plan = parse_text(text)
    assert outline(plan) == [(1, "1", "修订制度"), (1, "2", "开展培训")]


def test_attachment_lines_are_furniture():
    plan = parse_text("一、工作任务\n（一）修订制度。\n附件：\n")
    assert [plan.text[s.start : s.end] for s in plan.furniture] == ["附件："]


def test_the_most_title_like_line_is_the_title():
    text = "市教育局2024年工作要点\n（2024年1月10日）\n——在全市教育工作会议上的部署\n市教育局\n一、总体要求\n"
    plan = parse_text(text)
    assert plan.title == "市教育局2024年工作要点"
    assert "（2024年1月10日）" in [plan.text[s.start : s.end] for s in plan.furniture]


def test_tab_separated_table_pasted_from_a_spreadsheet():
    text = "序号\t工作任务\t牵头单位\t完成时限\n1\t新建幼儿园3所\t市教育局\t年底前\n2\t培训教师\t市人社局\t6月底前\n"
    plan = parse_text(text, year=2024)
    assert outline(plan) == [(1, "1", "新建幼儿园3所"), (1, "2", "培训教师")]
    assert [(u.text, u.role) for u in plan.items[1].units] == [("市人社局", "lead")]


def test_link_and_attachment_lists_are_not_items():
    text = "\n".join(
        [
            "一、工作任务",
            "（一）修订制度。",
            "附件：1.任务分解表",
            "2.联系人名单",
            "相关链接",
            "1.关于开展爱国卫生运动的通知",
            "2.2023年工作总结",
        ]
    )
    plan = parse_text(text)
    assert outline(plan) == [(1, "1", "工作任务"), (2, "1", "修订制度。")]
    assert len(plan.furniture) == 5


def test_an_attached_plan_after_an_attachment_line_starts_over():
    text = (
        "关于印发实施方案的通知\n一、请认真执行。\n附件\n老旧小区改造实施方案\n一、总体要求\n（一）目标。\n"
    )
    plan = parse_text(text)
    assert plan.title == "老旧小区改造实施方案"
    assert [(level, number) for level, number, _ in outline(plan)] == [(1, "1"), (1, "1"), (2, "1")]


def test_a_web_page_footer_after_the_plan_is_furniture():
    text = "\n".join(
        [
            "首页 > 政务公开 > 计划总结",
            "某镇2024年爱国卫生工作计划",
            "【字体：大 中 小】",
            "一、开展环境整治",
            "（一）每月组织1次集中清扫。",
            "【打印本页】 【关闭窗口】",
            "上一篇：某镇2023年工作总结",
            "主办单位：某镇人民政府",
            "承办单位：某镇党政办",
            "1.关于网站",
        ]
    )
    plan = parse_text(text)
    assert outline(plan) == [(1, "1", "开展环境整治"), (2, "1", "每月组织1次集中清扫。")]
    assert all(not item.units for item in plan.flat_items())
    assert len(plan.furniture) == 7


def test_chrome_in_the_middle_does_not_swallow_the_rest():
    text = "一、环境整治\n（一）清扫。\n分享到\n（二）绿化。\n二、健康教育\n"
    plan = parse_text(text)
    assert [number for _, number, _ in outline(plan)] == ["1", "1", "2", "2"]


def test_a_second_document_after_a_page_footer_is_read():
    text = "一、环境整治\n（一）清扫。\n上一篇：工作总结\n主办单位：某镇人民政府\n某镇2024年绿化工作方案\n一、目标\n（一）植树。\n"
    plan = parse_text(text)
    assert plan.title == "某镇2024年绿化工作方案"
    assert [number for _, number, _ in outline(plan)] == ["1", "1", "1", "1"]
    assert all(not item.units for item in plan.flat_items())
