"""The level state machine: where each numbered label goes in the tree.

Levels follow the order in which numbering styles first appear, but a label is placed where
it keeps numbers consecutive: a "1." right after a "1." is a child, a "2." continues
whichever open sequence expects 2, "Second," may continue a sequence that began with "1.",
and "（三）" after "二、" continues the "（二）" of the previous part.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from workplan.parsing.result import Span, UnitRole
from workplan.parsing.structure.grammar import Label, Reading


@dataclass(slots=True)
class DraftItem:
    """An item as the structure pass sees it: spans only; promises are added later."""

    number: str
    label: str
    depth: int
    index: int
    label_span: Span | None
    title_span: Span
    body_spans: list[Span] = field(default_factory=list)
    extra_spans: list[Span] = field(default_factory=list)  # table cells of unknown role
    # (cell, role, where its lines broke): a table's unit columns
    unit_cells: list[tuple[Span, UnitRole, tuple[int, ...]]] = field(default_factory=list)
    deadline_cells: list[Span] = field(default_factory=list)
    target_cells: list[Span] = field(default_factory=list)  # a table's targets column
    children: list[DraftItem] = field(default_factory=list)
    confidence: float = 1.0
    from_table: bool = False
    # why the parser is unsure of this item (codes, see ``result.REASONS``)
    reasons: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Level:
    styles: set[str]
    expected: int
    item: DraftItem


def _next_values(following: list[Label], style: str, count: int) -> list[int]:
    """The values of the next ``count`` labels of ``style`` (a glued label's other reading too)."""
    values: list[int] = []
    for label in following:
        readings = label.readings + (label.alternative.readings if label.alternative else ())
        values.extend(r.value for r in readings if r.style == style)
        if len(values) >= count:
            break
    return values[:count]


#: Deepest level the tree may have; real plans use at most six or seven.
MAX_DEPTH = 12


class LevelMachine:
    """Places labels in the tree so that every open sequence stays consecutive."""

    def __init__(self) -> None:
        self.stack: list[_Level] = []
        self.seen: dict[str, tuple[int, int]] = {}  # style -> (depth index, last value)
        self.reason: str | None = None  # why the last placement is unsure (None: it is not)

    def reset(self) -> None:
        """A new document begins (a plan wrapped in a notice): forget all levels."""
        self.stack.clear()
        self.seen.clear()

    def close_to(self, index: int) -> None:
        """Close every open level from ``index`` down: an unnumbered group heading ends the
        lists below it, so the next list starts over at ``index``."""
        del self.stack[index:]

    def close_style(self, style: str) -> None:
        """Close the open level of ``style`` and everything below it (if it is open)."""
        index = self._open_index(style)
        if index is not None:
            del self.stack[index:]

    def _open_index(self, style: str) -> int | None:
        for index in range(len(self.stack) - 1, -1, -1):
            if style in self.stack[index].styles:
                return index
        return None

    def place(self, label: Label) -> tuple[int, Reading, float] | None:
        """Where a label goes: (depth index, chosen reading, confidence), or None to reject.

        ``self.reason`` then says why a placement is unsure (None when it is not)."""
        self.reason = None
        if label.continue_only:
            placed = self._continued(label)
            self.reason = "label_glued_to_text" if placed else None
            return placed
        placed = self._by_decimal(label) or self._continued(label) or self._started(label)
        if placed is not None or label.sequence_only:
            return placed
        return self._through_parents(label) or self._new_style(label) or self._skipped(label)

    def _unsure(
        self, reason: str, index: int, reading: Reading, confidence: float
    ) -> tuple[int, Reading, float]:
        self.reason = reason
        return index, reading, confidence

    def _by_decimal(self, label: Label) -> tuple[int, Reading, float] | None:
        """Decimal numbers name their parent: "2.1" goes under the open item numbered "2"."""
        depth = len(self.stack)
        for reading in label.readings:
            if reading.style.startswith("decimal") and "." in reading.number:
                parent = reading.number.rsplit(".", 1)[0]
                for index in range(depth - 1, -1, -1):
                    if self.stack[index].item.number == parent and index + 1 < MAX_DEPTH:
                        return index + 1, reading, 1.0
                open_at = self._open_index(reading.style)
                if open_at is not None:
                    return self._unsure("number_parent_missing", open_at, reading, 0.9)
        return None

    def _continued(self, label: Label) -> tuple[int, Reading, float] | None:
        """Continue an open sequence (the deepest one that expects this number)."""
        for index in range(len(self.stack) - 1, -1, -1):
            level = self.stack[index]
            for reading in label.readings:
                if reading.style in level.styles and reading.value == level.expected:
                    return index, reading, 1.0
        return None

    def _started(self, label: Label) -> tuple[int, Reading, float] | None:
        """Start a new sequence one level down -- unless that would nest a style a third
        time or pass MAX_DEPTH ("1. 1. 1." is a flat list, not a staircase): then restart
        the deepest sequence of that style."""
        depth = len(self.stack)
        for reading in label.readings:
            if reading.value == 1:
                same = [i for i, level in enumerate(self.stack) if reading.style in level.styles]
                if len(same) >= 2 or depth >= MAX_DEPTH:
                    return self._unsure("numbering_restarted", same[-1] if same else depth - 1, reading, 0.6)
                return depth, reading, 1.0
        return None

    def _through_parents(self, label: Label) -> tuple[int, Reading, float] | None:
        """Numbering straight through the parents: （三） after 二、 when （二） was last, or
        "12." right under 四、 when "11." sat under 三、（三）."""
        for reading in label.readings:
            seen = self.seen.get(reading.style)
            if seen and reading.value == seen[1] + 1 and self._open_index(reading.style) is None:
                return min(seen[0], len(self.stack)), reading, 0.95
        return None

    def _new_style(self, label: Label) -> tuple[int, Reading, float] | None:
        """A new style continuing an open sequence: "Second," after "1.", "V." after "Fourth,"."""
        for index in range(len(self.stack)):
            level = self.stack[index]
            for reading in label.readings:
                if reading.value == level.expected and reading.style not in self.seen:
                    return self._unsure("numbering_style_changed", index, reading, 0.85)
        return None

    def _skipped(self, label: Label) -> tuple[int, Reading, float] | None:
        """A skipped number in a sequence of a distinctive style (a typo, a deleted item)."""
        if not label.strong:
            return None
        depth = len(self.stack)
        for index in range(depth - 1, -1, -1):
            level = self.stack[index]
            for reading in label.readings:
                if reading.style in level.styles and level.expected < reading.value <= level.expected + 2:
                    return self._unsure("numbering_skipped", index, reading, 0.7)
        for reading in label.readings:
            if reading.style not in self.seen and 1 < reading.value <= 3 and depth < MAX_DEPTH:
                return self._unsure("numbering_starts_late", depth, reading, 0.6)
        return None

    def resync(self, label: Label, following: list[Label]) -> tuple[int, Reading, float] | None:
        """A number past the one its open sequence expects, which fits nowhere else: the
        numbers in between were lost (a label the grammar could not read, a page the
        converter dropped). Without this one bad label would swallow every later sibling.
        Accepted when the labels after it go on from it (v+1, v+2), or when it skips at most
        two numbers and the next label of its style, if any, is v+1."""
        self.reason = None
        if label.sequence_only or label.continue_only:
            return None
        for reading in label.readings:
            index = self._open_index(reading.style)
            if index is None:
                continue
            gap = reading.value - self.stack[index].expected
            if gap < 1:
                continue
            after = [r.value for f in following for r in f.readings if r.style == reading.style][:2]
            goes_on = after == [reading.value + 1, reading.value + 2]
            if goes_on or (gap <= 2 and (not after or after[0] == reading.value + 1)):
                return self._unsure("numbering_skipped", index, reading, 0.5)
        return self._starts_elsewhere(label, following)

    def _starts_elsewhere(self, label: Label, following: list[Label]) -> tuple[int, Reading, float] | None:
        """A list that starts past 1 ("Action 7:", a list that starts at 7. because the plan
        goes on from another): a new style whose next two labels go on from it."""
        depth = len(self.stack)
        if depth >= MAX_DEPTH:
            return None
        for reading in label.readings:
            if reading.style in self.seen or reading.value < 2:
                continue
            if _next_values(following, reading.style, 2) == [reading.value + 1, reading.value + 2]:
                return self._unsure("numbering_starts_late", depth, reading, 0.6)
        return None

    def starts_glued_list(self, label: Label, following: list[Label]) -> tuple[int, Reading, float] | None:
        """ "1.5年内建成…" then "2.…": a dot label glued to its text's digits starts a list at 1
        when the next label of its style is 2."""
        self.reason = None
        if not label.continue_only:
            return None
        for reading in label.readings:
            if reading.value != 1:
                continue
            if _next_values(following, reading.style, 1) == [2]:
                placed = self._started(label)
                self.reason = self.reason or "label_glued_to_text"
                return placed
        return None

    def continues(self, label: Label) -> bool:
        """True if the label is the next number of an open sequence of its own style."""
        return any(
            reading.style in level.styles and reading.value == level.expected
            for level in self.stack
            for reading in label.readings
        )

    def open_item(self, accept: Callable[[DraftItem], bool]) -> DraftItem | None:
        """The deepest open item that ``accept`` accepts."""
        for level in reversed(self.stack):
            if accept(level.item):
                return level.item
        return None

    def push(self, index: int, reading: Reading, item: DraftItem) -> DraftItem | None:
        """Open ``item`` at depth ``index``; returns its parent (None at the top)."""
        styles = {reading.style}
        if index < len(self.stack):
            styles |= self.stack[index].styles
        del self.stack[index:]
        self.stack.append(_Level(styles, reading.value + 1, item))
        self.seen[reading.style] = (index, reading.value)
        return self.stack[index - 1].item if index else None

    def place_heading(self, rank: int) -> tuple[int, int]:
        """(depth index, value) for an unnumbered heading of ``rank``: under the nearest open
        heading of a higher rank, continuing a sibling heading of the same rank."""
        style = f"heading{rank}"
        for index in range(len(self.stack) - 1, -1, -1):
            styles = self.stack[index].styles
            if style in styles:
                return index, self.stack[index].expected
            if any(s.startswith("heading") and int(s[7:]) < rank for s in styles):
                return min(index + 1, MAX_DEPTH - 1), 1
        return 0, 1

    def expected_auto(self, style: str) -> tuple[int, int]:
        """For a row without a number: (depth index, value) continuing its own sequence."""
        index = self._open_index(style)
        if index is not None:
            return index, self.stack[index].expected
        return min(len(self.stack), MAX_DEPTH - 1), 1
