"""Tables: Word/Excel/Markdown rows from the readers, and "a | b" or tab-separated lines in
text. A header row names the columns (序号 / 工作任务 / 牵头单位 / 完成时限 …), which
gives every cell a role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from workplan.parsing.document import Block, Document
from workplan.parsing.result import Span
from workplan.parsing.structure.grammar import TABLE_NUMBER, Label, parse_label
from workplan.parsing.structure.text import SPACES, is_cjk_text, lstrip_at, rstrip_at

ColumnRole = Literal[
    "number", "title", "body", "targets", "lead", "responsible", "cooperating", "deadline", "extra"
]

_COLUMN_RULES: tuple[tuple[re.Pattern[str], ColumnRole], ...] = (
    (
        # A record's bookkeeping: links, status, when it was launched, reviewed or edited.
        re.compile(
            r"link|url|^status|^modified|^created|^updated|^(?:last\s+)?edited|"
            r"(?:launch|start|begin|kick-?off|review|approv|modif|creat|updat)\w*\b.*\bdate|date\b.*\b(?:review|approv)|"
            r"开始时间|启动时间|填报时间|更新时间",
            re.I,
        ),
        "extra",
    ),
    (
        re.compile(
            r"^(?:序号|编号|序|项次|#|no\.?|nos?\.|number|s/?n|item\s*no\.?|ref\.?|id)$|"
            r"^[A-Za-z ]{1,20}\s(?:id|no\.?|number|code|ref\.?)$|^(?:任务|事项|项目)?(?:编号|代码)$",
            re.I,
        ),
        "number",
    ),
    # The one who does the work ("Project Lead") is responsible; a sponsor ("Cabinet Lead") leads.
    (
        re.compile(r"(?:project|team|task|activity|action|staff|program(?:me)?|work)\s*leads?\b", re.I),
        "responsible",
    ),
    (re.compile(r"牵头|主办|主责|指导|\blead|lead\s*(?:unit|agency|department|office|org)", re.I), "lead"),
    (re.compile(r"配合|协办|协助|参与|cooperat|collaborat|support|partner|assist", re.I), "cooperating"),
    (
        re.compile(
            r"责任|承办|实施单位|实施部门|负责|执行人|经办人|资源名称|responsib|owner|accountable|implementing|"
            r"assignee|assigned\s+to|resource\s+names?",
            re.I,
        ),
        "responsible",
    ),
    (
        re.compile(
            r"时限|时间|期限|节点|进度|deadline|due|timeline|time\s*frame|timeframe|completion|schedule|by when|date|"
            r"^(?:finish|end|target\s+end)$",
            re.I,
        ),
        "deadline",
    ),
    (
        # A column of the targets themselves ("目标", "工作目标", "指标值", "Targets", "KPIs"):
        # where a row states them, its targets are read from that cell.
        re.compile(
            r"^(?:工作|预期|量化|具体|主要|年度|考核|绩效|任务)?(?:目标|指标)(?:任务|值|要求)?$|"
            r"^(?:targets?|indicators?|milestones?|kpis?|(?:performance|key)\s+(?:targets?|indicators?)|"
            r"target\s+values?)$",
            re.I,
        ),
        "targets",
    ),
    (
        re.compile(
            r"措施|举措|要求|目标|内容|说明|measure|description|detail|step|target|indicator|milestone", re.I
        ),
        "body",
    ),
    (
        re.compile(
            r"任务|事项|项目|工作|task|commitment|action|activit|initiative|objective|goal|deliverable|item",
            re.I,
        ),
        "title",
    ),
)
#: Longest text read as a column header ("Commitment for 2016-2018", "责任单位 牵头单位").
_MAX_HEADER = 40
_PIPE = re.compile(r"\s*[|｜]\s*")
_PIPE_RULE = re.compile(r"^[\s|｜:：\-—=]+$")


@lru_cache(maxsize=256)  # a table repeats its few headers on every row
def column_role(header: str | None) -> ColumnRole:
    """The role of a table column, from its header text ("牵头单位" -> lead)."""
    if not header or len(header) > _MAX_HEADER:
        return "extra"
    compact = SPACES.sub("", header) if is_cjk_text(header) else header.strip()
    for pattern, role in _COLUMN_RULES:
        if pattern.search(compact):
            return role
    return "extra"


@dataclass(slots=True)
class Row:
    """A table row: cell spans, their column roles, and whether it is the header."""

    cells: list[Span]
    roles: list[ColumnRole]
    is_header: bool = False
    separators: list[Span] = field(default_factory=list)
    line_breaks: list[tuple[int, ...]] = field(default_factory=list)  # per cell (see Cell)
    indents: list[int] = field(default_factory=list)  # per cell (see Cell)


def _split_pipe_row(
    text: str, start: int, end: int, separator: re.Pattern[str] | None = None
) -> tuple[list[Span], list[Span]] | None:
    """Cells of a "a | b | c" line (leading/trailing pipes allowed), or of a tab-separated
    line pasted from a spreadsheet; None when there are fewer than two cells."""
    separator = separator or _PIPE
    cells: list[Span] = []
    seps: list[Span] = []
    pos = start
    for match in separator.finditer(text, start, end):
        if match.start() == start and not cells:
            seps.append(Span(match.start(), match.end()))
            pos = match.end()
            continue
        cells.append(Span(pos, match.start()))
        seps.append(Span(match.start(), match.end()))
        pos = match.end()
    if pos < end:
        cells.append(Span(pos, end))
    if cells and cells[-1].end <= cells[-1].start:
        cells.pop()
    if len(cells) < 2:
        return None
    return cells, seps


_TAB = re.compile(r"[ \u3000]*\t[\t \u3000]*")


@dataclass(slots=True)
class Line:
    block: Block
    start: int
    end: int
    text: str
    kind: str = "text"  # text | furniture | title | item | row | header_row | rule
    furniture: str | None = None
    label: Label | None = None
    row: Row | None = None


_ATX_MARK = re.compile(r"(#{1,6})[ \t]+")


def block_lines(doc: Document) -> list[Line]:
    lines: list[Line] = []
    text = doc.text
    for block in doc.blocks:
        start = lstrip_at(text, block.start, block.end)
        end = rstrip_at(text, start, block.end)
        heading = _ATX_MARK.match(text, start, end) if block.kind == "paragraph" else None
        if heading and heading.end() < end and text[heading.end()] not in "|｜":  # Markdown heading as text
            block = Block(heading.end(), end, heading_level=len(heading.group(1)))
            start = heading.end()
        if end > start:
            lines.append(Line(block, start, end, text[start:end]))
    return lines


def mark_tables(text: str, lines: list[Line]) -> None:
    """Recognise table rows: Word/Excel/Markdown rows from the reader, and "a | b" lines."""
    index = 0
    while index < len(lines):
        if lines[index].block.kind == "table_row" and lines[index].block.cells:
            run_end = index
            while run_end < len(lines) and lines[run_end].block.kind == "table_row":
                run_end += 1
            _mark_reader_rows(text, lines[index:run_end])
            index = run_end
        else:
            index += 1
    _mark_pipe_rows(text, lines)


def _mark_reader_rows(text: str, rows: list[Line]) -> None:
    header_roles: list[ColumnRole] = []
    for row_line in rows:
        cells = [Span(c.start, c.end) for c in row_line.block.cells]
        if row_line.block.is_table_header:
            header_roles = [column_role(text[c.start : c.end]) for c in cells]
            row_line.kind = "header_row"
            row_line.row = Row(cells, header_roles, is_header=True)
            continue
        roles: list[ColumnRole] = [
            column_role(c.header) if c.header else (header_roles[i] if i < len(header_roles) else "extra")
            for i, c in enumerate(row_line.block.cells)
        ]
        row_line.kind = "row"
        block_cells = row_line.block.cells
        row_line.row = Row(
            cells,
            roles,
            line_breaks=[c.line_breaks for c in block_cells],
            indents=[c.indent for c in block_cells] if any(c.indent for c in block_cells) else [],
        )
    _default_roles(text, rows)


def _mark_pipe_rows(text: str, lines: list[Line]) -> None:
    """ "a | b" lines. A header row (naming known columns) starts a table whose roles the
    later pipe lines use, even with part rows ("一、…") between them; without a header, a
    run of two or more pipe lines is a table whose column roles are guessed."""
    splits: list[tuple[list[Span], list[Span]] | None] = []
    for line in lines:
        split = None
        if line.block.kind == "paragraph":
            if "|" in line.text or "｜" in line.text:
                split = _split_pipe_row(text, line.start, line.end)
            elif "\t" in line.text:
                split = _split_pipe_row(text, line.start, line.end, _TAB)
        splits.append(split)
    header: list[ColumnRole] | None = None
    table: list[Line] = []
    index = 0
    while index < len(lines):
        line, split = lines[index], splits[index]
        if line.block.kind == "table_row":
            header = None
        if split is None:
            if header is not None and _PIPE_RULE.match(line.text) and ("|" in line.text or "｜" in line.text):
                line.kind = "rule"
            index += 1
            continue
        cells, seps = split
        texts = [text[c.start : c.end] for c in cells]
        following = [text[sp[0][0].start : sp[0][0].end] for sp in splits[index + 1 : index + 3] if sp]
        if _is_header_row(texts, following):
            if table:
                _default_roles(text, table)
            header = [column_role(t) for t in texts]
            line.kind, line.row = "header_row", Row(cells, header, is_header=True, separators=seps)
            table = [line]
            index += 1
            continue
        if header is not None:
            roles = [header[i] if i < len(header) else "extra" for i in range(len(cells))]
            line.kind, line.row = "row", Row(cells, roles, separators=seps)
            table.append(line)
            index += 1
            continue
        run_end = index
        while run_end < len(lines) and (splits[run_end] is not None or _PIPE_RULE.match(lines[run_end].text)):
            run_end += 1
        run = [i for i in range(index, run_end) if splits[i] is not None]
        if len(run) < 2:
            index += 1
            continue
        for i in range(index, run_end):
            found = splits[i]
            if found is None:
                lines[i].kind = "rule"
                continue
            lines[i].kind, lines[i].row = (
                "row",
                Row(found[0], ["extra"] * len(found[0]), separators=found[1]),
            )
        _default_roles(text, lines[index:run_end])
        index = run_end
    if table:
        _default_roles(text, table)


def _is_header_row(cells: list[str], next_first_cells: list[str]) -> bool:
    if any(len(cell) > _MAX_HEADER for cell in cells):
        return False  # a header names columns; a long cell is content
    known = sum(1 for cell in cells if column_role(cell) != "extra")
    first_numeric = bool(TABLE_NUMBER.match(cells[0].strip())) if cells else False
    next_numeric = any(TABLE_NUMBER.match(c.strip()) or parse_label(c.strip()) for c in next_first_cells)
    return not first_numeric and (known >= 1 or next_numeric)


def _default_roles(text: str, rows: list[Line]) -> None:
    """Fill in column roles a table's header did not give: number first, longest is title."""
    data = [line.row for line in rows if line.row is not None and not line.row.is_header]
    if not data:
        return
    width = max(len(row.cells) for row in data)
    if not any(role in ("title", "body") for row in data for role in row.roles):
        lengths = [0] * width
        for row in data:
            for i, cell in enumerate(row.cells):
                lengths[i] += cell.end - cell.start
        numeric_first = sum(
            1 for row in data if row.cells and TABLE_NUMBER.match(text[row.cells[0].start : row.cells[0].end])
        )
        first_is_number = numeric_first * 2 >= len(data)
        candidates = range(1 if first_is_number else 0, width)
        title_col = max(candidates, key=lambda i: lengths[i], default=None)
        for row in data:
            while len(row.roles) < len(row.cells):
                row.roles.append("extra")
            if first_is_number and row.cells and row.roles[0] == "extra":
                row.roles[0] = "number"
            if title_col is not None and title_col < len(row.roles) and row.roles[title_col] == "extra":
                row.roles[title_col] = "title"
