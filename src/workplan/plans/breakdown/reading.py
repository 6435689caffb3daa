"""Reading a breakdown table (.xlsx) into rows, reporting every problem by row and column.

File-level problems (not an .xlsx, too large, no header row) raise :class:`Invalid` with one
message; cell-level problems are collected so the planner sees all of them at once.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from workplan.core.errors import Invalid
from workplan.plans.breakdown.layout import COLUMN_BY_KEY, HEADER_LOOKUP, fold

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ENTRIES = 5000
MAX_DATA_ROWS = 10_000
HEADER_SEARCH_ROWS = 15
PART_LABEL = re.compile(
    r"^\s*(第[一二三四五六七八九十百]+[部分章篇]|[一二三四五六七八九十百]+[、．.]|"
    r"(Part|PART)\s+[IVXLC\d]+\b|[IVX]+\.\s)"
)


@dataclass(frozen=True)
class TableProblem:
    """Something wrong with one cell, one row, or the sheet (row/column None)."""

    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(self.column)
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class TableRow:
    """A data row: a part heading, or an item's cells keyed by column (see layout.COLUMNS)."""

    row: int
    is_part: bool
    values: dict[str, Any]


@dataclass
class BreakdownTable:
    sheet_name: str
    header_row: int
    columns: dict[str, int]
    headers: dict[str, str]
    rows: list[TableRow] = field(default_factory=list)
    problems: list[TableProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def column_name(self, key: str) -> str:
        return self.headers.get(key, COLUMN_BY_KEY[key].zh)


def _check_container(data: bytes, filename: str) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise Invalid(
            f"{filename} is {len(data) // (1024 * 1024)} MB; the limit is {MAX_FILE_BYTES // (1024 * 1024)} MB"
        )
    if not data:
        raise Invalid(f"{filename} is empty")
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise Invalid(
            f"{filename} is an old Excel file (.xls) or an encrypted workbook: "
            "open it in Excel or WPS, save it unprotected as .xlsx, then import that"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        raise Invalid(
            f"{filename} is not an .xlsx workbook (or it is damaged): save it from Excel or WPS as .xlsx"
        ) from None
    if len(entries) > MAX_ENTRIES:
        raise Invalid(
            f"{filename} has {len(entries)} parts inside; a workbook has far fewer, so it is refused"
        )
    if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
        raise Invalid(
            f"{filename} unpacks to more than {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB, so it is refused"
        )


def _cell_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        stripped = value.strip()
        return stripped or None
    return value


def _find_header(sheet: Worksheet) -> tuple[int, dict[str, int], dict[str, str]] | None:
    best: tuple[int, dict[str, int], dict[str, str]] | None = None
    for row_index, row in enumerate(
        sheet.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS, values_only=True), start=1
    ):
        columns: dict[str, int] = {}
        headers: dict[str, str] = {}
        for col_index, value in enumerate(row, start=1):
            if not isinstance(value, str):
                continue
            key = HEADER_LOOKUP.get(fold(value))
            if key and key not in columns:
                columns[key] = col_index
                headers[key] = value.strip()
        if len(columns) >= 2 and (best is None or len(columns) > len(best[1])):
            best = (row_index, columns, headers)
    return best


def read_breakdown(
    data: bytes, *, filename: str = "table.xlsx", required: tuple[str, ...] = ("title",)
) -> BreakdownTable:
    """Read the first visible sheet that has a breakdown header row."""
    _check_container(data, filename)
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as error:  # openpyxl raises many types for damaged files
        raise Invalid(
            f"{filename} could not be read as a workbook ({type(error).__name__}): save it again as .xlsx"
        ) from None
    notes = []
    hidden = [ws.title for ws in workbook.worksheets if ws.sheet_state != "visible"]
    if hidden:
        notes.append(f"hidden sheets were ignored: {', '.join(hidden)}")
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible":
            continue
        found = _find_header(sheet)
        if found is None:
            continue
        header_row, columns, headers = found
        table = BreakdownTable(sheet.title, header_row, columns, headers, notes=notes)
        missing = [key for key in required if key not in columns]
        if missing:
            names = "、".join(f"{COLUMN_BY_KEY[k].zh} ({COLUMN_BY_KEY[k].en})" for k in missing)
            raise Invalid(
                f"sheet {sheet.title!r} has no column {names}: keep the header row as exported "
                f"(found: {', '.join(headers.values())})"
            )
        _read_rows(sheet, table)
        return table
    raise Invalid(
        f"{filename} has no visible sheet with a breakdown header row "
        "(序号 / 工作任务 / 具体措施 / 牵头单位 / 责任单位 / 完成时限, or their English names)"
    )


def _read_rows(sheet: Worksheet, table: BreakdownTable) -> None:
    part_rows: set[int] = set()
    fill_down: dict[tuple[int, int], Any] = {}
    data_start = table.header_row + 1
    for merged in sheet.merged_cells.ranges:
        if merged.max_row < data_start:
            continue  # the title above the header
        if merged.min_row == merged.max_row and merged.min_col == 1:
            part_rows.add(merged.min_row)
        elif merged.min_col == merged.max_col:
            value = sheet.cell(row=merged.min_row, column=merged.min_col).value
            for row in range(merged.min_row + 1, merged.max_row + 1):
                fill_down[(row, merged.min_col)] = value
        else:
            table.problems.append(
                TableProblem(
                    f"merged cells {merged.coord}: unmerge them so that each row has its own values",
                    row=merged.min_row,
                )
            )
    by_column = {index: key for key, index in table.columns.items()}
    count = 0
    for row_index, row in enumerate(sheet.iter_rows(min_row=data_start), start=data_start):
        cells = {cell.column: cell for cell in row if cell.column in by_column}
        if all(c.value is None for c in cells.values()) and not any(
            (row_index, col) in fill_down for col in by_column
        ):
            continue
        count += 1
        if count > MAX_DATA_ROWS:
            raise Invalid(
                f"sheet {sheet.title!r} has more than {MAX_DATA_ROWS:,} rows; split the plan or the table"
            )
        values: dict[str, Any] = {}
        for column_index, key in by_column.items():
            cell = cells.get(column_index)
            raw = cell.value if cell is not None else None
            if (row_index, column_index) in fill_down:
                raw = fill_down[(row_index, column_index)]
            if cell is not None and cell.data_type == "f":
                table.problems.append(
                    TableProblem(
                        f"contains a formula ({str(raw)[:40]}); type the value instead",
                        row=row_index,
                        column=table.column_name(key),
                    )
                )
                raw = None
            values[key] = _cell_value(raw)
        is_part = row_index in part_rows or _looks_like_part(values)
        if is_part:
            first = sheet.cell(row=row_index, column=1).value
            values = {
                "title": _cell_value(first) or values.get("title") or values.get("serial"),
                "item_id": values.get("item_id"),
            }
        table.rows.append(TableRow(row=row_index, is_part=is_part, values=values))
    if not table.rows:
        table.problems.append(TableProblem(f"sheet {sheet.title!r} has a header but no rows below it"))


def _looks_like_part(values: dict[str, Any]) -> bool:
    """An unmerged part row: only the serial or title column filled, with a part label."""
    filled = [k for k, v in values.items() if v not in (None, "") and k != "item_id"]
    if len(filled) != 1 or filled[0] not in {"serial", "title"}:
        return False
    return bool(PART_LABEL.match(str(values[filled[0]])))
