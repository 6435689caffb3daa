"""What a reader produces: the extracted text of a document and its blocks.

Readers (``readers/``) turn a file into a :class:`Document`; the structure parser
(``structure.py``) and the promise extractors (``promises.py``) work on it. Every offset in
the library is a character offset into ``Document.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["paragraph", "table_row"]


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a table row: its span in ``Document.text`` and its column header."""

    start: int
    end: int
    header: str | None = None  # the header row's text for this column, e.g. "牵头单位"
    # Where the cell's text broke onto a new line (a paragraph of its own in Word, a line
    # break in Excel): the offsets in ``Document.text`` of the spaces that stand for them. A
    # column of units often lists one unit a line.
    line_breaks: tuple[int, ...] = ()
    # How far the cell's text was indented (leading spaces in a spreadsheet cell): a task
    # list exported from a scheduling tool has no other hierarchy.
    indent: int = 0


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph or a table row, as a span ``[start, end)`` of ``Document.text``.

    ``numbering_level`` is set where the source carried structure outside the text, e.g. a
    Word paragraph with automatic list numbering (0 = top list level). Its reconstructed
    label (``"一、"``) is part of the text, so it is counted like any typed number.
    ``heading_level`` is set for a paragraph styled as a heading (Markdown ``#``, Word
    "Heading 1"), 1 = top.
    """

    start: int
    end: int
    kind: BlockKind = "paragraph"
    numbering_level: int | None = None
    heading_level: int | None = None
    cells: tuple[Cell, ...] = ()
    is_table_header: bool = False


@dataclass(slots=True)
class Document:
    """The text extracted from one file, its blocks in reading order, and where it came from.

    Blocks are separated in ``text`` by one ``"\\n"``; text outside any block is only those
    separators. ``source_format`` is the reader's name: "txt", "md", "docx" or "pdf".
    """

    text: str
    blocks: list[Block] = field(default_factory=list)
    source_format: str = "txt"
    encoding: str | None = None
    title_hint: str | None = None  # e.g. the .docx core properties title

    def block_text(self, block: Block) -> str:
        return self.text[block.start : block.end]
