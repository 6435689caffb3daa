"""Promises in a short piece of text, outside any document: a table cell, a form field.

The breakdown-table import and the review screen use it to read what a planner typed
("6月底前", "覆盖率达到90%以上") with the same extractors the document parser uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workplan.parsing.errors import INTERNAL_ERRORS, ParseError
from workplan.parsing.promises import PlanContext, extract_deadlines, extract_targets, extract_units
from workplan.parsing.result import Deadline, Span, Target, UnitMention

MAX_SNIPPET_CHARS = 20_000


@dataclass
class Promises:
    """What a snippet promises; spans are offsets into the snippet."""

    targets: list[Target] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    units: list[UnitMention] = field(default_factory=list)


def find_promises(text: str, *, year: int | None = None) -> Promises:
    """Targets, deadlines and units stated in ``text``, dates resolved against ``year``."""
    if not isinstance(text, str):
        raise ParseError("find_promises needs a str")
    if len(text) > MAX_SNIPPET_CHARS:
        raise ParseError(f"the text is {len(text):,} characters; a snippet is at most {MAX_SNIPPET_CHARS:,}")
    if not text.strip():
        return Promises()
    region = [Span(0, len(text))]
    try:
        return Promises(
            targets=extract_targets(text, region),
            deadlines=extract_deadlines(text, region, PlanContext(year=year)),
            units=extract_units(text, region),
        )
    except INTERNAL_ERRORS as error:
        raise ParseError(f"the text could not be read (internal error: {type(error).__name__})") from error
