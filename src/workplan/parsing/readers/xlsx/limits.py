"""The size limits of the .xlsx reader and the errors that name them.

The table modules read the limits as ``limits.MAX_XLSX_ROWS`` (not imported by name), so a
test may lower one for a moment.
"""

from __future__ import annotations

from workplan.parsing.errors import ParseError
from workplan.parsing.readers._common import MB

#: Largest .xlsx file accepted (a breakdown table is a few hundred KB).
MAX_XLSX_BYTES = 20 * MB
#: An .xlsx may unpack to at most this many bytes in total (zip-bomb guard).
MAX_XLSX_UNCOMPRESSED = 100 * MB
#: An .xlsx may hold at most this many zip entries (a real one has 10-50).
MAX_XLSX_ENTRIES = 2000
#: Most cells (plus cells covered by merged ranges and hyperlink ranges) in all sheets together;
#: openpyxl keeps each as an object (about 1 KB each with its parsing, so this is ~300 MB at most).
MAX_XLSX_CELLS = 300_000
#: Most non-empty rows in a sheet.
MAX_XLSX_ROWS = 20_000
#: Most non-empty columns in the table read.
MAX_XLSX_COLUMNS = 200
#: How many non-empty rows from the top of a sheet are searched for the header row.
HEADER_SEARCH_ROWS = 15

SAVE_AGAIN = "open it in Excel or WPS, save it again as .xlsx, and import the new file"


def damaged(name: str, detail: str) -> ParseError:
    return ParseError(f"{name} is damaged or incomplete ({detail}): {SAVE_AGAIN}.")


def too_many_rows(name: str, sheet_name: str) -> ParseError:
    return ParseError(
        f'{name} has more than {MAX_XLSX_ROWS:,} rows in sheet "{sheet_name}"; a breakdown table has far '
        "fewer. Delete the rows that are not part of the plan, or split the table into several files, "
        "and import again."
    )
