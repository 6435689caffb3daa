"""The .xlsx package checked before openpyxl reads it, and the workbook loaded safely.

The zip-bomb limits are checked from the zip directory before openpyxl touches the file, OLE
files (an old .xls, or an encrypted workbook) are refused, openpyxl parses the XML through
defusedxml, and the worksheets are counted with a streaming parse first, because openpyxl
creates a Python object for every cell of every merged range and hyperlink range: a few bytes
(``<mergeCell ref="A1:XFD1048576"/>``) would otherwise ask for 17 billion.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from typing import IO, Any

import openpyxl
from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from lxml import etree  # type: ignore[import-untyped]
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import range_boundaries
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

from workplan.parsing.errors import ParseError
from workplan.parsing.readers._common import format_size
from workplan.parsing.readers.package import _declared_entry_count
from workplan.parsing.readers.xlsx import limits

_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_MAIN = f"{{{SHEET_MAIN_NS}}}"
_ROW, _CELL, _VALUE, _INLINE = f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}v", f"{_MAIN}is"
_MERGE, _LINK, _STRING_ITEM = f"{_MAIN}mergeCell", f"{_MAIN}hyperlink", f"{_MAIN}si"


def _too_many_entries(name: str, count: int) -> ParseError:
    return ParseError(
        f"{name} holds {count:,} files inside its zip package; an Excel workbook has far fewer (the "
        f"limit is {limits.MAX_XLSX_ENTRIES:,}), so it is refused. Save the table again from Excel or WPS as "
        ".xlsx and import that."
    )


def check_package(data: bytes, name: str) -> None:
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
    if declared is not None and declared > limits.MAX_XLSX_ENTRIES:
        raise _too_many_entries(name, declared)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise limits.damaged(name, "the zip package cannot be opened") from exc
    with archive:
        infos = archive.infolist()
    if len(infos) > limits.MAX_XLSX_ENTRIES:
        raise _too_many_entries(name, len(infos))
    # Declared sizes bound what zipfile will ever inflate: it stops at an entry's declared
    # size, so a directory that understates them yields a CRC error, not a bomb.
    total = sum(info.file_size for info in infos)
    if total > limits.MAX_XLSX_UNCOMPRESSED:
        raise ParseError(
            f"{name} would unpack to {format_size(total)}; the limit is {format_size(limits.MAX_XLSX_UNCOMPRESSED)}, "
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
        if self.cells > limits.MAX_XLSX_CELLS:
            raise ParseError(
                f"{self.name} holds more than {limits.MAX_XLSX_CELLS:,} cells (counting merged ranges); a "
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
                    if rows > limits.MAX_XLSX_ROWS:
                        raise limits.too_many_rows(self.name, sheet_name)
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


def load(data: bytes, name: str) -> Any:
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
            raise limits.damaged(name, f"{current} is not well-formed XML") from exc
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise limits.damaged(name, f"{current} cannot be unpacked") from exc
        reader.read()
    except ValueError as exc:
        # openpyxl wraps what goes wrong in reader.read() in a ValueError of its own.
        cause: BaseException | None = exc
        while cause is not None and not isinstance(cause, DefusedXmlException):
            cause = cause.__cause__ or cause.__context__
        if cause is None:
            raise
        raise ParseError(
            f"{name} contains XML entity or DTD declarations, which are refused for safety: {limits.SAVE_AGAIN}."
        ) from exc
    except (zipfile.BadZipFile, EOFError) as exc:
        raise limits.damaged(name, "a part of the zip package cannot be unpacked") from exc
    except KeyError as exc:
        raise limits.damaged(name, f"a part of the workbook is missing: {exc}") from exc
    finally:
        reader.archive.close()
    return reader.wb
