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
or OCR the scan first. Tables in a PDF come out as paragraphs, cells separated by spaces.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice, pairwise

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTPage, LTTextLineHorizontal
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjRef
from pdfminer.utils import decode_text

from workplan.parsing.document import Document
from workplan.parsing.errors import ParseError
from workplan.parsing.readers._common import MAX_PDF_PAGES, DocumentBuilder, is_cjk, sniff_format

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
        | [•·●■◆▪\-–—]\s
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
                    page_index, text_line.x0, text_line.x1, height - text_line.y1, height - text_line.y0, text
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
                continue
        merged.append(piece)
    for line in merged:
        line.text = _SPACE_BETWEEN_CJK.sub("", line.text)
    return merged


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


def _paragraphs(lines: list[_Line], page_width: float) -> list[str]:
    """Rejoin visual lines (furniture removed, reading order) into paragraphs."""
    if not lines:
        return []
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

    paragraphs: list[str] = []
    current_text = lines[0].text
    for current, following in pairwise(lines):
        if starts_paragraph(current, following):
            paragraphs.append(current_text)
            current_text = following.text
        else:
            current_text = _join(current_text, following.text)
    paragraphs.append(current_text)
    return paragraphs


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
    heights: list[float] = []
    widths: list[float] = []
    for index, page in enumerate(pages):
        interpreter.process_page(page)
        layout = device.get_result()
        page_lines.append(_page_lines(layout, index))
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
    for paragraph in _paragraphs(lines, statistics.median(widths)):
        builder.add_paragraph(paragraph)
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
