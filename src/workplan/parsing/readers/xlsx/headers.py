"""Which column a header cell names: the header vocabulary of a breakdown table.

A header row names at least two known columns (序号, 工作任务, 具体措施, 目标, 牵头单位, 责任单位,
配合单位, 完成时限, their usual synonyms and the English No. / Task / Measures / Targets / Lead
unit / Responsible units / Cooperating units / Deadline). Single-text rows after the last
table row that start like a note ("注：", "备注：", "填表人：") are paragraphs (``NOTE``).
"""

from __future__ import annotations

import re
import unicodedata

# Header names of a breakdown table, by column. A header cell matches a name if it equals it
# (ignoring case, width, spaces and punctuation), or, for a Chinese name or a Latin one of 4+
# letters, starts with it and adds at most 4 characters ("牵头单位（部门）").
_HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号", "序", "No.", "Number", "S/N"),
    "task": (
        "工作任务",
        "任务",
        "重点任务",
        "主要任务",
        "工作内容",
        "任务名称",
        "Task",
        "Tasks",
        "Work task",
    ),
    "measures": ("具体措施", "工作措施", "主要措施", "措施", "Measures", "Measure", "Specific measures"),
    "targets": ("目标", "目标任务", "工作目标", "预期目标", "Targets", "Target", "Goals", "Goal"),
    "lead": ("牵头单位", "牵头部门", "主责单位", "Lead unit", "Lead units", "Lead", "Lead department"),
    "responsible": (
        "责任单位",
        "责任部门",
        "责任主体",
        "承办单位",
        "Responsible units",
        "Responsible unit",
        "Responsible",
    ),
    "cooperating": (
        "配合单位",
        "配合部门",
        "协办单位",
        "参与单位",
        "Cooperating units",
        "Cooperating unit",
        "Cooperating",
        "Supporting units",
    ),
    "deadline": ("完成时限", "完成时间", "时间节点", "时限", "时间要求", "Deadline", "Due date", "Due"),
}
NOTE = re.compile(
    r"^(?:注|备注|说明|附注|填表人|填报人|制表人|审核人|联系人|联系电话|填报单位|填报日期|notes?)"
    r"\s*[0-9一二三四五六七八九十]*\s*[:：]",
    re.IGNORECASE,
)


def _fold(text: str) -> str:
    """Header text compared without case, width, spaces or punctuation."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(char for char in folded if char.isalnum())


_EXACT_NAMES: dict[str, str] = {}
_PREFIX_NAMES: list[tuple[str, str]] = []
for _key, _names in _HEADER_NAMES.items():
    for _name in _names:
        _folded = _fold(_name)
        _EXACT_NAMES.setdefault(_folded, _key)
        if not _folded.isascii() or len(_folded) >= 4:
            _PREFIX_NAMES.append((_folded, _key))
_PREFIX_NAMES.sort(key=lambda pair: -len(pair[0]))  # the longest name wins ("目标任务" before "目标")


def header_key(text: str) -> str | None:
    """The column a header cell names ("牵头单位" -> "lead"), or None."""
    folded = _fold(text)
    if not folded:
        return None
    key = _EXACT_NAMES.get(folded)
    if key is not None:
        return key
    for name, prefix_key in _PREFIX_NAMES:
        if folded.startswith(name) and len(folded) <= len(name) + 4:
            return prefix_key
    return None
