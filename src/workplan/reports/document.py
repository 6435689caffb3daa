"""The format-independent shape of a generated document: a title block and a list of blocks.

Selectors build a :class:`Doc`; each renderer (``render/docx.py``, ``xlsx.py``, ``pdf.py``,
``html.py``) writes the same blocks in its own format, so the four outputs cannot disagree.
Every figure carries the rows it counts (:class:`Ref`), listed in the document's appendix
and linked in the HTML version.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

# Characters XML 1.0 forbids (Word, Excel and the PDF's text layer refuse them); tab, newline
# and carriage return are allowed. Also lone surrogates, which no encoder writes.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean(text: Any) -> str:
    """``text`` as a string without the characters Word, Excel and PDF text cannot hold."""
    return _FORBIDDEN.sub("", str(text if text is not None else ""))


@dataclass(frozen=True)
class Ref:
    """One row behind a figure: an item, a report, a warning or an event (by kind and id)."""

    kind: str
    id: int
    text: str
    item_id: int | None = None


@dataclass
class Figure:
    """A number the document states, with the rows it was counted from."""

    key: str
    label: str
    value: int | str
    refs: list[Ref] = field(default_factory=list)


def appendix_lines(figure: Figure, per_line: int = 30) -> list[str]:
    """The appendix entry of a figure: its label and value, then its rows, a few per line
    (short paragraphs keep line breaking linear for a 2,000-row figure)."""
    head = f"{figure.label}（{figure.value}）："
    if not figure.refs:
        return [head + "—"]
    texts = [ref.text[:40] for ref in figure.refs]
    return [head] + ["；".join(texts[n : n + per_line]) for n in range(0, len(texts), per_line)]


@dataclass
class Heading:
    text: str
    level: int = 1  # 1 = a part of the document, 2 = a section, 3+ = deeper items


@dataclass
class Para:
    text: str
    style: str = "body"  # body | note | quote


@dataclass
class Table:
    """A table with a header row (repeated on every page) and its rows of text.

    ``item_ids`` gives, per row, the item the row is about (links in HTML), or None.
    ``name`` is the sheet's name in the .xlsx.
    """

    name: str
    columns: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # relative column widths
    item_ids: list[int | None] | None = None


@dataclass
class FigureList:
    """The headline figures as a two-column table (label, value), each linked to its rows."""

    figures: list[Figure]
    columns: list[str] = field(default_factory=lambda: ["", ""])


@dataclass
class Chart:
    """A horizontal bar chart of percentages (completion by unit or part), drawn as an image."""

    title: str
    labels: list[str]
    values: list[float]


Block = Heading | Para | Table | FigureList | Chart


@dataclass
class Doc:
    """A document: its title block, its blocks in order, and every figure it states."""

    kind: str
    title: str
    subtitle: str
    number: str  # 文号, may be empty
    issuer: str
    date: dt.date
    blocks: list[Block] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    appendix_title: str = ""
    language: str = "zh"
    period: Any = None  # the reporting period of a bulletin (a progress.Period), else None

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def figure(self, key: str, label: str, value: int | str, refs: list[Ref] | None = None) -> Figure:
        found = Figure(key=key, label=clean(label), value=value, refs=refs or [])
        self.figures.append(found)
        return found

    def figures_json(self) -> dict[str, Any]:
        """The figures and the ids behind them, as stored with the generated document."""
        return {
            f.key: {"label": f.label, "value": f.value, "rows": [[r.kind, r.id] for r in f.refs]}
            for f in self.figures
        }
