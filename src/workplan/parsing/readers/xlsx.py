"""Excel .xlsx / .xlsm task breakdown tables (任务分解表), read the way a Word table is read.

A plan may start life as a breakdown table in Excel instead of a Word document. This reader
gives the structure parser the same shape the .docx reader gives for a Word table, so the
parser needs no special case: each table row is one ``table_row`` block, its cells' texts
joined by ``" | "``, the header row(s) first (``is_table_header``), and every later cell
carrying the header text of its column.

Which sheet: the first visible sheet (hidden and "very hidden" sheets are skipped) whose
first 15 non-empty rows hold a header row, a row naming at least two known columns (序号,
工作任务, 具体措施, 目标, 牵头单位, 责任单位, 配合单位, 完成时限, their usual synonyms and the
English No. / Task / Measures / Targets / Lead unit / Responsible units / Cooperating units /
Deadline). A two-level header (责任单位 over 牵头单位 | 配合单位) is read as one header band
whose column headers join the levels ("责任单位 牵头单位"), as the .docx reader does.
Non-empty rows above the header become paragraphs: the table's title ("XX局2024年重点工作任务
分解表"), from which the structure parser takes the document title.

A workbook with no header row anywhere is still read, not refused: the first visible sheet
with content, its first row with two or more cells taken as the header (single-text rows
above it are paragraphs). A sheet whose rows all hold one text each is a list of paragraphs
(someone pasted the plan into column A), so it is read as paragraphs, like a .docx table
whose rows have one cell each.

Cells: text as shown, dates as ISO text ("2019-06-30"), integral numbers without ".0",
percent-formatted numbers as "85%", formulas as the value Excel cached when it last saved
the file (a formula without a cached value, as written by scripts, is an empty cell), error
values ("#N/A") as empty cells. Hidden columns are skipped (the breakdown tables this
application exports carry a hidden ID column); hidden rows are kept, because rows are most
often hidden by a filter, and the filtered-out tasks are still part of the plan. Columns
that are empty in the whole table are left out.

Merged cells: a row whose only text is a cell merged across two or more columns from the
table's first column is a part row ("一、支持企业稳定发展"): one cell with no header, as the
.docx reader gives. Any other horizontal merge is one cell covering several columns. A
vertical merge inside the table repeats its text in every row it covers (see
:func:`_merges` for why that differs from the .docx reader). Single-text rows after the
last table row that start like a note ("注：", "备注：", "填表人：") are paragraphs.

Safety: the zip-bomb limits are checked from the zip directory before openpyxl touches the
file, OLE files (an old .xls, or an encrypted workbook) are refused, openpyxl parses the
XML through defusedxml, and the worksheets are counted with a streaming parse first, because
openpyxl creates a Python object for every cell of every merged range and hyperlink range:
a few bytes (``<mergeCell ref="A1:XFD1048576"/>``) would otherwise ask for 17 billion.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

import openpyxl
from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from lxml import etree  # type: ignore[import-untyped]
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import range_boundaries
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

from workplan.parsing.document import Document
from workplan.parsing.errors import ParseError
from workplan.parsing.readers._common import MB, DocumentBuilder, format_size, one_line
from workplan.parsing.readers.package import _declared_entry_count

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

_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_MAIN = f"{{{SHEET_MAIN_NS}}}"
_ROW, _CELL, _VALUE, _INLINE = f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}v", f"{_MAIN}is"
_MERGE, _LINK, _STRING_ITEM = f"{_MAIN}mergeCell", f"{_MAIN}hyperlink", f"{_MAIN}si"
_MAX_EXCEL_ROW, _MAX_EXCEL_COLUMN = 1_048_576, 16_384
_SAVE_AGAIN = "open it in Excel or WPS, save it again as .xlsx, and import the new file"

# Header names of a breakdown table, by column. A header cell matches a name if it equals it
# (ignoring case, width, spaces and punctuation), or, for a Chinese name or a Latin one of 4+
# letters, starts with it and adds at most 4 characters ("牵头单位（部门）").
_HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号", "序", "No.", "Number", "S/N"),
    "task": (
        "工作任务",
        "任务",
        "重点任务",
        "主要任务",
        "工作内容",
        "任务名称",
        "Task",
        "Tasks",
        "Work task",
    ),
    "measures": ("具体措施", "工作措施", "主要措施", "措施", "Measures", "Measure", "Specific measures"),
    "targets": ("目标", "目标任务", "工作目标", "预期目标", "Targets", "Target", "Goals", "Goal"),
    "lead": ("牵头单位", "牵头部门", "主责单位", "Lead unit", "Lead units", "Lead", "Lead department"),
    "responsible": (
        "责任单位",
        "责任部门",
        "责任主体",
        "承办单位",
        "Responsible units",
        "Responsible unit",
        "Responsible",
    ),
    "cooperating": (
        "配合单位",
        "配合部门",
        "协办单位",
        "参与单位",
        "Cooperating units",
        "Cooperating unit",
        "Cooperating",
        "Supporting units",
    ),
    "deadline": ("完成时限", "完成时间", "时间节点", "时限", "时间要求", "Deadline", "Due date", "Due"),
}
_NOTE = re.compile(
    r"^(?:注|备注|说明|附注|填表人|填报人|制表人|审核人|联系人|联系电话|填报单位|填报日期|notes?)"
    r"\s*[0-9一二三四五六七八九十]*\s*[:：]",
    re.IGNORECASE,
)


def _fold(text: str) -> str:
    """Header text compared without case, width, spaces or punctuation."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(char for char in folded if char.isalnum())


_EXACT_NAMES: dict[str, str] = {}
_PREFIX_NAMES: list[tuple[str, str]] = []
for _key, _names in _HEADER_NAMES.items():
    for _name in _names:
        _folded = _fold(_name)
        _EXACT_NAMES.setdefault(_folded, _key)
        if not _folded.isascii() or len(_folded) >= 4:
            _PREFIX_NAMES.append((_folded, _key))
_PREFIX_NAMES.sort(key=lambda pair: -len(pair[0]))  # the longest name wins ("目标任务" before "目标")


def header_key(text: str) -> str | None:
    """The column a header cell names ("牵头单位" -> "lead"), or None."""
    folded = _fold(text)
    if not folded:
        return None
    key = _EXACT_NAMES.get(folded)
    if key is not None:
        return key
    for name, prefix_key in _PREFIX_NAMES:
        if folded.startswith(name) and len(folded) <= len(name) + 4:
            return prefix_key
    return None


# -- the package ------------------------------------------------------------------------------


def _damaged(name: str, detail: str) -> ParseError:
    return ParseError(f"{name} is damaged or incomplete ({detail}): {_SAVE_AGAIN}.")


def _too_many_entries(name: str, count: int) -> ParseError:
    return ParseError(
        f"{name} holds {count:,} files inside its zip package; an Excel workbook has far fewer (the "
        f"limit is {MAX_XLSX_ENTRIES:,}), so it is refused. Save the table again from Excel or WPS as "
        ".xlsx and import that."
    )


def _check_package(data: bytes, name: str) -> None:
    """Refuse what is not an .xlsx, or would unpack to too much, before openpyxl reads it."""
    if data.startswith(_OLE_MAGIC):
        raise ParseError(
            f"{name} is an old Excel .xls workbook renamed to .xlsx, or a password-protected (encrypted) "
            "workbook: open it in Excel or WPS, remove any password, save it as .xlsx, and import that."
        )
    if data.startswith(b"%PDF-"):
        raise ParseError(f"{name} is a PDF file with an .xlsx name: rename it to .pdf and import it again.")
    if not data.startswith(b"PK"):
        raise ParseError(
            f"{name} is not an Excel .xlsx file (it is not a zip package): open it in Excel or WPS, save "
            "it as .xlsx, and import that."
        )
    declared = _declared_entry_count(data)
    if declared is not None and declared > MAX_XLSX_ENTRIES:
        raise _too_many_entries(name, declared)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _damaged(name, "the zip package cannot be opened") from exc
    with archive:
        infos = archive.infolist()
    if len(infos) > MAX_XLSX_ENTRIES:
        raise _too_many_entries(name, len(infos))
    # Declared sizes bound what zipfile will ever inflate: it stops at an entry's declared
    # size, so a directory that understates them yields a CRC error, not a bomb.
    total = sum(info.file_size for info in infos)
    if total > MAX_XLSX_UNCOMPRESSED:
        raise ParseError(
            f"{name} would unpack to {format_size(total)}; the limit is {format_size(MAX_XLSX_UNCOMPRESSED)}, "
            "so it is refused as a possible zip bomb. Save the table again from Excel or WPS as a normal "
            ".xlsx and import that."
        )
    if any(info.flag_bits & 0x1 for info in infos):
        raise ParseError(
            f"{name} is encrypted: open it in Excel or WPS, remove the password, save it as .xlsx, and "
            "import that."
        )
    names = {info.filename.lower() for info in infos}
    if "[content_types].xml" in names and any(part.startswith("xl/") for part in names):
        return
    if "word/document.xml" in names:
        raise ParseError(
            f"{name} is a Word document with an .xlsx name: rename it to .docx and import it again."
        )
    if "ppt/presentation.xml" in names:
        raise ParseError(
            f"{name} is a PowerPoint file with an .xlsx name: copy the table into Excel or WPS, save it "
            "as .xlsx, and import that."
        )
    if "content.xml" in names and "mimetype" in names:
        raise ParseError(
            f"{name} is an OpenDocument spreadsheet (.ods): open it in WPS, Excel or LibreOffice, save "
            "it as .xlsx, and import that."
        )
    raise ParseError(
        f"{name} is a zip file but not an Excel workbook (it has no xl/ folder): save the table from "
        "Excel or WPS as .xlsx and import that."
    )


def _iterparse(stream: IO[bytes], tags: tuple[str, ...]) -> Iterable[tuple[str, etree._Element]]:
    # No entity expansion, no DTDs, no network: the XML comes from an untrusted upload.
    return etree.iterparse(  # type: ignore[no-any-return]
        stream,
        events=("end",),
        tag=tags,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )


def _area(ref: str | None) -> int:
    """How many cells a range such as "A1:H3" covers (openpyxl creates an object for each)."""
    if not ref:
        return 0
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref.split()[0])
    except (ValueError, TypeError, KeyError):
        return 1  # openpyxl refuses it on its own
    rows = (max_row or 1) - (min_row or 1) + 1
    columns = (max_col or 1) - (min_col or 1) + 1
    return max(1, rows) * max(1, columns)


class _Budget:
    """Counts what openpyxl would build, from a streaming parse, and refuses too much."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.cells = 0

    def add(self, count: int) -> None:
        self.cells += count
        if self.cells > MAX_XLSX_CELLS:
            raise ParseError(
                f"{self.name} holds more than {MAX_XLSX_CELLS:,} cells (counting merged ranges); a "
                "breakdown table has far fewer, so it is refused. Delete the sheets and ranges that "
                "are not part of the plan, or split the table, and import again."
            )

    def sheet(self, stream: IO[bytes], sheet_name: str) -> None:
        rows = 0
        for _, element in _iterparse(stream, (_ROW, _CELL, _MERGE, _LINK)):
            tag = element.tag
            if tag == _CELL:
                self.add(1)
                continue
            if tag == _ROW:
                self.add(1)
                if any(
                    (child.tag == _VALUE and child.text) or child.tag == _INLINE
                    for cell in element
                    for child in cell
                ):
                    rows += 1
                    if rows > MAX_XLSX_ROWS:
                        raise _too_many_rows(self.name, sheet_name)
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
                continue
            self.add(_area(element.get("ref")))  # a merged range or a hyperlink range
            element.clear()

    def strings(self, stream: IO[bytes]) -> None:
        for _, element in _iterparse(stream, (_STRING_ITEM,)):
            self.add(1)
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]


def _too_many_rows(name: str, sheet_name: str) -> ParseError:
    return ParseError(
        f'{name} has more than {MAX_XLSX_ROWS:,} rows in sheet "{sheet_name}"; a breakdown table has far '
        "fewer. Delete the rows that are not part of the plan, or split the table into several files, "
        "and import again."
    )


def _load(data: bytes, name: str) -> Any:
    """The workbook, with cached formula values, after counting what openpyxl would build."""
    if not openpyxl.DEFUSEDXML:
        raise ParseError(
            f"{name} cannot be read: Excel files are only read with the defusedxml package installed "
            "(ask the administrator to install the application's dependencies)."
        )
    reader = ExcelReader(io.BytesIO(data), read_only=False, keep_vba=False, data_only=True, keep_links=False)
    try:
        # The same part lookup openpyxl uses, so the parts counted are the parts it will read.
        reader.read_manifest()
        reader.read_workbook()
        budget = _Budget(name)
        current = ""
        try:
            strings = reader.package.find(SHARED_STRINGS)
            if strings is not None and strings.PartName[1:] in reader.valid_files:
                current = strings.PartName[1:]
                with reader.archive.open(current) as stream:
                    budget.strings(stream)
            for sheet, rel in reader.parser.find_sheets():
                if rel.target not in reader.valid_files or "chartsheet" in rel.Type:
                    continue
                current = rel.target
                with reader.archive.open(current) as stream:
                    budget.sheet(stream, sheet.name)
        except etree.XMLSyntaxError as exc:
            raise _damaged(name, f"{current} is not well-formed XML") from exc
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise _damaged(name, f"{current} cannot be unpacked") from exc
        reader.read()
    except ValueError as exc:
        # openpyxl wraps what goes wrong in reader.read() in a ValueError of its own.
        cause: BaseException | None = exc
        while cause is not None and not isinstance(cause, DefusedXmlException):
            cause = cause.__cause__ or cause.__context__
        if cause is None:
            raise
        raise ParseError(
            f"{name} contains XML entity or DTD declarations, which are refused for safety: {_SAVE_AGAIN}."
        ) from exc
    except (zipfile.BadZipFile, EOFError) as exc:
        raise _damaged(name, "a part of the zip package cannot be unpacked") from exc
    except KeyError as exc:
        raise _damaged(name, f"a part of the workbook is missing: {exc}") from exc
    finally:
        reader.archive.close()
    return reader.wb


# -- cell values ------------------------------------------------------------------------------


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


# -- one sheet as a grid ----------------------------------------------------------------------


@dataclass(slots=True)
class _Merge:
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
        ranges.append((max(1, low), min(_MAX_EXCEL_COLUMN, high)))
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for low, high in ranges:
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


class _Grid:
    """The shown text of one sheet: values by (row, column), visible columns only."""

    def __init__(self, sheet: Any) -> None:
        self.title: str = sheet.title
        self.hidden = _hidden_columns(sheet)
        self._hidden_starts = [low for low, _ in self.hidden]
        texts: dict[tuple[int, int], str] = {}
        # ``_cells`` holds only the cells the file has; iter_rows() would create every cell of
        # the used rectangle, which one stray cell at XFD1048576 makes 17 billion.
        for (row, column), cell in sheet._cells.items():
            value = cell.value
            if value is None:
                continue
            text = cell_text(value, cell.data_type, cell.number_format, keep_breaks=True)
            if text:
                texts[(row, column)] = text
        self.merges: list[_Merge] = []
        for cell_range in sheet.merged_cells.ranges:
            text = texts.pop((cell_range.min_row, cell_range.min_col), "")
            first = self._first_visible(cell_range.min_col, cell_range.max_col)
            if not text or first is None:
                continue  # an empty merge shows nothing; one over hidden columns is not shown
            self.merges.append(
                _Merge(cell_range.min_row, cell_range.max_row, first, cell_range.max_col, text)
            )
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
        for row in self.rows[:HEADER_SEARCH_ROWS]:
            count = len(self.header_keys(row))
            if count > best_count:
                best_row, best_count = row, count
        return best_row

    def first_table_row(self) -> int | None:
        """Without a known header: the first row (near the top) with two or more cells."""
        for row in self.rows[:HEADER_SEARCH_ROWS]:
            if len(self.by_row[row]) >= 2:
                return row
        return None


# -- the reader -------------------------------------------------------------------------------


class _SheetReader:
    """Lays out one sheet's table into a DocumentBuilder."""

    def __init__(self, grid: _Grid, name: str, header_row: int | None, known_header: bool) -> None:
        self.grid = grid
        self.name = name
        self.builder = DocumentBuilder()
        if header_row is None:  # one text per row: a list of paragraphs
            for row in grid.rows:
                self._paragraph(row)
            return
        top, bottom = self._header_band(header_row, known_header)
        self.top, self.bottom = top, bottom
        columns = sorted({column for (row, column) in grid.values if row >= top})
        if len(columns) > MAX_XLSX_COLUMNS:
            raise ParseError(
                f'{name} has text in more than {MAX_XLSX_COLUMNS} columns of sheet "{grid.title}"; a '
                "breakdown table has far fewer. Delete the columns that are not part of the plan and "
                "import again."
            )
        self.columns = columns
        self.covered = self._merges()
        for row in grid.rows:
            if row >= top:
                break
            self._paragraph(row)
        self._table()

    def _paragraph(self, row: int) -> None:
        self.builder.add_paragraph(" ".join(text for _, text in self.grid.by_row[row]))

    def _header_band(self, header_row: int, known_header: bool) -> tuple[int, int]:
        """The header row, with the rows of a two-level header above or below it."""
        grid = self.grid
        top = bottom = header_row
        for _ in range(3):
            changed = False
            for merge in grid.merges:
                if merge.top == merge.bottom or merge.bottom < top or merge.top > bottom:
                    continue
                # A header cell merged down over the sub-header row (序号 beside 牵头单位 | 配合单位).
                if merge.top < top and top - merge.top <= 2:
                    top, changed = merge.top, True
                if merge.bottom > bottom and merge.bottom - bottom <= 2:
                    bottom, changed = merge.bottom, True
            if known_header:
                # A neighbouring row of nothing but column names is a header level too; it
                # has two or more, or a short title ("重点任务清单") would pass for one.
                for row in (top - 1, bottom + 1):
                    cells = grid.by_row.get(row)
                    if cells and len(cells) >= 2 and all(header_key(text) for _, text in cells):
                        top, bottom, changed = min(top, row), max(bottom, row), True
            if not changed or bottom - top >= 3:
                break
        return top, bottom

    def _merges(self) -> dict[tuple[int, int], _Merge]:
        """Which kept cells each merged range covers, from the header band down.

        Vertical merges repeat their text in every row they cover. The .docx reader leaves the
        continuation cells of a vertical merge empty, because in a Word document the merged
        cell is read once, with the row where it starts. In a breakdown table a unit (or a
        deadline, or a task with several measures) merged down over several rows means that it
        applies to every one of those rows, and each row becomes an item of its own; leaving
        the later rows empty would give those items no unit. A part row merged over two rows
        is the exception: it is one part heading, read once.
        """
        columns = self.columns
        covered: dict[tuple[int, int], _Merge] = {}
        area = 0
        for merge in self.grid.merges:
            if merge.bottom < self.top:
                continue
            low = bisect_left(columns, merge.first)
            high = bisect_right(columns, merge.last)
            if low >= high:
                continue
            merge.first_kept, merge.span = low, high - low
            is_part = low == 0 and merge.span >= 2
            merge.repeats = merge.top > self.bottom and merge.bottom > merge.top and not is_part
            first_row = max(merge.top, self.top)
            rows = merge.bottom - first_row + 1
            if merge.repeats and rows > MAX_XLSX_ROWS:
                raise _too_many_rows(self.name, self.grid.title)
            area += rows * merge.span
            if area > MAX_XLSX_CELLS:
                raise ParseError(
                    f"{self.name} has merged cells covering more than {MAX_XLSX_CELLS:,} cells in sheet "
                    f'"{self.grid.title}": unmerge them, save the table again, and import it.'
                )
            for row in range(first_row, merge.bottom + 1):
                for column in columns[low:high]:
                    covered[(row, column)] = merge
        return covered

    def _layout(self, row: int) -> list[tuple[int, int, str]]:
        """The row's cells as (first kept column index, kept columns covered, text)."""
        columns, covered, values = self.columns, self.covered, self.grid.values
        cells: list[tuple[int, int, str]] = []
        index = 0
        while index < len(columns):
            column = columns[index]
            merge = covered.get((row, column))
            if merge is None:
                cells.append((index, 1, values.get((row, column), "")))
                index += 1
            elif merge.first_kept == index:
                shown = row == merge.top or merge.repeats
                cells.append((index, merge.span, merge.text if shown else ""))
                index += merge.span
            else:
                index += 1  # covered by a merge that starts further left (overlapping ranges)
        return cells

    def _table(self) -> None:
        grid, builder, columns = self.grid, self.builder, self.columns
        headers: list[list[str]] = [[] for _ in columns]
        for row in range(self.top, self.bottom + 1):
            cells = self._layout(row)
            for start, span, text in cells:
                text = one_line(text)
                for index in range(start, start + span):
                    if text and (not headers[index] or headers[index][-1] != text):
                        headers[index].append(text)
            texts = [text for _, _, text in cells]
            if len(texts) > 1 and texts[0] and all(one_line(text) == one_line(texts[0]) for text in texts):
                texts = texts[:1]
            builder.add_row(texts, is_header=True)
        column_headers = [" ".join(parts) or None for parts in headers]

        rows = {row for row in grid.rows if row > self.bottom}
        for merge in grid.merges:
            if merge.repeats:
                rows.update(range(merge.top, merge.bottom + 1))
                if len(rows) > MAX_XLSX_ROWS:
                    raise _too_many_rows(self.name, grid.title)
        if len(rows) + self.bottom - self.top + 1 > MAX_XLSX_ROWS:
            raise _too_many_rows(self.name, grid.title)
        laid_out: list[tuple[list[str], list[str | None]]] = []
        for row in sorted(rows):
            cells = self._layout(row)
            filled = [cell for cell in cells if cell[2]]
            if not filled:
                continue
            texts = [text for _, _, text in cells]
            first_start, first_span, first_text = filled[0]
            if len(filled) == 1 and first_start == 0 and first_span >= 2:
                laid_out.append(([first_text], [None]))  # a part row across the table
            elif len(texts) > 1 and texts[0] and all(one_line(text) == one_line(texts[0]) for text in texts):
                laid_out.append(([texts[0]], [None]))  # one text typed into every column
            else:
                cell_headers: list[str | None] = [
                    None if span >= len(columns) > 1 else column_headers[start] for start, span, _ in cells
                ]
                laid_out.append((texts, cell_headers))
        notes: list[str] = []
        while laid_out:
            texts = [text for text in laid_out[-1][0] if text]
            if len(texts) != 1 or not _NOTE.match(texts[0]):
                break
            notes.append(texts[0])
            laid_out.pop()
        for texts, cell_headers in laid_out:
            builder.add_row(texts, cell_headers)
        for note in reversed(notes):
            builder.add_paragraph(note)


def read_xlsx(data: bytes, name: str) -> Document:
    """Read an .xlsx / .xlsm file's bytes into a Document (see the module docstring)."""
    _check_package(data, name)
    workbook = _load(data, name)
    fallback: _Grid | None = None
    chosen: tuple[_Grid, int | None, bool] | None = None
    hidden_with_text = False
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible":
            hidden_with_text = hidden_with_text or any(
                cell.value is not None for cell in sheet._cells.values()
            )
            continue
        grid = _Grid(sheet)
        if not grid.rows:
            continue
        header = grid.find_header()
        if header is not None:
            chosen = (grid, header, True)
            break
        if fallback is None:
            fallback = grid
    if chosen is None and fallback is not None:
        chosen = (fallback, fallback.first_table_row(), False)
    if chosen is None:
        hint = (
            " (hidden sheets are not read: unhide the sheet that holds the table)" if hidden_with_text else ""
        )
        raise ParseError(f"{name} has no text in its visible sheets{hint}: there is nothing to import.")
    grid, header_row, known = chosen
    reader = _SheetReader(grid, name, header_row, known)
    title = " ".join((workbook.properties.title or "").split()) or None
    return reader.builder.build(source_format="xlsx", title_hint=title)
