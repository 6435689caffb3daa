"""Reading work-plan documents: readers, the numbering grammar, and promise extractors.

A pure Python library: nothing here imports Django. The public surface:

* :func:`parse_file` / :func:`parse_text` -> :class:`ParsedPlan`
* :func:`read_file` -> :class:`Document` (the extracted text and its blocks)
* :class:`ParseError`, the only exception the library raises.
"""

from workplan.parsing.document import Block, Cell, Document
from workplan.parsing.errors import ParseError

__all__ = ["Block", "Cell", "Document", "ParseError"]
