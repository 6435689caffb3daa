"""Where the structure pass is unsure of an item beyond its numbering: its body.

A body that holds a run of numbered sentences ("1.… 2.… 3.…" run together in one paragraph,
or lines whose labels the grammar could not place) is evidence of a missed level; a body
far longer than its siblings' is evidence of swallowed items. Neither changes the tree: the
item gets a reason (``result.REASONS``) and a lower confidence, and the import review lists
it first, where the planner can split it.
"""

from __future__ import annotations

import re
from itertools import pairwise
from statistics import median

from workplan.parsing.structure.levels import DraftItem

# A number that starts a sentence: at the start of the body or a line, or after a sentence
# end; "1." "2、" "(3)" "（4）" -- not "1.5万" (a quantity) nor "2024年".
_NUMBERED_SENTENCE = re.compile(
    r"(?:^|(?<=[\n。；;！!？?：:]))\s*(?:([0-9]{1,2})[.．、](?![0-9０-９])|[（(]([0-9]{1,2})[）)])"
)
#: Shortest body read as "much longer than its siblings'", and how many times longer.
LONG_BODY = 800
LONG_BODY_FACTOR = 5
#: Confidence of an item with a doubtful body.
DOUBTFUL = 0.6


def numbered_sentences(text: str) -> list[tuple[int, int]]:
    """(offset, number) of each numbered sentence in ``text``."""
    found: list[tuple[int, int]] = []
    for match in _NUMBERED_SENTENCE.finditer(text):
        number = match.group(1) or match.group(2)
        found.append((match.start(1) if match.group(1) else match.start(2) - 1, int(number)))
    return found


def has_numbered_run(text: str) -> bool:
    """Two or more numbered sentences in sequence (n, n+1) in the text."""
    numbers = [number for _, number in numbered_sentences(text)]
    return any(b == a + 1 for a, b in pairwise(numbers))


def mark_doubts(text: str, roots: list[DraftItem]) -> None:
    """Add body reasons to the items of the tree (siblings compared with each other)."""
    _mark_siblings(text, roots)


def _body(text: str, item: DraftItem) -> str:
    return "\n".join(text[span.start : span.end] for span in item.body_spans)


def _mark_siblings(text: str, siblings: list[DraftItem]) -> None:
    bodies = [_body(text, item) if not item.from_table else "" for item in siblings]
    typical = median(len(body) for body in bodies) if bodies else 0
    for item, body in zip(siblings, bodies, strict=True):
        if body and has_numbered_run(body):
            _doubt(item, "numbered_sentences_in_body")
        if len(siblings) >= 3 and len(body) >= LONG_BODY and len(body) > LONG_BODY_FACTOR * max(typical, 1):
            _doubt(item, "long_body")
        if item.children:
            _mark_siblings(text, item.children)


def _doubt(item: DraftItem, reason: str) -> None:
    if reason not in item.reasons:
        item.reasons.append(reason)
    item.confidence = min(item.confidence, DOUBTFUL)
