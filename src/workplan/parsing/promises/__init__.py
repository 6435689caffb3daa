"""Promise extractors: what an item's own text commits to.

* :func:`extract_targets` -- percentages, counts, amounts, other quantities, frequencies;
* :func:`extract_deadlines` -- due dates, resolved against the plan's year;
* :func:`extract_units` -- lead, responsible and cooperating units.

Each works on spans of the plan text, so every promise keeps its place in the source.
"""

from workplan.parsing.promises.context import PlanContext
from workplan.parsing.promises.deadlines import excel_serial, extract_deadline_cell, extract_deadlines
from workplan.parsing.promises.targets import extract_targets
from workplan.parsing.promises.units import (
    declares_first_lead,
    dedupe_units,
    extract_units,
    split_units,
    title_owner,
)

__all__ = [
    "PlanContext",
    "declares_first_lead",
    "dedupe_units",
    "excel_serial",
    "extract_deadline_cell",
    "extract_deadlines",
    "extract_targets",
    "extract_units",
    "split_units",
    "title_owner",
]
