"""Target patterns of real plans, each from our own made-up sentences."""

from __future__ import annotations

from workplan.parsing import parse_text


def _targets(text: str) -> list[list[tuple[str, str, float | None]]]:
    return [[(t.text, t.kind, t.value) for t in item.targets] for item in parse_text(text).flat_items()]


def test_figures_alone_on_their_lines_are_table_cells_not_targets():
    text = (
        "某县2032年行动方案\n一、建设目标\n到2034年，建成区60%以上面积达到目标要求。\n"
        "片区\n面积\n东湖片区\n7.25平方公里\n西山片区\n3.10平方公里\n二、保障措施"
    )
    assert _targets(text)[0] == [("60%以上", "percent", 60.0)]


def test_a_monthly_report_due_on_a_day_is_a_monthly_frequency():
    text = "某县2032年行动方案\n一、工作要求\n1.每月5日前报送工作进展。\n2.完善台账。"
    assert _targets(text)[1] == [("每月", "frequency", 1.0)]
