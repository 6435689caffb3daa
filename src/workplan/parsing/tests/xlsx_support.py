"""Shared helpers of the .xlsx reader's tests: a workbook's bytes, read back as rows."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

from workplan.parsing.document import Document
from workplan.parsing.readers import read_bytes
from workplan.parsing.readers.testing import check_invariants

Row = tuple[str, object]


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_rows(data: bytes, filename: str = "plan.xlsx") -> tuple[Document, list[Row]]:
    """The document, and its blocks as ("p", text) or ("h"/"r", [(cell text, header)])."""
    document = read_bytes(data, filename=filename)
    check_invariants(document)
    rows: list[Row] = []
    for block in document.blocks:
        if block.kind == "paragraph":
            rows.append(("p", document.block_text(block)))
        else:
            cells = [(document.text[c.start : c.end], c.header) for c in block.cells]
            rows.append(("h" if block.is_table_header else "r", cells))
    return document, rows


def rewrite_member(data: bytes, member: str, old: bytes, new: bytes) -> bytes:
    """Copy a zip package, replacing ``old`` with ``new`` in one member."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == member:
                assert old in content, content[-400:]
                content = content.replace(old, new)
            target.writestr(info.filename, content)
    return buffer.getvalue()
