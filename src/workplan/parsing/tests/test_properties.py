"""Properties of the parser over generated and real text.

* Nothing is lost: the segments tile the text (contiguous, non-overlapping, covering it) and
  joining them gives the text back.
* Every span the result carries (labels, titles, bodies, promises) points at its own text.
* Bad input raises ParseError and nothing else; non-empty text never fails.
* The parse stays linear in the size of its input.
"""

from __future__ import annotations

import time
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workplan.parsing import Block, Document, ParsedPlan, ParseError, parse_document, parse_file, parse_text

LABELS = [
    "第一部分 ",
    "第二章",
    "一、",
    "二、",
    "十二、",
    "（一）",
    "（三）",
    "(二)",
    "1.",
    "2.",
    "3、",
    "1．",
    "（1）",
    "(2)",
    "①",
    "②",
    "a、",
    "b.",
    "First, ",
    "Second, ",
    "Third, ",
    "I. ",
    "II. ",
    "V. ",
    "1.1 ",
    "1.2.1 ",
    "(a) ",
    "b) ",
    "Part I ",
    "Goal 2: ",
    "甲、",
    "",
    "",
]
SENTENCES = [
    "加强组织领导。",
    "各地区要高度重视，6月底前完成。",
    "覆盖率达到80%以上，培育1-2个示范点。",
    "最高不超过15万元的贷款。",
    "每季度至少召开1次会议。",
    "2019年1月1日至12月31日，返还50%。",
    "（市民政局牵头，各区县政府配合）",
    "牵头单位：市财政局　责任单位：市教育局、市人社局",
    "在本意见印发之日起30日内出台办法。",
    "一是完善设施；二是健全机制。",
    "Strengthen the management of affairs.",
    "Hire 1-2 legal consultants by the end of June.",
    "Hold a conference once a year, and more than 80% of sites will qualify.",
    'Study the "Opinions of the U.S. Committee". In the next year, act.',
    "By Fiscal Year 2025, reach 1 million enhancements.",
    "Lead: Facilities Office; Cooperating: Finance Office and IT Office.",
    "NARA will digitize 75,000 pictures and 164 titles (337 reels) over the next two years.",
    "as soon as possible",
]
FURNITURE = [
    "Home > Plans > 2019",
    "recommended article",
    "索 引 号 ABC/2019-001 发文日期 2019-01-03",
    "国办函〔2018〕71号",
    "（此件公开发布）",
    "- 3 -",
    "XX市人民政府办公室",
    "2019年2月1日",
    "March 3, 2019",
]
PIPES = [
    "序号 | 工作任务 | 牵头单位 | 完成时限",
    "1 | 新建幼儿园3所 | 市教育局 | 6月底前",
    "2 | Train staff | HR Office | Q3",
    "| --- | --- |",
    "# | Commitment | Topic",
]
BREAKS = ["\n", "\n", "\n", "\r\n", "\n\n", " \n\u3000", "\n\t"]


@st.composite
def plan_like_text(draw: st.DrawFn) -> str:
    """Lines of labels, sentences, furniture and table rows, with messy line breaks."""
    parts: list[str] = []
    for _ in range(draw(st.integers(min_value=1, max_value=25))):
        kind = draw(st.integers(min_value=0, max_value=9))
        if kind <= 5:
            label = draw(st.sampled_from(LABELS))
            body = "".join(draw(st.lists(st.sampled_from(SENTENCES), min_size=0, max_size=3)))
            parts.append(label + body)
        elif kind == 6:
            parts.append(draw(st.sampled_from(FURNITURE)))
        elif kind == 7:
            parts.append(draw(st.sampled_from(PIPES)))
        else:
            parts.append(draw(st.text(max_size=40)))
        parts.append(draw(st.sampled_from(BREAKS)))
    return "".join(parts)


def assert_consistent(plan: ParsedPlan) -> None:
    """The segments tile the text and every span names its own text."""
    text = plan.text
    segments = sorted(plan.segments, key=lambda s: s.span.start)
    position = 0
    for segment in segments:
        assert segment.span.start == position, (segment, position)
        assert segment.span.end > segment.span.start
        position = segment.span.end
    assert position == len(text)
    assert "".join(text[s.span.start : s.span.end] for s in segments) == text
    flat = plan.flat_items()
    for segment in segments:
        if segment.role in ("number", "title", "body"):
            assert segment.item_index is not None and 0 <= segment.item_index < len(flat)
    for item in flat:
        assert item.level >= 1 and item.number
        if item.title_span is not None:
            assert text[item.title_span.start : item.title_span.end] == item.title
        if item.label_span is not None:
            assert text[item.label_span.start : item.label_span.end] == item.label
        for promise in (*item.targets, *item.deadlines, *item.units):
            assert text[promise.span.start : promise.span.end] == promise.text
        for child in item.children:
            assert child.level == item.level + 1
    for span in plan.furniture:
        assert 0 <= span.start < span.end <= len(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_like_text())
def test_segments_tile_plan_like_text(text):
    if not text.strip():
        with pytest.raises(ParseError):
            parse_text(text)
        return
    assert_consistent(parse_text(text))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_or_raises_parse_error_only(text):
    try:
        plan = parse_text(text)
    except ParseError:
        assert not text.strip()  # only empty text is refused
        return
    assert_consistent(plan)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 400), st.integers(0, 400)), max_size=12),
    st.text(min_size=1, max_size=200),
)
def test_documents_with_odd_blocks_raise_only_parse_error(spans, text):
    """Blocks from a buggy reader (overlapping, reversed, out of range) must not crash us."""
    blocks = [Block(min(a, b, len(text)), min(max(a, b), len(text))) for a, b in spans]
    try:
        plan = parse_document(Document(text, blocks))
    except ParseError:
        return
    assert all(0 <= s.span.start < s.span.end <= len(text) for s in plan.segments)


def _fixture_texts() -> list[Path]:
    files = [Path(str(resources.files("workplan.demo_data").joinpath("united-front-2019-work-plan.txt")))]
    samples = Path(__file__).resolve().parents[4].parent / "shared" / "plans"
    if samples.is_dir():
        files += sorted(p for p in samples.iterdir() if p.suffix in (".txt", ".md", ".docx", ".pdf"))
    return files


@pytest.mark.parametrize("path", _fixture_texts(), ids=lambda p: p.name)
def test_segments_tile_real_plans(path):
    assert_consistent(parse_file(path))


def _synthetic_plan(size: int) -> str:
    """A plan of about ``size`` characters: parts, tasks, measures and promises."""
    lines: list[str] = ["某市2024年重点工作任务", "Annual Work Plan 2024"]
    part = 0
    while sum(len(line) + 1 for line in lines) < size:
        part += 1
        lines.append(f"{part}. Part {part} heading")
        for task in range(1, 6):
            lines.append(f"（{'一二三四五'[task - 1]}）" + SENTENCES[(part + task) % len(SENTENCES)] * 2)
            lines.append(f"{task}. " + SENTENCES[(part * task) % len(SENTENCES)] + SENTENCES[task])
    return "\n".join(lines)


def _best_time(text: str, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        parse_text(text)
        best = min(best, time.perf_counter() - start)
    return best


def test_parse_time_grows_linearly():
    small, large = _synthetic_plan(100_000), _synthetic_plan(400_000)
    ratio = _best_time(large) / _best_time(small)
    assert ratio < 4 * 2, ratio  # four times the text: about four times the time, never sixteen


@pytest.mark.parametrize(
    "text",
    [
        "1. " * 30_000,
        "(" * 50_000 + "负责" + ")" * 50_000,
        "1 | a | b\n" * 5_000,
        "每年" * 30_000,
        "1,000," * 20_000,
        "a" * 200_000,
        "。" * 100_000,
        "一、" * 50_000,
        ("2019年1月1日至" * 20_000) + "12月31日",
    ],
    ids=["dots", "brackets", "pipes", "per-year", "commas", "one-word", "stops", "labels", "ranges"],
)
def test_pathological_inputs_stay_fast(text):
    start = time.perf_counter()
    assert_consistent(parse_text(text))
    assert time.perf_counter() - start < 5.0
