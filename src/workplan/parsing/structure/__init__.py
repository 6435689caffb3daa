"""The structure pass: numbering grammar, level inference, titles and page furniture.

One linear walk over the blocks of a :class:`Document`:

1. each block is classified: page furniture (breadcrumbs, 索引号 lines, signatures, page
   numbers), a numbered heading (its label parsed by the grammar below), a table row, or
   plain text;
2. numbered labels are placed in the tree by a small state machine over the open levels,
   each remembering its numbering styles and the number it expects next. Levels follow the
   order in which styles first appear, but a label is placed where it keeps numbers
   consecutive: a "1." right after a "1." is a child, a "2." continues whichever open
   sequence expects 2, and "Second," may continue a sequence that began with "1.";
3. every character of the text is assigned a role (number, title, body, furniture,
   preamble, doc_title, separator), so nothing the author wrote is silently dropped.

Promises (targets, deadlines, units) are extracted afterwards, per item (``promises``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from operator import itemgetter

from workplan.parsing.document import Document
from workplan.parsing.result import Segment, SegmentRole, Span, UnitRole
from workplan.parsing.structure.doubts import mark_doubts
from workplan.parsing.structure.furniture import (
    DATE_PARTS,
    ISO_DATE,
    LIST_HEADER,
    TABLE_NOTE,
    furniture_kind,
    looks_like_signature,
    parse_date_line,
)
from workplan.parsing.structure.grammar import Label, Reading, parse_label, parse_table_number
from workplan.parsing.structure.levels import DraftItem, LevelMachine
from workplan.parsing.structure.tables import ColumnRole, Line, Row, block_lines, column_role, mark_tables
from workplan.parsing.structure.text import (
    TITLE_PUNCT,
    Language,
    detect_language,
    is_cjk_text,
    looks_like_title,
    split_title,
    title_continues,
    title_score,
)

__all__ = [
    "DraftItem",
    "Language",
    "LevelMachine",
    "Structure",
    "column_role",
    "count_years",
    "furniture_kind",
    "parse_label",
    "parse_structure",
    "split_title",
]


@dataclass(slots=True)
class Structure:
    """What the structure pass found: the item tree, title, furniture and text roles."""

    items: list[DraftItem]
    title: str | None
    language: Language
    furniture: list[Span]
    segments: list[Segment]
    doc_date: dt.date | None
    content_spans: list[Span]  # text that is neither furniture nor a title (year counting)


class _Builder:
    """Accumulates items and segments during the walk."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.roots: list[DraftItem] = []
        self.count = 0
        self.segments: list[tuple[int, int, SegmentRole, int | None]] = []
        self.current: DraftItem | None = None
        self.machine = LevelMachine()

    def seg(self, span: Span | None, role: SegmentRole, item: DraftItem | None = None) -> None:
        if span is not None and span.end > span.start:
            self.segments.append((span.start, span.end, role, item.index if item else None))

    def new_item(
        self, label: Label | None, reading: Reading, index: int, title: Span, confidence: float
    ) -> DraftItem:
        label_text = self.text[label.start : label.end] if label else ""
        item = DraftItem(
            number=reading.number,
            label=label_text,
            depth=index + 1,
            index=self.count,
            label_span=Span(label.start, label.end) if label else None,
            title_span=title,
            confidence=confidence,
        )
        self.count += 1
        parent = self.machine.push(index, reading, item)
        (parent.children if parent else self.roots).append(item)
        self.current = item
        if label and label.end > label.start:
            self.segments.append((label.start, label.end, "number", item.index))
        if title.end > title.start:
            self.segments.append((title.start, title.end, "title", item.index))
        return item


#: A plan with at least this many numbered lines numbers its own structure.
MIN_NUMBERED_LINES = 3
#: A bullet that starts an action: "•", "●", "▪", "◆", "►", "➢", "❖", "-", "*", "·" and a space,
#: or a Symbol/Wingdings bullet that a PDF printer left as its private-use code point (U+F0B7 …).
_BULLET = re.compile(r"[•●▪■◆◇►▶➢➤❖✓✔○◦·\-*–\uf0a7\uf0b7\uf0d8\uf076\uf0fc\uf0e8](?:[ \t\u3000]+)(?=\S)")
#: Confidence of a bullet item (no number to check its place by).
BULLET_CONFIDENCE = 0.8
#: How many unnumbered headings (the title's included) divide a numbered plan into sections.
MIN_SECTION_HEADINGS = 3
#: Longest unnumbered line read as a group heading over a list.
MAX_GROUP_HEADING = 24


class _Walk:
    """The walk over the classified lines: each line becomes furniture, an item, a title,
    or body text of the item above it."""

    def __init__(self, text: str, lines: list[Line]) -> None:
        self.text = text
        self.lines = lines
        self.builder = _Builder(text)
        self.furniture: list[Span] = []
        self.titles: list[tuple[int, int, str]] = []  # (score, order, text) of title candidates
        self.title: str | None = None
        # After a signature, a date or a 附件 line, a title starts a new document (the plan
        # a notice wraps): the numbering starts over.
        self.after_signature = False
        self.pending_title: DraftItem | None = None  # "第一部分" alone: its title is the next line
        # Page chrome after the plan's content (上一篇/下一篇, 【打印】, 相关链接) means the
        # page has moved on to its footer: nothing below it belongs to the plan.
        self.in_footer = False
        # After a table whose rows are items, the last row's item ends with the table: a
        # paragraph below it is a note ("注：各责任单位每季度末报送进展情况。", furniture),
        # text of the item the table sits in, or plan-level text, until a new item begins.
        self.after_table = False
        # Unnumbered Word/Markdown headings are the plan's sections in a plan without
        # numbering of its own, or where several of them divide it (lists restarting under
        # "## Access", "## Collections"); a lone one over a numbered plan is a crawler's or a
        # template's heading ("# 通知标题" then "## 政策全文"), not an item.
        numbered = sum(1 for line in lines if line.kind == "item")
        headings = sum(1 for line in lines if line.kind == "text" and line.block.heading_level is not None)
        self.headings_are_items = numbered < MIN_NUMBERED_LINES or headings >= MIN_SECTION_HEADINGS
        # Unnumbered group headings ("工作安排", "Second quarter:") over numbered lists: the
        # depth of the first item after the first one; each later one closes the lists
        # opened since, so numbering that restarts under each heading is not nested.
        self.group_base: int | None = None
        self.after_group = False

    def run(self) -> None:
        pos = 0
        while pos < len(self.lines):
            pos += self.step(pos)

    def step(self, pos: int) -> int:
        """Handle the line at ``pos``; returns how many lines it consumed."""
        line = self.lines[pos]
        if self.in_footer and (
            line.kind in ("row", "header_row")
            or (line.kind == "item" and line.label is not None and self.builder.machine.continues(line.label))
        ):
            self.in_footer = False  # the plan resumes: the chrome was in the middle of it
        elif self.in_footer and line.kind == "text" and self.starts_new_document(pos):
            self.in_footer = False
            self.after_signature = True  # a second document: its title starts the numbering over
        if self.in_footer or line.kind == "furniture":
            self.furniture.append(Span(line.start, line.end))
            self.builder.seg(Span(line.start, line.end), "furniture")
            if line.furniture in ("signature", "date", "attachment"):
                self.after_signature = True
            if line.furniture in ("chrome", "footer") and self.builder.current is not None:
                self.in_footer = True
            return 1
        if line.kind == "rule":
            self.builder.seg(Span(line.start, line.end), "separator")
            return 1
        if line.kind in ("row", "header_row") and line.row is not None:
            _table_row(self.builder, self.text, line, self.furniture)
            self.after_signature = False
            self.after_table = True
            return 1
        if line.kind == "item" and line.label is not None and self.numbered(pos, line, line.label):
            self.after_table = False
            return 1
        if line.kind == "bullet":
            self.bulleted(line)
            return 1
        return self.unnumbered(pos, line)

    def starts_new_document(self, pos: int) -> bool:
        """A title ("…工作方案", "… Work Plan 2024") soon followed by numbering from 1."""
        if not looks_like_title(self.lines[pos].text) or title_score(self.lines[pos].text) < 3:
            return False
        following = [line for line in self.lines[pos + 1 : pos + 8] if line.kind != "furniture"][:3]
        return any(
            line.label is not None and any(reading.value == 1 for reading in line.label.readings)
            for line in following
        )

    def numbered(self, pos: int, line: Line, label: Label) -> bool:
        """Place a numbered line in the tree; False when its number fits no sequence."""
        machine = self.builder.machine
        placed = machine.place(label)
        reason = machine.reason
        alternative = label.alternative
        if alternative is not None and (placed is None or (reason and machine.continues(alternative))):
            # "2.2—3年内…" where "2." is due: the glued label, not a decimal out of place
            label = alternative
            placed, reason = machine.place(label), machine.reason
        if placed is None:
            following = self.following_labels(pos)
            placed = machine.resync(label, following) or machine.starts_glued_list(label, following)
            reason = machine.reason
        if placed is None:
            return False
        index, reading, confidence = placed
        if label.rest < line.end:
            title, body = split_title(self.text, label.rest, line.end)
        else:
            title, body = Span(line.end, line.end), None
        if self.builder.count == 0 and self.group_base is None and self.under_group_heading(pos):
            self.after_group = True  # "检查内容" over the plan's first list
        item = self.builder.new_item(label, reading, index, title, confidence)
        if self.after_group:
            self.group_base = index if self.group_base is None else self.group_base
            self.after_group = False
        if reason:
            item.reasons.append(reason)
        self.add_body(item, body)
        self.pending_title = item if title.end <= title.start else None
        self.after_signature = False
        return True

    def bulleted(self, line: Line) -> None:
        """A bullet ("• Ensure…", "- Publish…") in a plan without numbering: an item,
        numbered by its place in the run of bullets."""
        builder = self.builder
        index, value = builder.machine.expected_auto("bullet")
        marker = _BULLET.match(line.text)
        rest = line.start + (marker.end() if marker else 0)
        title, body = (
            split_title(self.text, rest, line.end) if rest < line.end else (Span(line.end, line.end), None)
        )
        item = builder.new_item(None, Reading("bullet", value, str(value)), index, title, BULLET_CONFIDENCE)
        self.add_body(item, body)
        self.pending_title = None
        self.after_signature = False
        self.after_table = False

    def is_group_heading(self, pos: int, line: Line) -> bool:
        """A short unnumbered heading ("工作安排", "Key actions:") over a list that starts
        at 1, right under it or after one introducing paragraph."""
        text = line.text.strip()
        if not text or len(text) > MAX_GROUP_HEADING or TITLE_PUNCT.search(text) or text[-1] in ",，、；;":
            return False
        if title_score(text) >= 3:
            return False  # "校园安全工作方案": the document's title
        following = [other for other in self.lines[pos + 1 : pos + 5] if other.kind != "furniture"][:2]
        if following and following[0].kind == "text":
            following = following[1:]  # "结合我区实际，分三个阶段进行。" between heading and list
        return bool(following) and _starts_list(following[0])

    def under_group_heading(self, pos: int) -> bool:
        """The line before ``pos`` (or the one before an introducing paragraph) is a group heading."""
        before = [index for index in range(max(0, pos - 4), pos) if self.lines[index].kind != "furniture"][
            -2:
        ]
        if (
            before
            and self.lines[before[-1]].kind == "text"
            and self.is_group_heading(before[-1], self.lines[before[-1]])
        ):
            return True
        return (
            len(before) == 2
            and self.lines[before[-1]].kind == "text"
            and self.lines[before[0]].kind == "text"
            and self.is_group_heading(before[0], self.lines[before[0]])
        )

    def following_labels(self, pos: int, lines: int = 60) -> list[Label]:
        """The labels of the numbered lines after ``pos`` (a look-ahead of ``lines`` lines)."""
        return [
            line.label
            for line in self.lines[pos + 1 : pos + 1 + lines]
            if line.kind == "item" and line.label is not None
        ]

    def add_body(self, item: DraftItem, body: Span | None) -> None:
        if body:
            item.body_spans.append(body)
            self.builder.seg(body, "body", item)

    def unnumbered(self, pos: int, line: Line) -> int:
        span = Span(line.start, line.end)
        builder = self.builder
        if self.pending_title is not None and looks_like_title(line.text):
            self.pending_title.title_span = span
            builder.seg(span, "title", self.pending_title)
            self.pending_title = None
            return 1
        self.pending_title = None
        rank = line.block.heading_level
        if (
            rank is not None
            and self.headings_are_items
            and not self.after_signature
            and (self.title is not None or builder.current is not None)
        ):
            # An unnumbered Word/Markdown heading after the title is a section of the plan.
            index, value = builder.machine.place_heading(rank)
            title, body = split_title(self.text, line.start, line.end)
            item = builder.new_item(None, Reading(f"heading{rank}", value, str(value)), index, title, 0.9)
            self.add_body(item, body)
            self.after_table = False
            return 1
        starts_document = builder.current is None or self.after_signature
        group = self.is_group_heading(pos, line)
        if group and not starts_document and builder.current is not None:
            if self.group_base is not None:
                builder.machine.close_to(self.group_base)
            self.after_group = True
            builder.current.body_spans.append(span)
            builder.seg(span, "body", builder.current)
            return 1
        if (
            starts_document
            and (rank is not None or looks_like_title(line.text))
            and not TABLE_NOTE.match(line.text)  # "注：…" above a table is a note, not its title
        ):
            return self.title_group(pos)
        self.after_signature = False
        if self.after_table and builder.current is not None and builder.current.from_table:
            if TABLE_NOTE.match(line.text):
                self.furniture.append(span)
                builder.seg(span, "furniture")
                return 1
            # The text goes on with the item the table sits in, if it sits in one; else it
            # is plan-level text, outside every item.
            outer = builder.machine.open_item(lambda item: not item.from_table)
            if outer is None:
                builder.seg(span, "preamble")
                return 1
            builder.current = outer
        if builder.current is None:
            builder.seg(span, "preamble")
        else:
            builder.current.body_spans.append(span)
            builder.seg(span, "body", builder.current)
        return 1

    def title_group(self, pos: int) -> int:
        """A document title, possibly over two lines; a title after a signature starts over."""
        lines = self.lines
        group = [lines[pos]]
        while (
            pos + len(group) < len(lines)
            and lines[pos + len(group)].kind == "text"
            and looks_like_title(lines[pos + len(group)].text)
            and title_continues("".join(g.text for g in group), lines[pos + len(group)].text)
        ):
            group.append(lines[pos + len(group)])
        joiner = "" if is_cjk_text(group[0].text) else " "
        title_text = joiner.join(g.text for g in group)
        if self.after_signature and self.builder.current is not None:
            self.builder.machine.reset()
            self.builder.current = None
            self.titles.clear()
        if self.builder.current is None:
            self.titles.append((title_score(title_text), len(self.titles), title_text))
            self.title = max(self.titles)[2]
        for g in group:
            self.builder.seg(Span(g.start, g.end), "doc_title")
        self.after_signature = False
        return len(group)


def _indent_style(row: Row) -> str:
    """The auto-numbering style of a row without a number: one per indentation of its title
    cell, so that deeper-indented rows become the children of the row above them."""
    if not row.indents:
        return "tbl_auto"
    for cell_indent, role in zip(row.indents, row.roles, strict=False):
        if role == "title":
            return f"tbl_auto_indent{cell_indent}" if cell_indent else "tbl_auto"
    return "tbl_auto"


def _starts_list(line: Line) -> bool:
    return (
        line.kind == "item"
        and line.label is not None
        and any(reading.value == 1 for reading in line.label.readings)
    )


def parse_structure(doc: Document) -> Structure:
    """Run the structure pass over a document (see the module docstring)."""
    text = doc.text
    lines = block_lines(doc)
    mark_tables(text, lines)
    language = detect_language(text)

    # Classify the plain lines: furniture first, then numbering labels (two passes over the
    # lines keep each one's regexes hot in the processor's caches).
    plain = [line for line in lines if line.kind == "text"]
    for line in plain:
        kind = furniture_kind(line.text)
        if kind:
            line.kind, line.furniture = "furniture", kind
    for line in plain:
        if line.kind == "text":
            label = parse_label(line.text, line.start)
            if label:
                line.kind, line.label = "item", label
    _mark_lists(lines)
    if sum(1 for line in lines if line.kind == "item") < MIN_NUMBERED_LINES:
        # A plan without numbering of its own may list its actions as bullets.
        for line in plain:
            if line.kind == "text" and _BULLET.match(line.text):
                line.kind = "bullet"
    # A signature is the organisation line just before a date line.
    doc_date: dt.date | None = None
    for pos, line in enumerate(lines):
        if line.furniture == "date":
            doc_date = doc_date or parse_date_line(line.text)
            if pos and lines[pos - 1].kind == "text" and looks_like_signature(lines[pos - 1].text):
                lines[pos - 1].kind, lines[pos - 1].furniture = "furniture", "signature"
        elif line.furniture == "meta" and doc_date is None and re.search(r"发文日期|成文日期", line.text):
            found = ISO_DATE.search(line.text[line.text.find("日期") :]) or DATE_PARTS.search(line.text)
            if found:
                doc_date = parse_date_line(found.group(0))

    walk = _Walk(text, lines)
    walk.run()
    mark_doubts(text, walk.builder.roots)
    chosen_title = walk.title
    if chosen_title is None and doc.title_hint:
        chosen_title = doc.title_hint.strip() or None
    segments = _tile(text, walk.builder.segments)
    content = [s.span for s in segments if s.role in ("number", "title", "body", "preamble")]
    return Structure(
        items=walk.builder.roots,
        title=chosen_title,
        language=language,
        furniture=walk.furniture,
        segments=segments,
        doc_date=doc_date,
        content_spans=content,
    )


_UNIT_ROLES: dict[ColumnRole, UnitRole] = {
    "lead": "lead",
    "responsible": "responsible",
    "cooperating": "cooperating",
}


def _mark_lists(lines: list[Line]) -> None:
    """The short lines under a 附件 line or a "相关链接" header are a list of attachments or
    links (numbered or not), not items of the plan."""
    index = 0
    while index < len(lines):
        line = lines[index]
        is_attachment = line.furniture == "attachment"
        is_links = line.furniture == "chrome" and LIST_HEADER.match(line.text) is not None
        index += 1
        if not (is_attachment or is_links):
            continue
        while index < len(lines) and lines[index].kind in ("text", "item"):
            follower = lines[index]
            short = len(follower.text) <= 60 and not TITLE_PUNCT.search(follower.text)
            if not short or (is_attachment and follower.label is None):
                break
            follower.kind, follower.furniture = "furniture", "list"
            index += 1


def _table_row(builder: _Builder, text: str, line: Line, furniture: list[Span]) -> None:
    """Turn one table row into an item (or a part heading, or the header)."""
    row = line.row
    if row is None:
        return
    for sep in row.separators:
        builder.seg(sep, "separator")
    if row.is_header:
        for cell in row.cells:
            if cell.end > cell.start:
                furniture.append(cell)
                builder.seg(cell, "furniture")
        return
    if row.ends_groups:
        builder.machine.close_style(_GROUP_STYLE)
    filled = [c for c in row.cells if c.end > c.start]
    distinct = {text[c.start : c.end] for c in filled}
    if len(distinct) == 1:  # one merged cell: a part heading such as "一、支持企业稳定发展"
        cell = filled[0]
        label = parse_label(text[cell.start : cell.end], cell.start)
        placed = builder.machine.place(label) if label else None
        if label and placed:
            index, reading, confidence = placed
            title, body = (
                split_title(text, label.rest, cell.end)
                if label.rest < cell.end
                else (Span(cell.end, cell.end), None)
            )
        else:
            label = None
            index, value = builder.machine.expected_auto("tbl_group")
            reading, confidence = Reading("tbl_group", value, str(value)), 0.8
            title, body = split_title(text, cell.start, cell.end)
        item = builder.new_item(label, reading, index, title, confidence)
        item.from_table = True
        if body:
            item.body_spans.append(body)
            builder.seg(body, "body", item)
        for other in filled[1:]:
            builder.seg(other, "body", item)
        return

    if row.group is not None:
        _group_item(builder, text, row.group)
    number_cell = next((c for c, r in zip(row.cells, row.roles, strict=False) if r == "number"), None)
    label = None
    if number_cell is not None and number_cell.end > number_cell.start:
        label = parse_table_number(text[number_cell.start : number_cell.end], number_cell.start)
    # An identifier ("P1.F2.A1") names its row but is in no sequence: the rows stay siblings.
    placed = builder.machine.place(label) if label and label.readings[0].style != "tbl_code" else None
    if label is None or placed is None:
        if label is not None and number_cell is not None:
            # An unplaceable number is still the row's number: continue the table's sequence.
            style = label.readings[0].style
            index, _ = builder.machine.expected_auto(style)
            reading, confidence = label.readings[0], 0.6
        else:
            style = _indent_style(row)  # "   确定选题" under "项目启动": indentation is the hierarchy
            index, value = builder.machine.expected_auto(style)
            reading, confidence = Reading(style, value, str(value)), 0.8
            label = None
    else:
        index, reading, confidence = placed

    title_cells = [c for c, r in zip(row.cells, row.roles, strict=False) if r == "title" and c.end > c.start]
    body_cells = [
        c for c, r in zip(row.cells, row.roles, strict=False) if r in ("body", "targets") and c.end > c.start
    ]
    target_cells = [
        c for c, r in zip(row.cells, row.roles, strict=False) if r == "targets" and c.end > c.start
    ]
    if not title_cells and body_cells:
        title_cells, body_cells = body_cells[:1], body_cells[1:]
    title = Span(line.end, line.end)
    bodies: list[Span] = []
    if title_cells:
        title, run_in = split_title(text, title_cells[0].start, title_cells[0].end)
        if run_in:
            bodies.append(run_in)
        bodies.extend(title_cells[1:])
    bodies.extend(body_cells)
    item = builder.new_item(label, reading, index, title, confidence)
    item.from_table = True
    item.target_cells.extend(target_cells)
    if label is None and number_cell is not None:
        builder.seg(number_cell, "number", item)
    for body in bodies:
        item.body_spans.append(body)
        builder.seg(body, "body", item)
    for position, (cell, role) in enumerate(zip(row.cells, row.roles, strict=False)):
        if cell.end <= cell.start or role in ("number", "title", "body", "targets", "group"):
            continue
        builder.seg(cell, "body", item)
        if role in _UNIT_ROLES:
            breaks = row.line_breaks[position] if position < len(row.line_breaks) else ()
            item.unit_cells.append((cell, _UNIT_ROLES[role], breaks))
        elif role == "deadline":
            item.deadline_cells.append(cell)
        else:
            item.extra_spans.append(cell)


#: The numbering style of the items a table's group column opens ("Week 1", a stage "2").
_GROUP_STYLE = "tbl_group_column"


def _group_item(builder: _Builder, text: str, cell: Span) -> None:
    """The item a group cell opens ("Week 2" over its sessions): numbered as the cell is
    (else by its place among the groups), titled by the cell; the rows below are its children."""
    index, value = builder.machine.expected_auto(_GROUP_STYLE)
    cell_text = text[cell.start : cell.end]
    number = str(value)
    title, body = cell, None
    label = parse_table_number(cell_text, cell.start) if len(cell_text) <= 16 else None
    if label is not None and label.rest < cell.end:
        label = None
    if label is None:
        heading = parse_label(cell_text, cell.start)
        if heading is not None and heading.rest < cell.end:
            # "Objective B: Keep members informed": numbered as its label, titled by the rest
            label = heading
            title, body = split_title(text, heading.rest, cell.end)
    if label is not None and label.readings[0].value > 0:
        value, number = label.readings[0].value, label.readings[0].number
    item = builder.new_item(None, Reading(_GROUP_STYLE, value, number), index, title, 0.8)
    item.from_table = True
    if body:
        item.body_spans.append(body)
        builder.seg(body, "body", item)


def _tile(text: str, pieces: list[tuple[int, int, SegmentRole, int | None]]) -> list[Segment]:
    """Sort the role spans and fill every gap with a separator, so the text is tiled."""
    pieces.sort(key=itemgetter(0))
    segments: list[Segment] = []
    append = segments.append
    pos = 0
    for start, end, role, index in pieces:
        if start < pos:
            start = pos
        if end <= start:
            continue
        if start > pos:
            append(Segment(Span(pos, start), "separator"))
        append(Segment(Span(start, end), role, index))
        pos = end
    if pos < len(text):
        append(Segment(Span(pos, len(text)), "separator"))
    return segments


def count_years(text: str, spans: list[Span]) -> Counter[int]:
    """How strongly the given spans point at each plausible year (1990-2100) as the plan's.

    A year-like number followed by a measure word ("2000名", "2030户") is a quantity, not a
    year. A year that is a horizon ("到2025年", "力争2027年", "by 2030") or a baseline
    ("比2017年", "较2019年", "compared with 2015") says nothing about the plan's own year; a
    start ("自2024年起", "从2024年开始", "from 2024", "starting in 2024") says a lot."""
    counts: Counter[int] = Counter()
    for span in spans:
        for match in _YEAR.finditer(text, span.start, span.end):
            start, end = match.span(1)
            after = text[end : end + 6]
            if _QUANTITY_AFTER_YEAR.match(after):
                continue
            before = text[max(span.start, start - 12) : start]
            if _START_BEFORE.search(before) or _START_AFTER.match(after):
                counts[int(match.group(1))] += 3
            elif not (_HORIZON_BEFORE.search(before) or _BASELINE_BEFORE.search(before)):
                counts[int(match.group(1))] += 1
    return counts


# A year 1990-2099 not inside a longer number, written to begin with one character class so
# the regex engine skips ahead to the next 1 or 2.
_YEAR = re.compile(r"([12](?<![0-9０-９.][12])(?:(?<=1)99|(?<=2)0[0-9])[0-9])(?![0-9０-９])")
_QUANTITY_AFTER_YEAR = re.compile(
    r"\s*(?:余|多)?(?:名|人|个|户|家|万|亿|千|元|亩|米|吨|件|台|套|所|项|次|辆|张|座|块|株|棵|间|栋|处|册|本|份|"
    r"篇|场|批|支|条|公里|平方|立方|千瓦|兆瓦|床|位|例|款|种|只|头|斤|克|升)|"
    r"\s*(?:people|persons|residents|households|units|homes|jobs|students|staff|members|acres|"
    r"hectares|miles|km|meters|tons|beds|cases)\b",
    re.IGNORECASE,
)
_HORIZON_BEFORE = re.compile(r"(?:到|至|力争|争取|截至|by|until|through|by the end of|in)\s*$", re.IGNORECASE)
_BASELINE_BEFORE = re.compile(
    r"(?:比|较|与|同|相比|compared (?:with|to)|since|from \d{4} to)\s*$", re.IGNORECASE
)
_START_BEFORE = re.compile(r"(?:自|从|于|starting(?: in)?|beginning(?: in)?|effective)\s*$", re.IGNORECASE)
_START_AFTER = re.compile(
    r"\s*年?(?:[0-9０-９一二三四五六七八九十]{1,2}月(?:[0-9０-９]{1,2}日)?)?\s*(?:起|开始)"
)
