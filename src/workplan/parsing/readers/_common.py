"""Shared pieces of the readers: size limits, user-facing names, and the Document builder.

Every reader goes through :class:`DocumentBuilder` so the invariants of
:class:`~workplan.parsing.document.Document` (blocks in order, one ``"\\n"`` between them,
no ``"\\n"`` inside a block, cells inside their row) hold by construction rather than by
each reader's care.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence

from workplan.parsing.document import Block, Cell, Document
from workplan.parsing.errors import ParseError

MB = 1024 * 1024

#: Largest .txt / .md file accepted. A 200-page plan is about 1 MB of text.
MAX_TEXT_BYTES = 20 * MB
#: Largest .docx file accepted (images make real ones big, the text is small).
MAX_DOCX_BYTES = 50 * MB
#: Largest .pdf file accepted.
MAX_PDF_BYTES = 50 * MB
#: Most pages read from a PDF (pdfminer needs roughly 0.05-0.2 s per page).
MAX_PDF_PAGES = 1000
#: A .docx may unpack to at most this many bytes in total (zip-bomb guard).
MAX_DOCX_UNCOMPRESSED = 200 * MB
#: A .docx may hold at most this many zip entries (a real one has 10-100).
MAX_DOCX_ENTRIES = 2000

#: What a cell separator looks like inside a table row's text.
CELL_SEPARATOR = " | "

_CONTROL_IN_NAME = re.compile(r"[\x00-\x1f\x7f]+")
_LINE_BREAKS = re.compile(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


def display_name(filename: str | os.PathLike[str]) -> str:
    """The file's base name, quoted and on one line, for use in an error message."""
    path = os.fspath(filename)
    # An upload's name may be a Windows path ("C:\\Users\\...\\plan.docx") on any server.
    base = path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or path or "the file"
    return f'"{_CONTROL_IN_NAME.sub(" ", base)}"'


def format_size(size: int) -> str:
    """``52428800`` -> ``"50 MB"``; small sizes stay in KB or bytes."""
    if size >= MB:
        value = size / MB
        return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def check_size(name: str, size: int, limit: int) -> None:
    """Refuse a file over ``limit`` bytes, and an empty one, before reading it."""
    if size == 0:
        raise ParseError(f"{name} is empty: there is nothing to import.")
    if size > limit:
        shown, shown_limit = format_size(size), format_size(limit)
        if shown == shown_limit:  # 20.3 MB over a 20 MB limit would read "20 MB; the limit is 20 MB"
            shown = f"{size:,} bytes"
            shown_limit = f"{limit:,} bytes"
        raise ParseError(
            f"{name} is {shown}; the limit is {shown_limit}. Import a smaller file "
            "(for example without images, or split into parts)."
        )


def sniff_format(data: bytes) -> str | None:
    """Guess what a file really is from its first bytes, to explain a wrong extension."""
    head = data[:8]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    return None


def one_line(text: str) -> str:
    """Collapse any line break inside a block's text to a space (blocks hold no newline)."""
    # Every line break is unprintable: most paragraphs are spared the substitution.
    return text if text.isprintable() else _LINE_BREAKS.sub(" ", text)


def _collapse(cell: str) -> tuple[str, tuple[int, ...]]:
    """``one_line(cell).strip()``, and where in it the spaces are that stand for line breaks."""
    if cell.isprintable():
        return cell.strip(), ()
    parts: list[str] = []
    breaks: list[int] = []
    length = last = 0
    for found in _LINE_BREAKS.finditer(cell):
        parts.append(cell[last : found.start()])
        length += found.start() - last
        breaks.append(length)
        parts.append(" ")
        length += 1
        last = found.end()
    parts.append(cell[last:])
    line = "".join(parts)
    text = line.strip()
    lead = len(line) - len(line.lstrip())
    return text, tuple(at - lead for at in breaks if lead <= at < lead + len(text))


class DocumentBuilder:
    """Appends paragraphs and table rows to a growing text, recording their spans."""

    __slots__ = ("_blocks", "_parts", "_pos")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._blocks: list[Block] = []
        self._pos = 0

    def __len__(self) -> int:
        return len(self._blocks)

    def _start_block(self) -> int:
        if self._blocks:
            self._parts.append("\n")
            self._pos += 1
        return self._pos

    def add_paragraph(
        self,
        text: str,
        *,
        numbering_level: int | None = None,
        heading_level: int | None = None,
    ) -> bool:
        """Add one paragraph; whitespace around it is dropped, an empty one is skipped."""
        text = one_line(text).strip()
        if not text:
            return False
        start = self._start_block()
        self._parts.append(text)
        self._pos += len(text)
        self._blocks.append(
            Block(start, self._pos, "paragraph", numbering_level=numbering_level, heading_level=heading_level)
        )
        return True

    def add_row(
        self,
        cells: Sequence[str],
        headers: Sequence[str | None] | None = None,
        *,
        is_header: bool = False,
        indents: Sequence[int] | None = None,
    ) -> bool:
        """Add a table row: cell texts joined by ``" | "``; a row of empty cells is skipped.

        Empty cells at the end of the row are left out; an empty first cell leaves the row
        starting with ``"| "`` so the block has no surrounding whitespace. A line break inside
        a cell becomes a space, remembered in the cell's ``line_breaks``.
        """
        collapsed = [_collapse(cell) for cell in cells]
        texts = [text for text, _ in collapsed]
        while texts and not texts[-1]:
            texts.pop()
        if not texts:
            return False
        row = CELL_SEPARATOR.join(texts)
        lead = len(row) - len(row.lstrip(" "))
        row = row[lead:]
        start = self._start_block()
        spans: list[Cell] = []
        offset = -lead
        for index, cell_text in enumerate(texts):
            if index:
                offset += len(CELL_SEPARATOR)
            cell_start = start + max(0, offset)
            header = headers[index] if headers is not None and index < len(headers) else None
            breaks = tuple(cell_start + at for at in collapsed[index][1])
            indent = indents[index] if indents is not None and index < len(indents) else 0
            spans.append(Cell(cell_start, cell_start + len(cell_text), header, breaks, indent))
            offset += len(cell_text)
        self._parts.append(row)
        self._pos = start + len(row)
        self._blocks.append(
            Block(start, self._pos, "table_row", cells=tuple(spans), is_table_header=is_header)
        )
        return True

    def build(
        self, *, source_format: str, encoding: str | None = None, title_hint: str | None = None
    ) -> Document:
        return Document(
            text="".join(self._parts),
            blocks=self._blocks,
            source_format=source_format,
            encoding=encoding,
            title_hint=title_hint,
        )


def is_cjk(char: str) -> bool:
    """True for a CJK ideograph or full-width character (such text is joined without spaces)."""
    code = ord(char)
    if code < 0x1100:
        return False
    return (
        0x3000 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF
        or 0x20000 <= code <= 0x3FFFF
        or unicodedata.east_asian_width(char) in ("W", "F")
    )
