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
from workplan.parsing.structure.grammar import TABLE_NUMBER, Label, parse_label, parse_table_number
from workplan.parsing.structure.text import SPACES, is_cjk_text, lstrip_at, rstrip_at

ColumnRole = Literal[
    "number", "title", "body", "targets", "lead", "responsible", "cooperating", "deadline", "extra", "group"
]

_COLUMN_RULES: tuple[tuple[re.Pattern[str], ColumnRole], ...] = (
    (
        # A record's bookkeeping: links, status, when it was launched, reviewed or edited.
        re.compile(
            r"link|url|^status|^modified|^created|^updated|^(?:last\s+)?edited|"
            r"(?:launch|start|begin|kick-?off|review|approv|modif|creat|updat)\w*\b.*\bdate|date\b.*\b(?:review|approv)|"
            r"开始时间|启动时间|填报时间|更新时间|开始日期|启动日期|填报日期|更新日期|"
            # how long the work takes, not by when: an effort estimate
            r"花费时间|所需时间|耗时|用时|工期|工时|^duration|^effort|person-?days|man-?days",
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
            r"assignee|assigned\s+to|resource\s+names?|in[\s-]?charge",
            re.I,
        ),
        "responsible",
    ),
    (
        re.compile(
            r"时限|时间|日期|期限|节点|进度|deadline|due|timeline|time\s*frame|timeframe|completion|schedule|by when|date|"
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
_BOOKKEEPING = _COLUMN_RULES[0][0]
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
    # A group column (a stage or week cell over several rows, see ``_mark_groups``): the cell
    # that opens a new group on this row, and whether this row is the first after the groups.
    group: Span | None = None
    ends_groups: bool = False


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
    _date_columns(text, rows)
    _default_roles(text, rows)


_ISO_DAY = re.compile(r"(?:19|20|21)[0-9]{2}-[01][0-9]-[0-3][0-9]$")


def _date_columns(text: str, rows: list[Line]) -> None:
    """A table without a deadline column whose column of an unknown header (or of none)
    holds nothing but dates (a spreadsheet's date cells, read as ISO dates): those dates are
    the rows' deadlines. A column the header calls bookkeeping (a start or review date) stays
    what it is."""
    data = [line for line in rows if line.row is not None and not line.row.is_header]
    if not data or any("deadline" in line.row.roles for line in data if line.row is not None):
        return
    width = max(len(line.block.cells) for line in data)
    for column in range(width):
        dates = 0
        for line in data:
            cells = line.block.cells
            if column >= len(cells):
                continue
            cell = cells[column]
            value = text[cell.start : cell.end]
            if not value:
                continue
            role = line.row.roles[column] if line.row is not None else "extra"
            if (
                role != "extra"
                or not _ISO_DAY.match(value)
                or (cell.header and _BOOKKEEPING.search(cell.header))
            ):
                break
            dates += 1
        else:
            if dates * 2 >= len(data):
                for line in data:
                    if line.row is not None and column < len(line.row.roles):
                        line.row.roles[column] = "deadline"
                return


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
        filled = [0] * width
        for row in data:
            for i, cell in enumerate(row.cells):
                lengths[i] += cell.end - cell.start
                filled[i] += cell.end > cell.start
        numeric_first = sum(
            1 for row in data if row.cells and TABLE_NUMBER.match(text[row.cells[0].start : row.cells[0].end])
        )
        first_is_number = numeric_first * 2 >= len(data)
        candidates = [
            i
            for i in range(1 if first_is_number else 0, width)
            if any(i < len(row.roles) and row.roles[i] == "extra" for row in data)
            or all(i >= len(row.roles) for row in data)
        ]
        # The title column is filled on most rows (a sparse column of notes is not it), then the longest.
        title_col = max(candidates, key=lambda i: (filled[i] * 2 > len(data), lengths[i]), default=None)
        for row in data:
            while len(row.roles) < len(row.cells):
                row.roles.append("extra")
            if first_is_number and row.cells and row.roles[0] == "extra":
                row.roles[0] = "number"
            if title_col is not None and title_col < len(row.roles) and row.roles[title_col] == "extra":
                row.roles[title_col] = "title"
    _mark_groups(text, data)
    _mark_named_numbers(text, data)


def _mark_named_numbers(text: str, data: list[Row]) -> None:
    """Without a number column: a column left of the title whose every cell is one word and a
    number ("Session 1", "Session 2", "第1周") numbers the rows."""
    if any("number" in row.roles for row in data):
        return
    title_at = next((row.roles.index("title") for row in data if "title" in row.roles), None)
    for column in range(title_at or 0):
        words: set[str] = set()
        filled = 0
        for row in data:
            if column >= len(row.cells) or row.roles[column] != "extra":
                continue
            value = text[row.cells[column].start : row.cells[column].end].strip()
            if not value:
                continue
            found = _NAMED_NUMBER.match(value)
            if found is None:
                break
            words.add(found.group(1).casefold())
            filled += 1
        else:
            if len(words) == 1 and filled * 2 >= len(data):
                for row in data:
                    if column < len(row.roles) and row.roles[column] == "extra":
                        row.roles[column] = "number"
                return


_NAMED_NUMBER = re.compile(r"([A-Za-z]{2,15}|第)\s*[0-9０-９]{1,3}[.:：]?\s*[\u4e00-\u9fff]{0,3}$")


#: Longest text of a group cell ("Week 10", "第三阶段", "2").
_MAX_GROUP_CELL = 16


def _group_value(text: str) -> bool:
    """A group column's cell: a number ("2"), a word and a number ("Week 3", "第二阶段"), or a
    numbered heading ("Objective B: Keep members informed", "（二）完善制度")."""
    text = text.strip()
    if not text:
        return False
    if len(text) <= _MAX_GROUP_CELL:
        label = parse_table_number(text, 0)
        if label is not None and label.readings[0].style != "tbl_code" and label.rest >= len(text):
            return True
    label = parse_label(text, 0)
    return label is not None and label.rest < len(text)


def _heading_value(text: str) -> bool:
    """A title cell that is a numbered heading ("Objective A: …", "（一）…"), not a bare number."""
    label = parse_label(text.strip(), 0)
    return label is not None and label.rest < len(text.strip())


def _mark_groups(text: str, data: list[Row]) -> None:
    """A column left of the title column whose cell is filled on the first row of a group and
    blank (or the same, where a merged cell repeats) on the rows after it: a stage, part or
    week over its rows. Each run of rows becomes the children of one item named by the cell
    ("Week 1", "2"); the rows then number from 1 within their group.

    The column must hold only numbers or numbered words, open at least two groups, and at
    least one group must cover more than one row; the groups end at the first row whose cell
    holds anything else (a heading over a list below the table)."""
    rows = data
    if sum(1 for row in rows if sum(1 for cell in row.cells if cell.end > cell.start) >= 2) < 3:
        return
    for column in range(max(len(row.roles) for row in rows)):
        numbers = [
            text[row.cells[column].start : row.cells[column].end]
            for row in rows
            if column < len(row.roles) and row.roles[column] == "number"
        ]
        if len(numbers) == len(rows) and all(numbers) and len(set(numbers)) == len(numbers):
            return  # every row has its own number or identifier (1 … n, P1.F2.A1): rows stay siblings
    title_at = next((row.roles.index("title") for row in rows if "title" in row.roles), None)
    if title_at is None:
        return
    # The title column itself groups where its cells are numbered headings over rows whose
    # own text is in a body column ("Objective A: …" over its action steps).
    has_body = any("body" in row.roles for row in rows)
    for column in range(title_at + 1 if has_body else title_at):
        allowed = ("title",) if column == title_at else ("number", "extra")
        if any(column < len(row.roles) and row.roles[column] not in allowed for row in rows):
            continue
        values = [
            text[row.cells[column].start : row.cells[column].end].strip() if column < len(row.cells) else ""
            for row in rows
        ]
        if not values[0] or all(values[i] and values[i] != values[i - 1] for i in range(1, len(values))):
            continue  # no blank or repeated cell: nothing is grouped (the usual number column)
        is_group = _heading_value if column == title_at else _group_value
        if not is_group(values[0]):
            continue
        end = next((i for i, value in enumerate(values) if value and not is_group(value)), len(values))
        starts: list[int] = []
        for i in range(end):
            if values[i] and (not starts or values[i] != values[starts[-1]]):
                starts.append(i)
        if len(starts) < 2 or len(starts) == end:
            continue  # every row its own group: the column numbers the rows, it does not group them
        for position in range(end):
            row = rows[position]
            row.roles[column] = "group"
            row.group = row.cells[column] if position in starts else None
        if end < len(rows):
            rows[end].ends_groups = True
        return
