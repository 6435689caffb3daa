"""Owner patterns of real plans, each from our own made-up sentences."""

from __future__ import annotations

import pytest

from workplan.parsing import parse_text


def _units(body: str) -> list[tuple[str, str]]:
    plan = parse_text(f"某县2032年工作要点\n一、重点工作\n1.{body}\n2.完善制度。")
    return [(unit.text, unit.role) for unit in plan.items[0].children[0].units]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "推进家庭农场培育。（县农业农村局、县供销社指导）",
            [("县农业农村局", "lead"), ("县供销社", "lead")],
        ),
        (
            "开展消防检查。（县消防救援大队指导，各乡镇参与）",
            [("县消防救援大队", "lead"), ("各乡镇", "cooperating")],
        ),
        (
            "建设物流园区，县商务局会同县交通运输局负责。",
            [("县商务局", "lead"), ("县交通运输局", "cooperating")],
        ),
        (
            "完善托育服务。县卫生健康局、各乡镇政府分别负责落实。",
            [("县卫生健康局", "responsible"), ("各乡镇政府", "responsible")],
        ),
        (
            "改造燈光球場。（縣體育局牽頭，各鄉鎮政府負責）",
            [("縣體育局", "lead"), ("各鄉鎮政府", "responsible")],
        ),
        ("建设养老服务指导中心。（县民政局负责）", [("县民政局", "responsible")]),
        (
            "整治占道经营。（县城管局牵头负责，县公安局、各乡镇政府组织落实）",
            [("县城管局", "lead"), ("县公安局", "responsible"), ("各乡镇政府", "responsible")],
        ),
        (
            "排查危旧房屋。（县住建局按职责分工负责落实，县财政局按职责组织配合）",
            [("县住建局", "responsible"), ("县财政局", "cooperating")],
        ),
    ],
)
def test_owner_patterns(body, expected):
    assert _units(body) == expected


def test_a_unit_name_with_a_dotted_acronym_is_kept_whole():
    plan = parse_text(
        "Valley Plan 2032\n1. Refresh the counts. Responsible: U.S. Geological Survey; County Data Office\n2. Fix it."
    )
    assert [unit.text for unit in plan.items[0].units] == ["U.S. Geological Survey", "County Data Office"]


def test_a_heading_ending_in_a_word_for_layout_is_not_an_office():
    plan = parse_text("某县2032年工作要点\n（一）优化产业空间布局。推动园区集聚发展。\n（二）完善制度。")
    assert plan.items[0].units == []
