"""Reading the organisation workbook into rows of text, keyed by column.

File-level problems (not an .xlsx, too large, neither sheet found) raise :class:`Invalid`;
everything about a row is left to ``preview`` so that the administrator sees all of it at once.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext
from openpyxl import load_workbook

from workplan.core.errors import Invalid
from workplan.operations.orgsheet.layout import (
    UNIT_COLUMNS,
    UNITS_SHEET,
    USER_COLUMNS,
    USERS_SHEET,
    Column,
    fold,
    header_lookup,
)

# The container checks (size, zip bombs, old .xls) are the breakdown table's.
from workplan.plans.breakdown.reading import _check_container

MAX_ROWS = 20_000
HEADER_SEARCH_ROWS = 10
MAX_CELL_CHARS = 2000


@dataclass
class SheetRows:
    """One sheet's data rows: (row number, {column key: text}) and the headers it used."""

    name: str
    headers: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


@dataclass
class OrgWorkbook:
    units: SheetRows | None
    users: SheetRows | None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    return str(value).replace("\x00", "").strip()[:MAX_CELL_CHARS]


def _read_sheet(sheet: Any, columns: tuple[Column, ...]) -> SheetRows:
    lookup = header_lookup(columns)
    found = SheetRows(name=sheet.title)
    header_row = 0
    positions: dict[int, str] = {}
    for number, row in enumerate(sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True), start=1):
        candidate = {
            index: lookup[fold(value)]
            for index, value in enumerate(row)
            if isinstance(value, str) and fold(value) in lookup
        }
        if len(set(candidate.values())) >= 2:
            header_row, positions = number, {}
            for index, key in candidate.items():
                if key not in positions.values():
                    positions[index] = key
                    found.headers[key] = str(row[index]).strip()
            break
    if not header_row:
        return found
    for number, row in enumerate(
        sheet.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1
    ):
        values = {key: _text(row[index]) for index, key in positions.items() if index < len(row)}
        if any(values.values()):
            found.rows.append((number, values))
            if len(found.rows) > MAX_ROWS:
                raise Invalid(
                    gettext("The sheet %(sheet)s has more than %(limit)s rows.")
                    % {"sheet": sheet.title, "limit": MAX_ROWS}
                )
    return found


def read_org_workbook(data: bytes, *, filename: str = "organisation.xlsx") -> OrgWorkbook:
    """The units and users sheets (found by name, else by their headers) of a workbook."""
    _check_container(data, filename)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for damaged files
        raise Invalid(
            gettext("%(file)s cannot be read as a workbook (%(reason)s).")
            % {"file": filename, "reason": type(error).__name__}
        ) from None
    try:
        sheets = {fold(sheet.title): sheet for sheet in workbook.worksheets}
        units = users = None
        for names, columns, kind in (
            (UNITS_SHEET, UNIT_COLUMNS, "units"),
            (USERS_SHEET, USER_COLUMNS, "users"),
        ):
            sheet = next((sheets[fold(n)] for n in names if fold(n) in sheets), None)
            if sheet is None:
                continue
            rows = _read_sheet(sheet, columns)
            if kind == "units":
                units = rows
            else:
                users = rows
    finally:
        workbook.close()
    if units is None and users is None:
        raise Invalid(
            gettext("%(file)s has neither a sheet called “units” (单位) nor one called “users” (用户).")
            % {"file": filename}
        )
    return OrgWorkbook(units=units, users=users)
