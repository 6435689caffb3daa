"""Document readers: a plan file (.txt, .md, .docx, .pdf, .xlsx) in, a :class:`Document` out.

The reader is chosen by the file's extension. Every failure, expected (an empty file, a
.doc, a scanned PDF, a zip bomb) or not (a bug tripped by a strange file), reaches the
caller as a :class:`ParseError` whose message tells the user what to do.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from workplan.parsing.document import Document
from workplan.parsing.errors import ParseError
from workplan.parsing.readers._common import (
    MAX_DOCX_BYTES,
    MAX_DOCX_ENTRIES,
    MAX_DOCX_UNCOMPRESSED,
    MAX_PDF_BYTES,
    MAX_PDF_PAGES,
    MAX_TEXT_BYTES,
    check_size,
    display_name,
)
from workplan.parsing.readers.docx import read_docx
from workplan.parsing.readers.pdf import read_pdf
from workplan.parsing.readers.text import read_md, read_txt
from workplan.parsing.readers.xlsx import (
    MAX_XLSX_BYTES,
    MAX_XLSX_CELLS,
    MAX_XLSX_ENTRIES,
    MAX_XLSX_ROWS,
    MAX_XLSX_UNCOMPRESSED,
    read_xlsx,
)

__all__ = [
    "MAX_DOCX_BYTES",
    "MAX_DOCX_ENTRIES",
    "MAX_DOCX_UNCOMPRESSED",
    "MAX_PDF_BYTES",
    "MAX_PDF_PAGES",
    "MAX_TEXT_BYTES",
    "MAX_XLSX_BYTES",
    "MAX_XLSX_CELLS",
    "MAX_XLSX_ENTRIES",
    "MAX_XLSX_ROWS",
    "MAX_XLSX_UNCOMPRESSED",
    "SUPPORTED_EXTENSIONS",
    "read_bytes",
    "read_file",
]


@dataclass(frozen=True, slots=True)
class _Reader:
    read: Callable[[bytes, str], Document]
    max_bytes: int
    if_damaged: str  # what to tell the user when the reader trips over the file


_TEXT_DAMAGED = "open it in a text editor, save it again as UTF-8 text, and import the new file"
_DOCX_DAMAGED = "open it in Word or WPS, save it again as .docx, and import the new file"
_PDF_DAMAGED = "import the original Word file, or open the PDF and export or print it to PDF again"
_XLSX_DAMAGED = "open it in Excel or WPS, save it again as .xlsx, and import the new file"
_READERS: dict[str, _Reader] = {
    ".txt": _Reader(read_txt, MAX_TEXT_BYTES, _TEXT_DAMAGED),
    ".text": _Reader(read_txt, MAX_TEXT_BYTES, _TEXT_DAMAGED),
    ".md": _Reader(read_md, MAX_TEXT_BYTES, _TEXT_DAMAGED),
    ".markdown": _Reader(read_md, MAX_TEXT_BYTES, _TEXT_DAMAGED),
    ".docx": _Reader(read_docx, MAX_DOCX_BYTES, _DOCX_DAMAGED),
    ".docm": _Reader(read_docx, MAX_DOCX_BYTES, _DOCX_DAMAGED),  # a .docx with macros, never run
    ".pdf": _Reader(read_pdf, MAX_PDF_BYTES, _PDF_DAMAGED),
    ".xlsx": _Reader(read_xlsx, MAX_XLSX_BYTES, _XLSX_DAMAGED),  # a task breakdown table
    ".xlsm": _Reader(read_xlsx, MAX_XLSX_BYTES, _XLSX_DAMAGED),  # an .xlsx with macros, never run
}

#: Extensions read_file / read_bytes accept (lower case, with the dot).
SUPPORTED_EXTENSIONS = frozenset(_READERS)

_SUPPORTED = "a .docx, .xlsx, .pdf, .txt or .md file"
_SAVE_AS_DOCX = "open it in Word or WPS, save it as .docx, then import that"

# What to say about a file type we do not read: what it is, and what to do instead.
_UNSUPPORTED: dict[str, str] = {
    ".doc": f"is in the old Word format (.doc): {_SAVE_AS_DOCX}",
    ".dot": f"is an old Word template (.dot): {_SAVE_AS_DOCX}",
    ".dotx": f"is a Word template (.dotx): {_SAVE_AS_DOCX}",
    ".wps": "is a WPS document (.wps): open it in WPS, save it as .docx, then import that",
    ".wpt": "is a WPS template (.wpt): open it in WPS, save it as .docx, then import that",
    ".rtf": f"is a Rich Text file (.rtf): {_SAVE_AS_DOCX}",
    ".odt": "is an OpenDocument text (.odt): open it in WPS, Word or LibreOffice, save it as .docx, "
    "then import that",
    ".ofd": "is an OFD file: use the original Word file, or export it as PDF from an OFD reader "
    "and import that",
    ".wpf": "is a WPS document: open it in WPS, save it as .docx, then import that",
    ".htm": "is a web page: open it in Word or WPS and save it as .docx, or save the page as .txt",
    ".html": "is a web page: open it in Word or WPS and save it as .docx, or save the page as .txt",
    ".mht": "is a saved web page: open it in Word or WPS and save it as .docx",
    ".xml": "is an XML file: open the plan in Word or WPS and save it as .docx",
}
for _ext, _label in {
    ".xls": "an old Excel workbook (.xls)",
    ".xlsb": "a binary Excel workbook (.xlsb)",
    ".xlt": "an old Excel template (.xlt)",
    ".xltx": "an Excel template (.xltx)",
    ".xltm": "an Excel template (.xltm)",
    ".et": "a WPS spreadsheet (.et)",
    ".ett": "a WPS spreadsheet template (.ett)",
    ".csv": "a CSV file",
    ".ods": "an OpenDocument spreadsheet (.ods)",
}.items():
    _UNSUPPORTED[_ext] = f"is {_label}: open it in Excel or WPS and save it as .xlsx, then import that"
for _ext in (".ppt", ".pptx", ".dps"):
    _UNSUPPORTED[_ext] = (
        "is a presentation: copy the plan into Word or WPS and save it as .docx, then import that"
    )
for _ext in (".zip", ".rar", ".7z", ".gz", ".tar"):
    _UNSUPPORTED[_ext] = "is an archive: unpack it and import the plan document inside"
for _ext in (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic"):
    _UNSUPPORTED[_ext] = (
        "is an image: use the original Word file, or run it through OCR first and import the text"
    )


def _extension(filename: str) -> str:
    base = filename.strip().replace("\\", "/").rsplit("/", 1)[-1]
    return os.path.splitext(base)[1].lower()


def _reader_for(filename: str, name: str) -> _Reader:
    ext = _extension(filename)
    reader = _READERS.get(ext)
    if reader is not None:
        return reader
    if ext in _UNSUPPORTED:
        raise ParseError(f"{name} {_UNSUPPORTED[ext]}.")
    if not ext:
        raise ParseError(f"{name} has no file extension, so its type is unknown: import {_SUPPORTED}.")
    raise ParseError(f"{name} is a {ext} file, which cannot be imported: import {_SUPPORTED}.")


def _run(reader: _Reader, data: bytes, name: str) -> Document:
    try:
        return reader.read(data, name)
    except ParseError:
        raise
    except RecursionError as exc:
        raise ParseError(f"{name} is nested too deeply to read: {reader.if_damaged}.") from exc
    except MemoryError as exc:
        raise ParseError(f"{name} is too large to read in memory: import a smaller file.") from exc
    except Exception as exc:
        # A file strange enough to trip a reader is still the user's problem to fix; say so plainly.
        raise ParseError(
            f"{name} could not be read ({type(exc).__name__}), it may be damaged: {reader.if_damaged}."
        ) from exc


def read_bytes(data: bytes, *, filename: str) -> Document:
    """Read an uploaded file's bytes; ``filename`` chooses the reader by its extension."""
    name = display_name(filename)
    reader = _reader_for(filename, name)
    check_size(name, len(data), reader.max_bytes)
    return _run(reader, bytes(data), name)


def read_file(path: str | os.PathLike[str]) -> Document:
    """Read a plan file from disk; its size is checked before any of it is read."""
    filename = os.fspath(path)
    name = display_name(filename)
    reader = _reader_for(filename, name)
    try:
        size = os.stat(filename).st_size
        check_size(name, size, reader.max_bytes)
        with open(filename, "rb") as stream:
            data = stream.read(reader.max_bytes + 1)
    except FileNotFoundError as exc:
        raise ParseError(f"{name} was not found: check the file's name and folder.") from exc
    except IsADirectoryError as exc:
        raise ParseError(f"{name} is a folder, not a file: import {_SUPPORTED}.") from exc
    except PermissionError as exc:
        raise ParseError(f"{name} cannot be opened (permission denied): copy it somewhere readable.") from exc
    except OSError as exc:
        raise ParseError(f"{name} cannot be read ({exc.strerror or type(exc).__name__}).") from exc
    check_size(name, len(data), reader.max_bytes)  # it may have changed since stat()
    return _run(reader, data, name)
