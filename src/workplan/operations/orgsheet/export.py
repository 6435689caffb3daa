"""Writing the organisation workbook: the units and users sheets, or an empty template."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from workplan import permissions
from workplan.accounts.models import SYSTEM_USERNAME, Membership, Unit, User
from workplan.core.spreadsheets import row_values
from workplan.operations.orgsheet.layout import UNIT_COLUMNS, UNITS_SHEET, USER_COLUMNS, USERS_SHEET, Column


def _header(sheet: Any, columns: tuple[Column, ...], language: str) -> None:
    sheet.append([column.zh if language == "zh" else column.en for column in columns])
    for index, column in enumerate(columns, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"


def _workbook(language: str) -> tuple[Workbook, Any, Any]:
    workbook = Workbook()
    units = workbook.active
    units.title = UNITS_SHEET[1] if language == "zh" else UNITS_SHEET[0]
    users = workbook.create_sheet(USERS_SHEET[1] if language == "zh" else USERS_SHEET[0])
    _header(units, UNIT_COLUMNS, language)
    _header(users, USER_COLUMNS, language)
    return workbook, units, users


def _bytes(workbook: Workbook) -> bytes:
    # Text that starts with "=" stays text: a unit or person named "=HYPERLINK(…)" must not
    # become a formula in the administrator's Excel.
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _yes(value: bool, language: str) -> str:
    if language == "zh":
        return "是" if value else "否"
    return "yes" if value else "no"


def org_template(*, language: str = "zh") -> bytes:
    """The empty workbook with both sheets' headers and a sheet explaining each column."""
    workbook, _units, _users = _workbook(language)
    notes = workbook.create_sheet(gettext("Read me"))
    for line in (
        gettext("Units: one row per unit; the parent code names the unit above (empty for the top unit)."),
        gettext("Aliases: other names plan documents use, separated by 、 or commas."),
        gettext("Users: one row per role; a person with two roles has two rows."),
        gettext("Roles: admin, planner, reporter, leader, assessor, viewer."),
        gettext("Active: yes or no (empty means yes)."),
        gettext(
            "Import: workplan org import FILE.xlsx (a dry run), then --apply; or on the Organisation page."
        ),
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    return _bytes(workbook)


def org_export(*, user: Any, language: str = "zh") -> bytes:
    """Every unit and every user's roles, as the workbook that imports back unchanged."""
    permissions.require_admin(user, gettext("export the organisation"))
    workbook, units_sheet, users_sheet = _workbook(language)
    parents: dict[str, str] = {}
    for unit in Unit.objects.order_by("path"):
        parents[unit.path] = unit.code
        units_sheet.append(
            row_values(
                [
                    unit.code,
                    unit.name,
                    unit.short_name,
                    parents.get(unit.path[: -Unit.steplen], ""),
                    "、".join(unit.aliases),
                    unit.kind,
                    _yes(unit.is_active, language),
                ]
            )
        )
    memberships = Membership.objects.select_related("unit").order_by("unit__path", "role")
    roles: dict[int, list[Membership]] = {}
    for membership in memberships:
        roles.setdefault(membership.user_id, []).append(membership)
    for person in User.objects.exclude(username=SYSTEM_USERNAME).order_by("username"):
        for membership in roles.get(person.pk, []):
            users_sheet.append(
                row_values(
                    [
                        person.username,
                        person.first_name,
                        membership.unit.code,
                        membership.role,
                        person.email,
                        person.phone,
                        _yes(person.is_active, language),
                    ]
                )
            )
    return _bytes(workbook)
