"""Writing stored text into .xlsx cells: characters the file format cannot hold are dropped.

Control characters (other than tab, newline and carriage return) are valid in our text fields
but illegal in an Office Open XML cell; openpyxl raises on them, which would turn one odd
record into a failed export of the whole sheet.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE


def cell_value(value: Any) -> Any:
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def row_values(values: Iterable[Any]) -> list[Any]:
    return [cell_value(value) for value in values]
