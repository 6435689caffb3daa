"""The organisation workbook's two sheets, their columns and the header names read back.

Headers are written in the reader's language and read in either (and in a few common
spellings), so a sheet exported in Chinese imports after being edited in English Excel.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    en: str
    zh: str
    aliases: tuple[str, ...] = ()
    width: int = 16


UNIT_COLUMNS = (
    Column("code", "code", "单位编码", ("unit code", "编码", "代码")),
    Column("name", "name", "单位名称", ("unit name", "名称", "全称"), width=36),
    Column("short_name", "short name", "简称", ("short_name", "abbreviation")),
    Column("parent", "parent code", "上级单位编码", ("parent", "parent_code", "上级编码", "上级单位")),
    Column("aliases", "aliases", "别名", ("other names", "其他名称"), width=30),
    Column("kind", "kind", "类型", ("type", "单位类型")),
    Column("active", "active", "启用", ("is_active", "是否启用", "在用"), width=8),
)
USER_COLUMNS = (
    Column("username", "username", "用户名", ("login", "账号", "登录名")),
    Column("name", "name", "姓名", ("full name", "full_name", "名字"), width=20),
    Column("unit", "unit code", "单位编码", ("unit", "unit_code", "所在单位编码", "单位")),
    Column("role", "role", "角色", ("roles",), width=12),
    Column("email", "e-mail", "电子邮箱", ("email", "mail", "邮箱"), width=28),
    Column("phone", "phone", "电话", ("telephone", "mobile", "手机", "联系电话")),
    Column("active", "active", "启用", ("is_active", "是否启用", "在用"), width=8),
)
UNITS_SHEET = ("units", "单位")
USERS_SHEET = ("users", "用户")
REQUIRED_UNIT_COLUMNS = ("code", "name")
REQUIRED_USER_COLUMNS = ("username", "unit", "role")

TRUE_WORDS = frozenset({"1", "yes", "y", "true", "是", "启用", "在用", "√", "✓", "x"})
FALSE_WORDS = frozenset({"0", "no", "n", "false", "否", "停用", "不启用", "×"})


def fold(text: str) -> str:
    """A header or keyword compared loosely: width, case and spaces ignored."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split()).replace("_", "").replace("-", "")


def header_lookup(columns: tuple[Column, ...]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in columns:
        for name in (column.key, column.en, column.zh, *column.aliases):
            lookup.setdefault(fold(name), column.key)
    return lookup


def split_names(raw: str) -> list[str]:
    """Aliases in one cell, separated by 、 , ， ; ； or new lines."""
    for separator in ("、", "，", ";", "；", "\n"):
        raw = raw.replace(separator, ",")
    found: list[str] = []
    for name in (part.strip() for part in raw.split(",")):
        if name and name not in found:
            found.append(name)
    return found
