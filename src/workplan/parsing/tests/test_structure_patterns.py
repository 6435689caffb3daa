"""Numbering and furniture patterns of real plans, each from our own made-up sentences."""

from __future__ import annotations

from workplan.parsing import parse_text


def _outline(text: str) -> list[tuple[int, str, str]]:
    return [(item.level, item.number, item.title) for item in parse_text(text).flat_items()]


def test_a_list_that_starts_past_one_is_read_when_it_goes_on():
    text = "Millbrook Council Action Plan 2032\nAction 4: Fix the ford.\nAction 5: Paint the hall.\nAction 6: Open the depot."
    assert _outline(text) == [
        (1, "4", "Fix the ford."),
        (1, "5", "Paint the hall."),
        (1, "6", "Open the depot."),
    ]
    assert "numbering_starts_late" in parse_text(text).items[0].reasons


def test_a_lone_late_number_is_still_body_text():
    text = "Millbrook Plan 2032\n1. Fix the ford.\n2. Paint the hall.\n7 new benches were bought last year."
    assert [number for _, number, _ in _outline(text)] == ["1", "2"]


def test_numbers_in_markdown_bold_are_labels():
    text = (
        "Quay Plan 2032\n**3.1** Deepen the berth.\n**3.2** Replace the fenders.\n**3.3** Survey the piles."
    )
    assert _outline(text) == [
        (1, "3.1", "Deepen the berth."),
        (1, "3.2", "Replace the fenders."),
        (1, "3.3", "Survey the piles."),
    ]


def test_a_list_whose_first_label_is_glued_to_a_duration_starts_at_one():
    text = "某县2032年工作要点\n一、民生工程\n1.3年内建成养老中心2个。\n2.2—4年内完成改造。\n3.新建公园1个。"
    assert [(level, number) for level, number, _ in _outline(text)] == [
        (1, "1"),
        (2, "1"),
        (2, "2"),
        (2, "3"),
    ]


def test_footnotes_under_the_text_are_not_items():
    text = (
        "Agency Plan 2032\nGoal 1: Faster permits\n1. Cut the wait to ten days.\n2. Publish the queue.\n"
        "1 Example.gov/permits/queue\n2 See the 2030 review."
    )
    assert [number for _, number, _ in _outline(text)] == ["1", "1", "2"]


def test_row_identifiers_are_numbers_as_written_and_keep_rows_siblings():
    rows = (
        "Ref ID\tTask\tOwner",
        "Q1.B2.S1\tRepaint the depot.\tFleet Office",
        "Q2.B1.S2\tOpen the yard.\tFleet Office",
    )
    assert [number for level, number, _ in _outline("\n".join(rows)) if level == 1] == [
        "Q1.B2.S1",
        "Q2.B1.S2",
    ]


def test_a_short_heading_line_with_a_colon_stays_whole():
    text = "某县2032年整治方案\n一、工作步骤\n（一）第一阶段：排查摸底\n1.组织排查。\n（二）第二阶段：集中整治\n二、保障措施"
    titles = [title for level, _, title in _outline(text) if level == 2]
    assert titles == ["第一阶段：排查摸底", "第二阶段：集中整治"]
