"""Excel (.xlsx): the document's title block and figures on the first sheet, each table on
its own sheet, and a "figures" sheet listing every figure with the rows it counts."""

from __future__ import annotations

import io
import re

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from workplan.reports.document import Doc, FigureList, Heading, Para, Table

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
# Excel refuses these in sheet names; a formula-looking cell would be run when opened.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _cell(value: str) -> str | int:
    """A whole number as a number; text that Excel would read as a formula, quoted."""
    if value.isascii() and value.isdigit() and len(value) < 15:
        return int(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", name).strip()[:28] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in taken:
        candidate, n = f"{base[:25]} {n}", n + 1
    taken.add(candidate.lower())
    return candidate


def _write_table(sheet: Worksheet, columns: list[str], rows: list[list[str]], start: int = 1) -> None:
    for col, text in enumerate(columns, start=1):
        sheet.cell(row=start, column=col, value=_cell(text)).font = BOLD
    for r, values in enumerate(rows, start=start + 1):
        for col, text in enumerate(values, start=1):
            sheet.cell(row=r, column=col, value=_cell(text)).alignment = WRAP
    sheet.freeze_panes = sheet.cell(row=start + 1, column=1)
    for col in range(1, len(columns) + 1):
        longest = max([len(columns[col - 1])] + [len(str(r[col - 1])) for r in rows[:200]])
        sheet.column_dimensions[sheet.cell(row=start, column=col).column_letter].width = min(
            60, max(8, longest * 1.6)
        )


def render_xlsx(doc: Doc) -> bytes:
    """``doc`` as a workbook: overview, one sheet per table, the figures and their rows."""
    book = Workbook()
    first = book.worksheets[0]
    taken: set[str] = set()
    first.title = _sheet_name(_("Overview"), taken)
    lines = [doc.number, doc.title, doc.subtitle, f"{doc.issuer}  {doc.date.isoformat()}"]
    row = 1
    for line in (x for x in lines if x):
        first.cell(row=row, column=1, value=_cell(line)).font = BOLD
        row += 1
    outline: list[list[str]] = []
    for block in doc.blocks:
        if isinstance(block, FigureList):
            _write_table(
                first, block.columns, [[f.label, str(f.value)] for f in block.figures], start=row + 1
            )
            row += len(block.figures) + 2
        elif isinstance(block, Table):
            _write_table(book.create_sheet(_sheet_name(block.name, taken)), block.columns, block.rows)
        elif isinstance(block, Heading):
            outline.append([str(block.level), block.text])
        elif isinstance(block, Para):
            outline.append(["", block.text])
    _write_table(book.create_sheet(_sheet_name(_("Text"), taken)), [_("Level"), _("Text")], outline)
    figures = book.create_sheet(_sheet_name(_("Figures"), taken))
    _write_table(
        figures,
        [_("Figure"), _("Value"), _("Kind of row"), _("Row id"), _("Row")],
        [[f.label, str(f.value), r.kind, str(r.id), r.text] for f in doc.figures for r in f.refs]
        + [[f.label, str(f.value), "", "", ""] for f in doc.figures if not f.refs],
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
