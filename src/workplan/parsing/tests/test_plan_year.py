"""The plan's year: the caller's, the title's, else a guess the review shows as a guess.

The guess reads the years the text writes, but not quantities ("2000名"), horizons ("到2025年",
"by 2030") or baselines ("比2017年"); a start ("自2024年起") and the issuing date count more.
Plans written for these tests.
"""

from __future__ import annotations

from workplan.parsing import parse_text


def test_a_quantity_that_looks_like_a_year_is_not_the_year():
    text = "\n".join(
        [
            "关于做好高校毕业生就业工作的实施方案",
            "一、开发2000个见习岗位，组织2000名毕业生参加见习。",
            "二、6月底前完成2000人次技能培训。",
            "市人力资源和社会保障局",
            "2012年3月5日",
        ]
    )
    plan = parse_text(text)
    assert plan.year == 2012
    assert plan.year_source == "guessed"
    assert plan.items[1].deadlines[0].date is not None
    assert plan.items[1].deadlines[0].date.isoformat() == "2012-06-30"


def test_horizon_and_baseline_years_do_not_make_the_plan_year():
    text = "\n".join(
        [
            "全区绿色低碳发展工作方案",
            "一、到2025年，可再生能源装机比2020年翻一番；到2025年底建成充电桩500个。",
            "二、力争2027年实现公共机构能耗下降10%。",
            "三、2023年9月底前完成节能诊断。",
            "四、2023年12月底前出台奖补办法。",
        ]
    )
    plan = parse_text(text)
    assert plan.year == 2023


def test_a_start_phrase_outweighs_other_mentions():
    text = "\n".join(
        [
            "社区养老服务提升方案",
            "一、自2024年1月1日起，对高龄老人发放护理补贴。",
            "二、2019年、2020年、2021年试点经验在全区推广。",
            "本方案自印发之日起施行。",
        ]
    )
    assert parse_text(text).year == 2024


def test_english_past_statistics_and_targets_are_not_the_year():
    text = "\n".join(
        [
            "Riverside Library Service Plan",
            "Visits rose by 26 percent in 2017 and again in 2018.",
            "1. Open two branch libraries by 2030.",
            "2. Starting in 2026, publish a quarterly report.",
        ]
    )
    assert parse_text(text).year == 2026


def test_year_source_says_where_the_year_came_from():
    assert parse_text("2030年工作要点\n一、加强领导。\n").year_source == "title"
    assert parse_text("工作要点\n一、加强领导。\n", year=2031).year_source == "given"
    assert parse_text("工作要点\n一、加强领导。\n").year_source is None
    data = parse_text("工作要点\n一、2029年6月底前完成。\n").to_dict()
    assert (data["year"], data["year_source"]) == (2029, "guessed")
