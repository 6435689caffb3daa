"""The parse result: a tree of items and what each one promises.

``ParsedPlan.to_dict()`` is the JSON of ``contracts/plan-parse.schema.json`` (plus offsets and
the furniture list). Offsets are character offsets into ``ParsedPlan.text``, the extracted
text of the document, end exclusive.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

TargetKind = Literal["percent", "count", "frequency", "amount", "other"]
Comparator = Literal[">=", ">", "<=", "<", "=", "between"]
UnitRole = Literal["lead", "responsible", "cooperating", "mentioned"]
#: Why the parser is unsure of an item (``ParsedItem.reasons``), code -> what it means.
REASONS: dict[str, str] = {
    "numbering_skipped": "its number skips one or more numbers of its sequence",
    "numbering_restarted": "its numbering starts over where a sequence of the same style is open",
    "numbering_starts_late": "it starts a new sequence at a number other than 1",
    "numbering_style_changed": "it continues a sequence in a different numbering style",
    "number_parent_missing": "its decimal number names a parent that is not there",
    "label_glued_to_text": "its number runs into the digits of its text (11.300家…)",
    "numbered_sentences_in_body": "its body holds a run of numbered sentences (a missed level?)",
    "long_body": "its body is much longer than its siblings' (items swallowed?)",
    "column_role_inferred": "a table column's role was inferred from its contents, not its header",
}
#: Where ``ParsedPlan.year`` came from: the caller, the title, or a guess from the text's
#: years and the issuing date (the review asks the planner to check a guess).
YearSource = Literal["given", "title", "guessed"]
SegmentRole = Literal["number", "title", "body", "furniture", "preamble", "doc_title", "separator"]


@dataclass(slots=True)
class Span:
    """A half-open character range ``[start, end)`` of the extracted text."""

    start: int
    end: int


@dataclass(slots=True)
class Target:
    """A promised quantity: '80%以上', '1-2 legal consultants', 'once a year', '15万元'.

    ``kind`` 'frequency' carries ``unit`` such as 'per year'; a frequency with no number
    ('regularly', '定期') has ``value`` None.
    """

    text: str
    kind: TargetKind
    span: Span
    comparator: Comparator | None = None
    value: float | None = None
    value_max: float | None = None
    unit: str | None = None


@dataclass(slots=True)
class Deadline:
    """A promised date: '6月底前' -> 2019-06-30; 'as soon as possible' -> date None."""

    text: str
    span: Span
    date: dt.date | None = None


@dataclass(slots=True)
class UnitMention:
    """An owning (or merely mentioned) organisation, as written in the document."""

    text: str
    role: UnitRole
    span: Span


@dataclass(slots=True)
class ParsedItem:
    """One part, task or measure.

    ``number`` is normalised ('（十二）' -> '12', 'Second,' -> '2', '(a)' -> 'a'); ``label`` is
    as written. ``title_span``/``body_spans`` cover the item's own text, not its children's.
    """

    number: str
    label: str
    level: int
    title: str
    text: str = ""
    label_span: Span | None = None
    title_span: Span | None = None
    body_spans: list[Span] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    units: list[UnitMention] = field(default_factory=list)
    children: list[ParsedItem] = field(default_factory=list)
    confidence: float = 1.0
    reasons: list[str] = field(default_factory=list)  # why the parser is unsure (REASONS)

    def walk(self) -> list[ParsedItem]:
        """This item and all its descendants in document order."""
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found


@dataclass(slots=True)
class Segment:
    """A piece of the text with the role it plays; the segments tile the whole text."""

    span: Span
    role: SegmentRole
    item_index: int | None = None  # index into ParsedPlan.flat_items() for number/title/body


@dataclass(slots=True)
class ParsedPlan:
    """A parsed document: its title, language, year, item tree and the text it came from."""

    text: str
    language: Literal["zh", "en"]
    items: list[ParsedItem] = field(default_factory=list)
    title: str | None = None
    year: int | None = None
    year_source: YearSource | None = None
    source_format: str = "txt"
    furniture: list[Span] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)

    def flat_items(self) -> list[ParsedItem]:
        """All items in document order."""
        found: list[ParsedItem] = []
        for item in self.items:
            found.extend(item.walk())
        return found

    def to_dict(self) -> dict[str, Any]:
        """The JSON of contracts/plan-parse.schema.json, with offsets added."""
        return {
            "title": self.title,
            "language": self.language,
            "year": self.year,
            "year_source": self.year_source,
            "source_format": self.source_format,
            "items": [_item_dict(item) for item in self.items],
            "furniture": [
                {"start": s.start, "end": s.end, "text": self.text[s.start : s.end]} for s in self.furniture
            ],
        }


def _span_dict(span: Span | None) -> dict[str, int] | None:
    return None if span is None else {"start": span.start, "end": span.end}


def _item_dict(item: ParsedItem) -> dict[str, Any]:
    return {
        "number": item.number,
        "label": item.label,
        "level": item.level,
        "title": item.title,
        "text": item.text,
        "confidence": item.confidence,
        "reasons": list(item.reasons),
        "label_span": _span_dict(item.label_span),
        "title_span": _span_dict(item.title_span),
        "targets": [
            {
                "text": t.text,
                "kind": t.kind,
                "comparator": t.comparator,
                "value": t.value,
                "value_max": t.value_max,
                "unit": t.unit,
                "start": t.span.start,
                "end": t.span.end,
            }
            for t in item.targets
        ],
        "deadlines": [
            {
                "text": d.text,
                "date": d.date.isoformat() if d.date else None,
                "start": d.span.start,
                "end": d.span.end,
            }
            for d in item.deadlines
        ],
        "units": [
            {"text": u.text, "role": u.role, "start": u.span.start, "end": u.span.end} for u in item.units
        ],
        "children": [_item_dict(child) for child in item.children],
    }
