"""One bad label must never swallow the rest of a plan; unsure placements say why.

The plans here are written for these tests (a made-up city, made-up tasks).
"""

from __future__ import annotations

import pytest

from workplan.parsing import parse_text
from workplan.parsing.result import REASONS
from workplan.parsing.structure import parse_label

PARTS = ("一、壮大实体经济", "二、建设宜居城区", "三、办好民生实事", "四、建设法治政府")


def _long_plan(task: dict[int, str] | None = None, tasks: int = 45) -> str:
    """A 任务分解 plan whose 1.–45. run straight through four parts (12, 12, 12, 9)."""
    task = task or {}
    lines = ["鹭江市2031年政府工作报告重点任务分解方案", "为抓好各项任务落实，制定本方案。"]
    number = 0
    for part_index, part in enumerate(PARTS):
        lines.append(part)
        for _ in range(12 if part_index < 3 else 9):
            number += 1
            if number > tasks:
                break
            default = f"{number}.实施第{number}项重点工程，年底前完成投资{number * 2}亿元。（牵头单位：市发展改革委）"
            lines.append(task.get(number, default))
    lines += ["鹭江市人民政府办公室", "2031年2月20日"]
    return "\n".join(lines)


def _tasks(text: str) -> list[tuple[str, str]]:
    plan = parse_text(text)
    return [(item.number, item.title[:6]) for item in plan.flat_items() if item.level == 2]


def test_a_long_plan_numbered_straight_through_its_parts_keeps_all_45_tasks():
    plan = parse_text(_long_plan())
    assert [item.number for item in plan.items] == ["1", "2", "3", "4"]
    tasks = [item for part in plan.items for item in part.children]
    assert [item.number for item in tasks] == [str(n) for n in range(1, 46)]
    assert all("实施第" not in item.text for item in tasks)  # no task holds the next ones
    assert plan.year == 2031


def test_a_label_glued_to_the_digits_of_its_text_is_still_a_label():
    text = _long_plan({11: "11.300家规上企业完成智能化改造，新增专精特新企业20家。（牵头单位：市工信局）"})
    plan = parse_text(text)
    tasks = [item for part in plan.items for item in part.children]
    assert [item.number for item in tasks] == [str(n) for n in range(1, 46)]
    eleven = tasks[10]
    assert eleven.title.startswith("300家规上企业")
    assert eleven.reasons == ["label_glued_to_text"]
    assert [t.value for t in eleven.targets] == [20]


def test_a_glued_label_read_as_a_decimal_falls_back_to_the_dot_label():
    text = _long_plan({11: "11.121座口袋公园建成开放。（牵头单位：市城管局）"})
    tasks = [item for part in parse_text(text).items for item in part.children]
    assert [item.number for item in tasks] == [str(n) for n in range(1, 46)]
    assert tasks[10].title.startswith("121座口袋公园")
    assert tasks[10].reasons == ["label_glued_to_text"]


def test_a_lost_number_does_not_swallow_the_later_siblings():
    text = _long_plan({11: "全市300家规上企业完成智能化改造。"})  # task 11 lost its number
    tasks = [item for part in parse_text(text).items for item in part.children]
    numbers = [item.number for item in tasks]
    assert numbers == [str(n) for n in range(1, 46) if n != 11]
    twelve = tasks[10]
    assert twelve.reasons == ["numbering_skipped"]
    assert twelve.confidence < 0.9
    assert "全市300家" in tasks[9].text  # the unnumbered line stays with task 10, visibly


def test_a_run_of_later_numbers_resynchronises_after_a_large_gap():
    lines = ["（一）加强组织领导", "1.建立工作专班。", "2.制定任务清单。"]
    lines += [f"{n}.推进第{n}项工作。" for n in range(7, 11)]  # 3.–6. lost in conversion
    tasks = parse_text("\n".join(lines)).items[0].children
    assert [item.number for item in tasks] == ["1", "2", "7", "8", "9", "10"]
    assert tasks[2].reasons == ["numbering_skipped"]
    assert tasks[3].reasons == []


def test_a_stray_number_in_a_body_is_not_taken_for_a_task():
    text = "\n".join(["一、加强领导", "1.成立领导小组。", "各部门要高度重视。", "9.本方案自印发之日起施行。"])
    tasks = parse_text(text).items[0].children
    assert [item.number for item in tasks] == ["1"]  # 9 after 1 with no run after it: text


@pytest.mark.parametrize(
    ("text", "number", "continue_only"),
    [
        ("11.300家企业完成改造", "11", True),
        ("7.5G基站建设", "7.5", False),  # a decimal label reading first...
        ("1.5万元用于补贴", None, None),  # a quantity: no label
        ("2.35亿元投资", None, None),
    ],
)
def test_glued_labels_in_the_grammar(text, number, continue_only):
    label = parse_label(text)
    if number is None:
        assert label is None
        return
    assert label is not None
    assert label.readings[0].number == number
    assert label.continue_only is continue_only
    if number == "7.5":  # ...with the dot label "7." as its alternative
        assert label.alternative is not None
        assert label.alternative.readings[0].number == "7"
        assert label.alternative.continue_only


def test_reasons_are_in_the_contract_json_and_documented():
    text = _long_plan({11: "全市300家规上企业完成智能化改造。"})
    data = parse_text(text).to_dict()
    reasons = [r for part in data["items"] for item in part["children"] for r in item["reasons"]]
    assert reasons == ["numbering_skipped"]
    assert set(reasons) <= set(REASONS)


def test_a_body_with_numbered_sentences_run_together_is_flagged():
    text = "\n".join(
        [
            "一、工作任务",
            "（一）改善营商环境。1.压减审批时限。2.推行告知承诺制。3.开展涉企收费检查。",
            "（二）优化公共服务。推进社区食堂建设，每季度通报一次进展。",
            "（三）加强队伍建设。组织业务培训。",
        ]
    )
    first, second, third = parse_text(text).items[0].children
    assert "numbered_sentences_in_body" in first.reasons
    assert first.confidence <= 0.6
    assert second.reasons == [] and third.reasons == []


def test_a_body_far_longer_than_its_siblings_is_flagged():
    swallowed = "".join(f"全市第{n}批项目按期推进，资金及时拨付到位。" for n in range(60))
    lines = ["一、重点工作"] + [f"{n}.推进第{n}项工作。" for n in range(1, 6)]
    lines.insert(3, swallowed)  # the body of task 2
    tasks = parse_text("\n".join(lines)).items[0].children
    assert [item.reasons for item in tasks] == [[], ["long_body"], [], [], []]


def test_kangxi_radicals_from_a_pdf_printer_are_read_as_ordinary_characters():
    # "⼀" is U+2F00 KANGXI RADICAL ONE, "⼆" U+2F06, "⾃" U+2F83: what a browser's PDF printer writes
    text = (
        "⼯作⽅案\n\u2f00、总体要求\n（\u2f00）指导思想\n\u2f06、主要任务\n（\u2f00）⾃主创新，6⽉底前完成。"
    )
    plan = parse_text(text)
    assert [(item.level, item.number) for item in plan.flat_items()] == [
        (1, "1"),
        (2, "1"),
        (1, "2"),
        (2, "1"),
    ]
    assert plan.flat_items()[-1].title.startswith("自主创新")
    assert [d.text for d in plan.flat_items()[-1].deadlines] == ["6月底前"]
    assert len(plan.text) == len(text)  # one character for one: offsets into the input hold
