"""Organisation workbooks for tests and benchmarks: a department with sections, towns and
their villages, and staff in every unit."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from workplan.operations.orgsheet.layout import UNIT_COLUMNS, USER_COLUMNS

ROLES = ("reporter", "viewer", "planner")
SYLLABLES = "东南西北中新河山湖城桥林石阳平安"


def place_name(index: int, suffix: str) -> str:
    """A distinct two-character place name (256 of them) with its suffix: 东南镇, 东西村 …"""
    return SYLLABLES[index // 16 % 16] + SYLLABLES[index % 16] + suffix


def org_rows(
    *, units: int = 200, users: int = 600, top: str = "XIAN"
) -> tuple[list[list[Any]], list[list[Any]]]:
    """``units`` unit rows under ``top`` (sections and towns, each town with villages) and
    ``users`` user rows spread over them."""
    unit_rows: list[list[Any]] = []
    towns = max(1, units // 10)
    for index in range(units):
        if index < towns:
            code, parent, name = f"T{index:03d}", top, place_name(index, "镇")
        else:
            code, parent, name = f"V{index:03d}", f"T{index % towns:03d}", place_name(index, "村")
        kind = "town" if index < towns else "village"
        unit_rows.append([code, name, name[:2], parent, f"{name}人民政府", kind, "是"])
    user_rows: list[list[Any]] = []
    for index in range(users):
        unit = unit_rows[index % units][0]
        user_rows.append(
            [
                f"staff{index:04d}",
                f"工作人员{index}",
                unit,
                ROLES[index % 3],
                f"staff{index}@example.gov.cn",
                "0571-8888",
                "是",
            ]
        )
    return unit_rows, user_rows


def org_workbook(unit_rows: list[list[Any]], user_rows: list[list[Any]], *, language: str = "en") -> bytes:
    """A workbook with the two sheets and these rows (in the layout's column order)."""
    workbook = Workbook()
    units = workbook.active
    units.title = "units" if language == "en" else "单位"
    units.append([c.en if language == "en" else c.zh for c in UNIT_COLUMNS])
    for row in unit_rows:
        units.append(row)
    users = workbook.create_sheet("users" if language == "en" else "用户")
    users.append([c.en if language == "en" else c.zh for c in USER_COLUMNS])
    for row in user_rows:
        users.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
