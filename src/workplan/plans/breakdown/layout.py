"""Columns of the breakdown table and the names under which offices write them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

CELL_LIST_SEPARATOR = "、"
UNIT_NAME_SEPARATORS = re.compile(r"[、，,;；/\n]")
TARGET_SEPARATOR = "；"


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    width: float
    synonyms: tuple[str, ...] = ()

    def header(self, language: str) -> str:
        return self.en if language == "en" else self.zh


COLUMNS: tuple[Column, ...] = (
    Column("serial", "序号", "No.", 7, ("编号", "序", "no", "number", "#")),
    Column(
        "title",
        "工作任务",
        "Task",
        32,
        ("任务", "重点任务", "主要任务", "工作内容", "task", "tasks", "work task"),
    ),
    Column(
        "measures",
        "具体措施",
        "Measures",
        50,
        ("工作措施", "主要措施", "措施", "measure", "specific measures"),
    ),
    Column("targets", "目标", "Targets", 22, ("目标任务", "工作目标", "预期目标", "target", "goal", "goals")),
    Column(
        "lead", "牵头单位", "Lead unit", 16, ("牵头部门", "主责单位", "lead", "lead units", "lead department")
    ),
    Column(
        "responsible",
        "责任单位",
        "Responsible units",
        20,
        ("责任部门", "责任主体", "承办单位", "responsible", "responsible unit"),
    ),
    Column(
        "cooperating",
        "配合单位",
        "Cooperating units",
        18,
        ("配合部门", "协办单位", "参与单位", "cooperating", "cooperating unit", "supporting units"),
    ),
    Column(
        "deadline",
        "完成时限",
        "Deadline",
        13,
        ("完成时间", "时间节点", "时限", "时间要求", "due", "due date"),
    ),
    Column("item_id", "ID", "ID", 8, ("编号id", "item id")),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
UNIT_COLUMNS = ("lead", "responsible", "cooperating")
REQUIRED_FOR_UPDATE = ("title", "item_id")
REQUIRED_FOR_NEW_PLAN = ("title",)


def fold(text: str) -> str:
    """Header text compared without case, width, spaces or punctuation."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


HEADER_LOOKUP: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.zh, _column.en, *_column.synonyms):
        HEADER_LOOKUP.setdefault(fold(_name), _column.key)


def split_unit_names(cell: str, known: Iterable[str] = ()) -> list[str]:
    """'市民政局、市财政局，各镇' -> three names (also ; ； , / and newlines).

    ``known`` names (the organisation's unit names and aliases) are taken whole first, so
    "Hong Kong, Macao, Taiwan and Overseas Chinese Section" is one name, not three.
    """
    protected = sorted({n for n in known if UNIT_NAME_SEPARATORS.search(n)}, key=len, reverse=True)
    found: list[tuple[int, str]] = []
    for name in protected:
        start = cell.find(name)
        while start != -1:
            found.append((start, name))
            cell = cell[:start] + "\n" * len(name) + cell[start + len(name) :]
            start = cell.find(name)
    pieces = [(m.start(), m.group().strip()) for m in re.finditer(r"[^、，,;；/\n]+", cell)]
    names = found + [(at, name) for at, name in pieces if name]
    return [name for _at, name in sorted(names)]
