"""Values of ledger records, checked against the ledger's field definitions.

Stored shapes (JSON, under each field's ``key``): text, long text, person and file → string;
number → number; integer → integer; date → ``"YYYY-MM-DD"``; yes/no → ``true``/``false``;
single choice → one of the choices; multiple choice → a list of them; unit and plan item →
the id (an integer). A missing or empty value is not stored.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext

from workplan.ledgers.models import FieldKind, LedgerField

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_TEXT = {FieldKind.TEXT: 500, FieldKind.PERSON: 200, FieldKind.FILE: 255, FieldKind.LONG_TEXT: 20_000}
MAX_NUMBER = 1e15


class FieldProblem(ValueError):
    """A value that its field does not accept (the message says why)."""


def _text(field: LedgerField, raw: Any) -> str:
    if not isinstance(raw, str | int | float) or isinstance(raw, bool):
        raise FieldProblem(gettext("expected text"))
    text = str(raw).strip()
    if "\x00" in text:
        raise FieldProblem(gettext("contains a NUL character"))
    limit = MAX_TEXT.get(FieldKind(field.kind), 500)
    if len(text) > limit:
        raise FieldProblem(gettext("longer than %(limit)d characters") % {"limit": limit})
    return text


def _number(raw: Any) -> float:
    if isinstance(raw, bool):
        raise FieldProblem(gettext("expected a number"))
    if isinstance(raw, str):
        raw = raw.strip().replace(",", "")
    try:
        number = float(raw)
    except (TypeError, ValueError):
        raise FieldProblem(gettext("expected a number")) from None
    if not math.isfinite(number) or abs(number) > MAX_NUMBER:
        raise FieldProblem(gettext("the number is out of range"))
    return number


def _integer(raw: Any) -> int:
    number = _number(raw)
    if number != int(number):
        raise FieldProblem(gettext("expected a whole number"))
    return int(number)


def _date(raw: Any) -> str:
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    text = raw.strip() if isinstance(raw, str) else ""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise FieldProblem(gettext("expected a date (YYYY-MM-DD)"))
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise FieldProblem(gettext("not a real date: %(value)s") % {"value": text}) from None


TRUE_WORDS = {"true", "yes", "y", "1", "是", "√", "✓", "on"}
FALSE_WORDS = {"false", "no", "n", "0", "否", "×", "off"}


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise FieldProblem(gettext("expected yes or no"))


def _choice(field: LedgerField, raw: Any) -> str:
    text = str(raw).strip() if isinstance(raw, str | int) and not isinstance(raw, bool) else None
    if text is None or text not in field.choices:
        raise FieldProblem(gettext("not one of the choices: %(value)s") % {"value": str(raw)[:40]})
    return text


def _choices(field: LedgerField, raw: Any) -> list[str]:
    if isinstance(raw, str):
        raw = [part for part in re.split(r"[,，、;；\n]", raw) if part.strip()]
    if not isinstance(raw, list):
        raise FieldProblem(gettext("expected a list of choices"))
    picked: list[str] = []
    for one in raw:
        choice = _choice(field, one)
        if choice not in picked:
            picked.append(choice)
    return picked


def _reference(raw: Any, known: Iterable[int] | None) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise FieldProblem(gettext("expected an id"))
    text = str(raw).strip()
    if not text.isdigit() or len(text) > 18:
        raise FieldProblem(gettext("expected an id"))
    value = int(text)
    if known is not None and value not in known:
        raise FieldProblem(gettext("unknown: %(value)s") % {"value": text})
    return value


def is_empty(raw: Any) -> bool:
    return raw is None or raw == "" or raw == [] or (isinstance(raw, str) and not raw.strip())


def clean_value(field: LedgerField, raw: Any, *, known: Mapping[str, Iterable[int]] | None = None) -> Any:
    """``raw`` as stored for ``field``; :class:`FieldProblem` when it does not fit.

    ``known`` maps ``"unit"``/``"item"`` to the ids such a field may name (None: any id).
    """
    kind = FieldKind(field.kind)
    if kind in (FieldKind.TEXT, FieldKind.LONG_TEXT, FieldKind.PERSON, FieldKind.FILE):
        return _text(field, raw)
    if kind == FieldKind.NUMBER:
        return _number(raw)
    if kind == FieldKind.INTEGER:
        return _integer(raw)
    if kind == FieldKind.DATE:
        return _date(raw)
    if kind == FieldKind.BOOLEAN:
        return _boolean(raw)
    if kind == FieldKind.CHOICE:
        return _choice(field, raw)
    if kind == FieldKind.MULTI_CHOICE:
        return _choices(field, raw)
    return _reference(raw, (known or {}).get(kind.value))


def clean_values(
    fields: Iterable[LedgerField],
    raw: Mapping[str, Any],
    *,
    previous: Mapping[str, Any] | None = None,
    known: Mapping[str, Iterable[int]] | None = None,
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The stored values of a record and the problems by field key.

    Only active fields are read from ``raw``; values of retired fields (and of keys no
    definition knows any more) are kept from ``previous`` untouched. Keys of ``raw`` that
    are no active field are problems.
    """
    active = {f.key: f for f in fields if not f.retired}
    problems: dict[str, list[str]] = {}
    values = {k: v for k, v in (previous or {}).items() if k not in active}
    for key in raw:
        if key not in active:
            problems.setdefault(str(key)[:40], []).append(gettext("no such field in this ledger"))
    for key, field in active.items():
        value = raw.get(key)
        if is_empty(value):
            if field.required:
                problems.setdefault(key, []).append(gettext("this field is required"))
            continue
        try:
            values[key] = clean_value(field, value, known=known)
        except FieldProblem as problem:
            problems.setdefault(key, []).append(str(problem))
    return values, problems


def display(field: LedgerField, value: Any, names: Mapping[tuple[str, int], str] | None = None) -> str:
    """A stored value as text for a list or a sheet (ids named through ``names``)."""
    if value is None:
        return ""
    kind = FieldKind(field.kind)
    if kind == FieldKind.BOOLEAN:
        return gettext("yes") if value else gettext("no")
    if kind == FieldKind.MULTI_CHOICE and isinstance(value, list):
        return "、".join(str(v) for v in value)
    if kind in (FieldKind.UNIT, FieldKind.ITEM) and names is not None:
        return names.get((kind.value, value), str(value))
    if kind == FieldKind.NUMBER and isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
