"""Reading work-plan documents: readers, the numbering grammar, and promise extractors.

A pure Python library: nothing here imports Django. The public surface:

* :func:`parse_file` / :func:`parse_text` / :func:`parse_document` -> :class:`ParsedPlan`
* :func:`render_tree` -> the plan as an indented outline
* :func:`read_file` / :func:`read_bytes` -> :class:`Document` (the extracted text and blocks)
* :class:`ParseError`, the only exception the library raises.
"""

from workplan.parsing.api import parse_document, parse_file, parse_text
from workplan.parsing.document import Block, Cell, Document
from workplan.parsing.errors import ParseError
from workplan.parsing.readers import read_bytes, read_file
from workplan.parsing.result import Deadline, ParsedItem, ParsedPlan, Segment, Span, Target, UnitMention
from workplan.parsing.tree import render_tree

__all__ = [
    "Block",
    "Cell",
    "Deadline",
    "Document",
    "ParseError",
    "ParsedItem",
    "ParsedPlan",
    "Segment",
    "Span",
    "Target",
    "UnitMention",
    "parse_document",
    "parse_file",
    "parse_text",
    "read_bytes",
    "read_file",
    "render_tree",
]
