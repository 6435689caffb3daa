"""PDF plans, through pdfminer.six's layout analysis.

A PDF has lines, not paragraphs. This reader takes pdfminer's text lines with their
positions, drops page furniture, and rejoins lines into paragraphs:

* furniture: a line repeated at the same height near the top or bottom of most pages (a
  running header or footer), and a page number at the top or bottom edge of a page
  ("- 3 -", "第3页", "Page 3 of 10", a lone "3");
* a line that ends before the right margin, or a gap larger than the line spacing, or an
  indented next line (Chinese paragraphs start two characters in), ends a paragraph;
* a line starting with a numbering label ("一、", "（一）", "1.", "Second,") starts one;
* otherwise the next line continues the paragraph: Chinese is joined without a space,
  English with one.

A PDF without a text layer (a scan) is refused: the user should import the Word original
or OCR the scan first. A table whose header row names known columns is read as table rows
(see "tables" below); other tables come out as paragraphs, cells separated by spaces.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice, pairwise

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTLine, LTPage, LTRect, LTTextLineHorizontal
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjRef
from pdfminer.utils import decode_text

from workplan.parsing.document import Document
from workplan.parsing.errors import ParseError
from workplan.parsing.readers._common import MAX_PDF_PAGES, DocumentBuilder, is_cjk, sniff_format
from workplan.parsing.structure.tables import column_role

#: Share of a page's height, at the top and at the bottom, where headers, footers and page
#: numbers live.
EDGE_ZONE = 0.12
#: A line counts as a running header/footer if it recurs on at least this share of pages.
REPEAT_SHARE = 0.5

_PAGE_NUMBER = re.compile(
    r"""^(?:
        [-—–－_\s]*\d{1,4}[-—–－_\s]*                                # 3, - 3 -, — 3 —
        | 第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?      # 第3页, 第3页 共10页
        | 共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页             # 共10页 第3页
        | (?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?           # Page 3, Page 3 of 10
        | \d{1,4}\s*(?:/|of)\s*\d{1,4}                               # 3/10, 3 of 10
        | [-—–－\s]*[ivxlc]{1,6}[-—–－\s]*                           # - iv -
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_NUMBERING_LABEL = re.compile(
    r"""^(?:
        第[一二三四五六七八九十百零〇\d]{1,4}[章节条部分篇]
        | [一二三四五六七八九十百零〇]{1,3}[、．.]
        | [（(][一二三四五六七八九十百零〇\d]{1,3}[)）]
        | \d{1,3}(?:\.\d{1,3})*[、．.](?!\d)
        | \d{1,3}[)）]
        | [①-⑳⑴-⒇⒈-⒛]
        | [A-Za-z][.)、]\s
        | [IVX]{1,5}[.、]\s?
        | (?:First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth|Finally|Lastly)\s*[,，:]
        | [•·●■◆▪❖➢►\-–—\uf0a7\uf0b7\uf0d8\uf076\uf0fc\uf0e8]\s
    )""",
    re.VERBOSE,
)
_SENTENCE_END = frozenset("。！？；：.!?;:")
_SPACE_BETWEEN_CJK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef]) +(?=[\u3000-\u9fff\uff00-\uffef])")
_CID = re.compile(r"\(cid:\d+\)")


@dataclass(slots=True)
class _Line:
    """One visual line of a page."""

    page: int
    x0: float
    x1: float
    top: float  # distance from the page's top edge, so reading order is ascending
    bottom: float
    text: str
    indented: bool = False  # the line starts with spaces (Chinese indents with two 　)
    # the pieces the line was merged from, left to right: (x0, x1, text); a table row's cells
    cells: list[tuple[float, float, str]] = field(default_factory=list)

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def char_width(self) -> float:
        return (self.x1 - self.x0) / max(1, len(self.text))


def _text_lines(layout: Iterable[object]) -> Iterable[LTTextLineHorizontal]:
    for item in layout:
        if isinstance(item, LTTextLineHorizontal):
            yield item
        elif isinstance(item, Iterable) and not isinstance(item, str | bytes):
            yield from _text_lines(item)


def _page_lines(page: LTPage, page_index: int) -> list[_Line]:
    """pdfminer's lines, merged into visual lines (pieces at the same height, left to right)."""
    height = page.height
    pieces: list[_Line] = []
    for text_line in _text_lines(page):
        text = text_line.get_text().strip()
        if text:
            pieces.append(
                _Line(
                    page_index,
                    text_line.x0,
                    text_line.x1,
                    height - text_line.y1,
                    height - text_line.y0,
                    text,
                    cells=[(text_line.x0, text_line.x1, text)],
                )
            )
    pieces.sort(key=lambda line: (line.top, line.x0))
    merged: list[_Line] = []
    for piece in pieces:
        if merged:
            last = merged[-1]
            overlap = min(last.bottom, piece.bottom) - max(last.top, piece.top)
            if overlap > 0.5 * min(last.height, piece.height):
                # Same visual line: a table row or a gap pdfminer did not bridge.
                left, right = (last, piece) if last.x0 <= piece.x0 else (piece, last)
                last.text = f"{left.text} {right.text}"
                last.indented = left.indented
                last.x0, last.x1 = min(last.x0, piece.x0), max(last.x1, piece.x1)
                last.top, last.bottom = min(last.top, piece.top), max(last.bottom, piece.bottom)
                last.cells = sorted(last.cells + piece.cells)
                continue
        merged.append(piece)
    for line in merged:
        line.text = _SPACE_BETWEEN_CJK.sub("", line.text)
        line.cells = [(x0, x1, _SPACE_BETWEEN_CJK.sub("", text)) for x0, x1, text in line.cells]
    return merged


def _horizontal_rules(page: LTPage) -> list[float]:
    """Where the page draws horizontal rules (table borders), as distances from its top."""
    height = page.height
    rules: list[float] = []
    for item in page:
        if isinstance(item, LTLine | LTRect) and item.width > 20:
            if item.height < 2:
                rules.append(height - (item.y0 + item.y1) / 2)
            elif isinstance(item, LTRect):
                rules.extend((height - item.y1, height - item.y0))  # a cell's box: its top and bottom
    return sorted(rules)


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", "".join(text.split())).lower()


def _drop_furniture(pages: list[list[_Line]], heights: list[float]) -> list[list[_Line]]:
    """Remove running headers/footers and page numbers from the edges of each page."""

    def at_edge(line: _Line, index: int, count: int, height: float) -> bool:
        near_top = line.top < EDGE_ZONE * height and index < 2
        near_bottom = line.bottom > (1 - EDGE_ZONE) * height and index >= count - 2
        return near_top or near_bottom

    positions: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for lines, height in zip(pages, heights, strict=True):
        for index, line in enumerate(lines):
            if at_edge(line, index, len(lines), height):
                positions[_furniture_key(line.text)].append((line.page, line.top))
    threshold = max(2, REPEAT_SHARE * len(pages))
    repeated: dict[str, float] = {}
    for key, seen in positions.items():
        pages_seen = {page for page, _ in seen}
        if len(pages_seen) >= threshold:
            repeated[key] = statistics.median(top for _, top in seen)
    kept_pages: list[list[_Line]] = []
    for lines, height in zip(pages, heights, strict=True):
        kept: list[_Line] = []
        for index, line in enumerate(lines):
            if at_edge(line, index, len(lines), height):
                key = _furniture_key(line.text)
                if key in repeated and abs(line.top - repeated[key]) <= max(6.0, line.height):
                    continue
                if _PAGE_NUMBER.match(line.text.strip()):
                    continue
            kept.append(line)
        kept_pages.append(kept)
    return kept_pages


def _join(left: str, right: str) -> str:
    if not left or not right:
        return left + right
    if is_cjk(left[-1]) or is_cjk(right[0]):
        return left + right
    if left[-1] == "-" and len(left) > 1 and left[-2].isalpha() and right[0].islower():
        return left + right  # a word hyphenated across lines
    return f"{left} {right}"


def _paragraphs(
    lines: list[_Line], page_width: float, runs: list[list[_Line]] | None = None
) -> list[list[str]]:
    """Rejoin visual lines (furniture removed, reading order) into paragraphs. The margins and
    line spacing are measured over ``lines``; the paragraphs are built within each of ``runs``
    (default: all the lines as one run), one list of paragraphs per run."""
    if not lines:
        return [[] for _ in runs] if runs is not None else []
    em = statistics.median(line.height for line in lines) or 10.0
    left_margin = Counter(round(line.x0) for line in lines).most_common(1)[0][0]
    right_edges = sorted(line.x1 for line in lines)
    right_margin = right_edges[int(0.9 * (len(right_edges) - 1))]
    if len(lines) < 10:  # too few lines to find the margin: assume it mirrors the left one
        right_margin = max(right_margin, page_width - left_margin)
    width = max(right_margin - left_margin, em)
    pitches = [
        below.top - above.top
        for above, below in pairwise(lines)
        if below.page == above.page and below.top > above.top
    ]
    pitch = statistics.median(pitches) if pitches else 1.5 * em

    def starts_paragraph(current: _Line, following: _Line) -> bool:
        text = following.text
        if _NUMBERING_LABEL.match(text):
            return True
        if following.page == current.page and following.top - current.top > 1.6 * pitch:
            return True  # a blank line's worth of space
        if following.indented or following.x0 > left_margin + 0.9 * em:
            return True  # an indented first line, or a centred title
        if current.x0 > left_margin + 0.9 * em and current.x1 < right_margin - 0.2 * width:
            return True  # a short centred or indented line on its own: a title
        if text[0].islower():
            return False
        # Had the next line's first word fitted at the end of this one, the break was deliberate.
        first_word = text[0] if is_cjk(text[0]) else text.split(maxsplit=1)[0]
        needed = (len(first_word) + (0 if is_cjk(text[0]) else 1)) * following.char_width
        return right_margin - current.x1 > needed

    result: list[list[str]] = []
    for run in runs if runs is not None else [lines]:
        paragraphs: list[str] = []
        result.append(paragraphs)
        if not run:
            continue
        current_text = run[0].text
        for current, following in pairwise(run):
            if starts_paragraph(current, following):
                paragraphs.append(current_text)
                current_text = following.text
            else:
                current_text = _join(current_text, following.text)
        paragraphs.append(current_text)
    return result


# -- tables ----------------------------------------------------------------------------
#
# A table printed to PDF is text at column positions: pdfminer gives each cell's text as a
# piece of its own (the gap between cells is wider than a word space), so a visual line of a
# table row is several pieces. A table is found from its header: a line of at least three
# short pieces, at least two of which name known columns (Date, Activity, Responsible, 完成时限
# …). Each later piece belongs to the column whose header it sits under; the table goes on
# while every piece fits a column, over page breaks (a repeated header is skipped). A row
# ends where the page draws a horizontal rule between two lines; on a page without rules,
# where the gap to the next line is clearly wider than the wrapped lines inside a cell.

#: Most characters of a header cell.
_MAX_HEADER_CELL = 40


@dataclass(slots=True)
class _Column:
    left: float  # boundaries between columns: halfway between neighbouring header centres
    right: float
    header: str
    # how far a cell's text may reach: from the end of the header on its left to the start of
    # the header on its right (a header is centred or left-aligned over its column)
    reach_left: float
    reach_right: float


@dataclass(slots=True)
class _Table:
    """A table found in the lines ``first..last-1``: its columns and rows of cell texts."""

    first: int
    last: int
    columns: list[_Column]
    rows: list[list[str]] = field(default_factory=list)

    def write(self, builder: DocumentBuilder) -> None:
        builder.add_row([column.header for column in self.columns], is_header=True)
        headers: list[str | None] = [column.header for column in self.columns]
        for row in self.rows:
            builder.add_row(row, headers)


def _header_columns(line: _Line) -> list[_Column] | None:
    """The columns a line names, if it is a table's header row."""
    cells = line.cells
    if len(cells) < 3 or any(
        len(text) > _MAX_HEADER_CELL or text[-1] in _SENTENCE_END for _, _, text in cells
    ):
        return None
    if sum(1 for _, _, text in cells if column_role(text) != "extra") < 2:
        return None
    centres = [(x0 + x1) / 2 for x0, x1, _ in cells]
    bounds = [(a + b) / 2 for a, b in pairwise(centres)]
    lefts = [cells[0][0] - 3 * line.height, *bounds]
    rights = [*bounds, float("inf")]
    reach_lefts = [cells[0][0] - 3 * line.height, *(x1 for _, x1, _ in cells[:-1])]
    reach_rights = [*(x0 for x0, _, _ in cells[1:]), float("inf")]
    return [
        _Column(left, right, text, reach_left, reach_right)
        for left, right, (_, _, text), reach_left, reach_right in zip(
            lefts, rights, cells, reach_lefts, reach_rights, strict=True
        )
    ]


def _column_of(columns: list[_Column], x0: float, x1: float, em: float) -> int | None:
    """The column a piece sits in: its centre's column, if the piece fits inside it."""
    centre = (x0 + x1) / 2
    for index, column in enumerate(columns):
        if column.left <= centre < column.right:
            fits = x0 >= column.reach_left - em and x1 <= column.reach_right + em
            return index if fits else None
    return None


def _spans_table(columns: list[_Column], line: _Line, em: float) -> bool:
    """A short single text centred across the table: a row merged over all its columns
    ("OPEN DAY" in a week's schedule)."""
    if len(line.cells) != 1 or len(line.text) > 60:
        return False
    left, right = columns[0].reach_left, columns[-1].reach_left + 6 * em
    centre = (line.x0 + line.x1) / 2
    return left <= line.x0 and line.x1 <= right and abs(centre - (left + right) / 2) < 0.15 * (right - left)


def _find_tables(lines: list[_Line], page_rules: list[list[float]]) -> list[_Table]:
    tables: list[_Table] = []
    index = 0
    while index < len(lines):
        columns = _header_columns(lines[index])
        if columns is None:
            index += 1
            continue
        table = _read_table(lines, index, columns, page_rules)
        if len(table.rows) >= 2:
            tables.append(table)
            index = table.last
        else:
            index += 1
    return tables


def _read_table(
    lines: list[_Line], first: int, columns: list[_Column], page_rules: list[list[float]]
) -> _Table:
    header = lines[first]
    em = header.height or 10.0
    header_texts = [text for _, _, text in header.cells]
    taken: list[_Line] = []
    position = first + 1
    while position < len(lines):
        line = lines[position]
        if [text for _, _, text in line.cells] == header_texts:
            position += 1  # the header repeated on a new page
            continue
        if any(_column_of(columns, x0, x1, em) is None for x0, x1, _ in line.cells) and not _spans_table(
            columns, line, em
        ):
            break
        if taken and line.page == taken[-1].page and line.top - taken[-1].bottom > 4 * em:
            break  # a wide space: the table is over
        taken.append(line)
        position += 1
    table = _Table(first, position, columns)
    if not taken:
        return table
    gaps = [b.top - a.top for a, b in pairwise(taken) if a.page == b.page and b.top > a.top]
    in_cell = min(gaps) if gaps else em
    uniform = not gaps or max(gaps) <= 1.25 * in_cell

    def ruled(above: _Line, below: _Line) -> bool:
        rules = page_rules[below.page] if below.page < len(page_rules) else []
        return any(above.bottom - 1 <= y <= below.top + 1 for y in rules)

    # Pages whose rules part the table's lines (rules that only frame the table do not).
    ruled_pages = {b.page for a, b in pairwise([header, *taken]) if a.page == b.page and ruled(a, b)}

    def new_row(above: _Line, below: _Line) -> bool:
        if below.page != above.page:
            return True
        if below.page in ruled_pages:
            return ruled(above, below)
        return uniform or below.top - above.top > 1.25 * in_cell

    roles = [column_role(column.header) for column in columns]
    title_column = roles.index("title") if "title" in roles else len(columns) // 2
    row: list[str] = [""] * len(columns)
    previous: _Line | None = None
    for line in taken:
        across = _spans_table(columns, line, em) and _column_of(columns, line.x0, line.x1, em) is None
        if previous is not None and (across or new_row(previous, line)) and any(row):
            table.rows.append(row)
            row = [""] * len(columns)
        if across:
            # A text across the whole row: the row's title (a PDF does not tell a merged cell
            # from a centred one), so the row stays one of the table's rows.
            table.rows.append([line.text if index == title_column else "" for index in range(len(columns))])
            previous = None
            continue
        for x0, x1, text in line.cells:
            column = _column_of(columns, x0, x1, em)
            if column is not None:
                row[column] = _join(row[column], text)
        previous = line
    if any(row):
        table.rows.append(row)
    return table


def read_pdf(data: bytes, name: str) -> Document:
    """Read a PDF's bytes into a Document of paragraphs."""
    if sniff_format(data) != "pdf":
        kind = sniff_format(data)
        hint = {
            "zip": "it looks like a Word .docx file: rename it to .docx",
            "ole": "it looks like an old Word .doc file: open it in Word or WPS and save it as .docx",
        }.get(kind or "", "export the plan from Word or WPS as PDF again, or import the .docx")
        raise ParseError(f"{name} is not a PDF file: {hint}.")
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise ParseError(
            f"{name} is password-protected: open it, save a copy without the password (or import the "
            "original Word file), and import that."
        ) from exc
    pages = list(islice(PDFPage.create_pages(document), MAX_PDF_PAGES + 1))
    if len(pages) > MAX_PDF_PAGES:
        raise ParseError(
            f"{name} has more than {MAX_PDF_PAGES:,} pages; the limit is {MAX_PDF_PAGES:,}. "
            "Import the plan part of it only."
        )
    resources = PDFResourceManager(caching=True)
    device = PDFPageAggregator(resources, laparams=LAParams(all_texts=True, detect_vertical=False))
    interpreter = PDFPageInterpreter(resources, device)
    page_lines: list[list[_Line]] = []
    page_rules: list[list[float]] = []
    heights: list[float] = []
    widths: list[float] = []
    for index, page in enumerate(pages):
        interpreter.process_page(page)
        layout = device.get_result()
        page_lines.append(_page_lines(layout, index))
        page_rules.append(_horizontal_rules(layout))
        heights.append(float(layout.height) or 842.0)
        widths.append(float(layout.width) or 595.0)
    raw_text = "".join(line.text for lines in page_lines for line in lines)
    visible = "".join(raw_text.split())
    if not visible:
        raise ParseError(
            f"{name} has no text layer (it is probably a scan): import the original Word file, "
            "or run the PDF through OCR first."
        )
    if len("".join(_CID.findall(visible))) > 0.5 * len(visible):
        raise ParseError(
            f"{name} uses fonts whose text cannot be extracted: import the original Word file, "
            "or run the PDF through OCR first."
        )
    lines = [line for lines in _drop_furniture(page_lines, heights) for line in lines]
    builder = DocumentBuilder()
    tables = _find_tables(lines, page_rules)
    runs: list[list[_Line]] = []
    position = 0
    for table in tables:
        runs.append(lines[position : table.first])
        position = table.last
    runs.append(lines[position:])
    prose = [line for run in runs for line in run]
    paragraph_runs = _paragraphs(prose, statistics.median(widths), runs)
    for index, paragraphs in enumerate(paragraph_runs):
        for paragraph in paragraphs:
            builder.add_paragraph(paragraph)
        if index < len(tables):
            tables[index].write(builder)
    if not len(builder):
        raise ParseError(
            f"{name} has no text layer apart from page numbers or headers (it is probably a scan): "
            "import the original Word file, or run the PDF through OCR first."
        )
    title = _title(document)
    return builder.build(source_format="pdf", title_hint=title)


def _title(document: PDFDocument) -> str | None:
    """The PDF's Info /Title, if it is a real title (not "Microsoft Word - x.docx")."""
    for info in document.info or ():
        value: object = info.get("Title") if isinstance(info, dict) else None
        if isinstance(value, PDFObjRef):
            value = value.resolve()
        if isinstance(value, bytes):
            text = decode_text(value)
        elif isinstance(value, str):
            text = value
        else:
            continue
        text = " ".join(text.split())
        if (
            text
            and not text.lower().startswith("microsoft word")
            and not text.lower().endswith((".doc", ".docx", ".pdf", ".wps"))
        ):
            return text
    return None
