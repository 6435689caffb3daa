"""A plan as a printable breakdown table (.xlsx), the way offices lay it out by hand."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from workplan.plans.breakdown.layout import CELL_LIST_SEPARATOR, COLUMNS, TARGET_SEPARATOR
from workplan.plans.models import Plan
from workplan.plans.selectors import plan_items_for_user

TITLE_ROW = 1
HEADER_ROW = 2
FIRST_DATA_ROW = 3
DATE_FORMAT = "yyyy-mm-dd"
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class BreakdownLine:
    """One row of the table: a part (merged, bold) or an item with its cells."""

    item_id: int
    is_part: bool
    values: dict[str, Any]


def breakdown_lines(*, user: Any, plan: Plan) -> list[BreakdownLine]:
    """The plan's items as table rows, in document order (a fixed number of queries)."""
    lines: list[BreakdownLine] = []
    counters: dict[int, int] = {}
    serial_of: dict[str, str] = {}
    for item in plan_items_for_user(user=user, plan=plan):
        if item.depth == 1:
            lines.append(BreakdownLine(item_id=item.pk, is_part=True, values={"title": item.heading}))
            continue
        parent_serial = serial_of.get(item.path[:-4], "")
        counters[item.depth] = counters.get(item.depth, 0) + 1
        for deeper in [d for d in counters if d > item.depth]:
            del counters[deeper]
        serial = f"{parent_serial}.{counters[item.depth]}" if parent_serial else str(counters[item.depth])
        serial_of[item.path] = serial
        by_role: dict[str, list[str]] = {"lead": [], "responsible": [], "cooperating": []}
        for assignment in item.assignments.all():
            by_role[assignment.role].append(assignment.unit.name)
        deadline: dt.date | str | None = item.due_date
        if deadline is None:
            open_ended = [d.text for d in item.deadlines.all() if d.date is None]
            deadline = open_ended[0] if open_ended else None
        values = {
            "serial": serial,
            "title": item.title,
            "measures": item.body,
            "targets": TARGET_SEPARATOR.join(t.text for t in item.targets.all()),
            "lead": CELL_LIST_SEPARATOR.join(by_role["lead"]),
            "responsible": CELL_LIST_SEPARATOR.join(by_role["responsible"]),
            "cooperating": CELL_LIST_SEPARATOR.join(by_role["cooperating"]),
            "deadline": deadline,
            "item_id": item.pk,
        }
        lines.append(BreakdownLine(item_id=item.pk, is_part=False, values=values))
    return lines


def breakdown_export(*, user: Any, plan: Plan, language: str | None = None) -> bytes:
    """The breakdown table of ``plan`` as .xlsx bytes (headers in the plan's language)."""
    language = language or plan.language
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "任务分解表" if language != "en" else "Breakdown"
    last_visible = len(COLUMNS) - 1  # the ID column is last and hidden
    last_letter = get_column_letter(last_visible)

    sheet.cell(
        row=TITLE_ROW,
        column=1,
        value=f"{plan.title}" + ("任务分解表" if language != "en" else " — breakdown"),
    )
    sheet.merge_cells(f"A{TITLE_ROW}:{last_letter}{TITLE_ROW}")
    sheet.cell(row=TITLE_ROW, column=1).font = Font(bold=True, size=14)
    sheet.cell(row=TITLE_ROW, column=1).alignment = Alignment(horizontal="center")

    header_fill = PatternFill("solid", fgColor="DDE6F0")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=column.header(language))
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.column_dimensions[get_column_letter(len(COLUMNS))].hidden = True

    part_fill = PatternFill("solid", fgColor="F2F2F2")
    for offset, line in enumerate(breakdown_lines(user=user, plan=plan)):
        row = FIRST_DATA_ROW + offset
        if line.is_part:
            cell = sheet.cell(row=row, column=1, value=line.values["title"])
            cell.font = Font(bold=True)
            cell.fill = part_fill
            cell.alignment = _WRAP
            for index in range(1, last_visible + 1):
                sheet.cell(row=row, column=index).border = _BORDER
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_visible)
            sheet.cell(row=row, column=len(COLUMNS), value=line.item_id)
            continue
        for index, column in enumerate(COLUMNS, start=1):
            value = line.values.get(column.key)
            cell = sheet.cell(row=row, column=index, value=value if value != "" else None)
            cell.border = _BORDER
            cell.alignment = _WRAP
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT

    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
