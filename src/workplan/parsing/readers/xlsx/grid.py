"""One sheet as a grid of shown texts, and a cell's value as the text the parser reads.

Cells: text as shown, dates as ISO text ("2019-06-30"), integral numbers without ".0",
percent-formatted numbers as "85%", formulas as the value Excel cached when it last saved
the file (a formula without a cached value, as written by scripts, is an empty cell), error
values ("#N/A") as empty cells. Hidden columns are skipped (the breakdown tables this
application exports carry a hidden ID column); hidden rows are kept, because rows are most
often hidden by a filter, and the filtered-out tasks are still part of the plan.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from openpyxl.utils.cell import range_boundaries

from workplan.parsing.readers._common import one_line
from workplan.parsing.readers.xlsx import limits
from workplan.parsing.readers.xlsx.headers import header_key

MAX_EXCEL_COLUMN = 16_384


def _number(value: float, number_format: str) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    percent = "%" in number_format
    if percent:
        value = value * 100
    if isinstance(value, int):
        text = str(value)
    elif value.is_integer() and abs(value) < 1e15:
        text = str(int(value))
    else:
        text = format(value, ".15g")  # Excel shows 15 significant digits: 0.1 + 0.2 is "0.3"
    return text + "%" if percent else text


def cell_text(
    value: Any, data_type: str = "n", number_format: str = "General", *, keep_breaks: bool = False
) -> str:
    """A cell's value as the text the structure parser reads (one line, no outer spaces).

    ``keep_breaks`` leaves the line breaks inside a text in place: the document builder makes
    one line of it and remembers where the lines broke (a column of units, one a line)."""
    if value is None or data_type == "e":
        return ""  # "#N/A", "#REF!": Excel's report of a broken formula, not the plan's text
    if isinstance(value, str):
        return value.strip() if keep_breaks else one_line(value).strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if value.second else "minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds" if value.second else "minutes")
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, int | float):
        return _number(value, number_format or "")
    return one_line(str(value)).strip()


@dataclass(slots=True)
class Merge:
    """A merged range with text: rows ``top..bottom``, columns ``first..last``."""

    top: int
    bottom: int
    first: int  # the first visible column of the range, where its text is shown
    last: int
    text: str
    first_kept: int = 0  # index into the table's kept columns
    span: int = 0  # how many kept columns it covers
    repeats: bool = False


def _hidden_columns(sheet: Any) -> list[tuple[int, int]]:
    """Hidden column ranges, merged and sorted."""
    ranges: list[tuple[int, int]] = []
    for key, dimension in sheet.column_dimensions.items():
        if not dimension.hidden:
            continue
        try:
            low = dimension.min or range_boundaries(f"{key}1")[0]
        except (ValueError, TypeError):
            continue
        high = dimension.max or low
        ranges.append((max(1, low), min(MAX_EXCEL_COLUMN, high)))
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for low, high in ranges:
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


_INDENT_SPACES = frozenset(" \u3000\t")
# A date as cell_text writes it ("2019-06-30", "2019-06-30 09:00"), or a figure ("42", "3.5", "85%").
_DATA_CELL = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?: [0-9:]+)?$|-?[0-9]+(?:\.[0-9]+)?%?$")


class Grid:
    """The shown text of one sheet: values by (row, column), visible columns only."""

    def __init__(self, sheet: Any) -> None:
        self.title: str = sheet.title
        self.hidden = _hidden_columns(sheet)
        self._hidden_starts = [low for low, _ in self.hidden]
        texts: dict[tuple[int, int], str] = {}
        # Leading spaces of a text cell ("   确定选题"): the outline depth a scheduling tool's
        # export shows by indenting the task name.
        self.indents: dict[tuple[int, int], int] = {}
        # ``_cells`` holds only the cells the file has; iter_rows() would create every cell of
        # the used rectangle, which one stray cell at XFD1048576 makes 17 billion.
        for (row, column), cell in sheet._cells.items():
            value = cell.value
            if value is None:
                continue
            text = cell_text(value, cell.data_type, cell.number_format, keep_breaks=True)
            if text:
                texts[(row, column)] = text
                if isinstance(value, str) and value[:1] in _INDENT_SPACES:
                    self.indents[(row, column)] = len(value) - len(value.lstrip(" \u3000\t"))
        self.merges: list[Merge] = []
        for cell_range in sheet.merged_cells.ranges:
            text = texts.pop((cell_range.min_row, cell_range.min_col), "")
            first = self._first_visible(cell_range.min_col, cell_range.max_col)
            if not text or first is None:
                continue  # an empty merge shows nothing; one over hidden columns is not shown
            self.merges.append(Merge(cell_range.min_row, cell_range.max_row, first, cell_range.max_col, text))
            texts[(cell_range.min_row, first)] = text
        self.values = {key: text for key, text in texts.items() if not self.is_hidden(key[1])}
        by_row: dict[int, list[tuple[int, str]]] = {}
        for (row, column), text in self.values.items():
            by_row.setdefault(row, []).append((column, text))
        for cells in by_row.values():
            cells.sort()
        self.by_row = by_row
        self.rows = sorted(by_row)

    def is_hidden(self, column: int) -> bool:
        index = bisect_right(self._hidden_starts, column) - 1
        return index >= 0 and self.hidden[index][1] >= column

    def _first_visible(self, low: int, high: int) -> int | None:
        column = low
        while column <= high:
            index = bisect_right(self._hidden_starts, column) - 1
            if index >= 0 and self.hidden[index][1] >= column:
                column = self.hidden[index][1] + 1
                continue
            return column
        return None

    def header_keys(self, row: int) -> set[str]:
        return {key for _, text in self.by_row.get(row, ()) if (key := header_key(text)) is not None}

    def find_header(self) -> int | None:
        """The row among the first non-empty ones naming the most known columns (at least 2)."""
        best_row, best_count = None, 1
        for row in self.rows[: limits.HEADER_SEARCH_ROWS]:
            count = len(self.header_keys(row))
            if count > best_count:
                best_row, best_count = row, count
        return best_row

    def holds_data(self, row: int) -> bool:
        """True if a row holds a date or a figure: a header names columns, it holds no values."""
        return any(_DATA_CELL.match(text) for _, text in self.by_row.get(row, ()))

    def first_table_row(self) -> int | None:
        """Without a known header: the first row (near the top) with two or more cells."""
        for row in self.rows[: limits.HEADER_SEARCH_ROWS]:
            if len(self.by_row[row]) >= 2:
                return row
        return None
