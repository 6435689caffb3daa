"""Excel .xlsx / .xlsm task breakdown tables (任务分解表), read the way a Word table is read.

A plan may start life as a breakdown table in Excel instead of a Word document. This reader
gives the structure parser the same shape the .docx reader gives for a Word table, so the
parser needs no special case: each table row is one ``table_row`` block, its cells' texts
joined by ``" | "``, the header row(s) first (``is_table_header``), and every later cell
carrying the header text of its column.

Which sheet: the first visible sheet (hidden and "very hidden" sheets are skipped) whose
first 15 non-empty rows hold a header row, a row naming at least two known columns
(:mod:`.headers`). A workbook with no header row anywhere is still read, not refused: the
first visible sheet with content, its first row with two or more cells taken as the header
(single-text rows above it are paragraphs). A sheet whose rows all hold one text each is a
list of paragraphs (someone pasted the plan into column A), so it is read as paragraphs,
like a .docx table whose rows have one cell each.

The modules, by concern: :mod:`.limits` (sizes and their errors), :mod:`.package` (the zip
package checked and the workbook loaded safely), :mod:`.headers` (the header vocabulary),
:mod:`.grid` (cell values and one sheet's shown texts), :mod:`.table` (the table laid out).
"""

from __future__ import annotations

from workplan.parsing.document import Document
from workplan.parsing.errors import ParseError
from workplan.parsing.readers.xlsx.grid import Grid, cell_text
from workplan.parsing.readers.xlsx.headers import header_key
from workplan.parsing.readers.xlsx.limits import (
    HEADER_SEARCH_ROWS,
    MAX_XLSX_BYTES,
    MAX_XLSX_CELLS,
    MAX_XLSX_COLUMNS,
    MAX_XLSX_ENTRIES,
    MAX_XLSX_ROWS,
    MAX_XLSX_UNCOMPRESSED,
)
from workplan.parsing.readers.xlsx.package import check_package, load
from workplan.parsing.readers.xlsx.table import SheetReader

__all__ = [
    "HEADER_SEARCH_ROWS",
    "MAX_XLSX_BYTES",
    "MAX_XLSX_CELLS",
    "MAX_XLSX_COLUMNS",
    "MAX_XLSX_ENTRIES",
    "MAX_XLSX_ROWS",
    "MAX_XLSX_UNCOMPRESSED",
    "cell_text",
    "header_key",
    "read_xlsx",
]


def read_xlsx(data: bytes, name: str) -> Document:
    """Read an .xlsx / .xlsm file's bytes into a Document (see the module docstring)."""
    check_package(data, name)
    workbook = load(data, name)
    fallback: Grid | None = None
    chosen: tuple[Grid, int | None, bool] | None = None
    hidden_with_text = False
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible":
            hidden_with_text = hidden_with_text or any(
                cell.value is not None for cell in sheet._cells.values()
            )
            continue
        grid = Grid(sheet)
        if not grid.rows:
            continue
        header = grid.find_header()
        if header is not None:
            chosen = (grid, header, True)
            break
        if fallback is None:
            fallback = grid
    if chosen is None and fallback is not None:
        first = fallback.first_table_row()
        if first is not None and fallback.holds_data(first):
            # "2018-12-09 | 收集资料": the first row is already a task; the table has no header.
            reader = SheetReader(fallback, name, first, False, headerless=True)
            title = " ".join((workbook.properties.title or "").split()) or None
            return reader.builder.build(source_format="xlsx", title_hint=title)
        chosen = (fallback, first, False)
    if chosen is None:
        hint = (
            " (hidden sheets are not read: unhide the sheet that holds the table)" if hidden_with_text else ""
        )
        raise ParseError(f"{name} has no text in its visible sheets{hint}: there is nothing to import.")
    grid, header_row, known = chosen
    reader = SheetReader(grid, name, header_row, known)
    title = " ".join((workbook.properties.title or "").split()) or None
    return reader.builder.build(source_format="xlsx", title_hint=title)
