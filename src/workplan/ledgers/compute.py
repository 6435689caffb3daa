"""Indicators computed in the database: one aggregate query per figure, never a Python
loop over records, the same SQL shape on SQLite and PostgreSQL.

Values of a record live in JSON (``values``); a field is read with ``KeyTextTransform``
(``JSON_EXTRACT`` on SQLite, ``->>`` on PostgreSQL) and cast to a float for sums and
averages. Filters are ``[{"field": key, "op": op, "value": v}]`` with the operators of
:data:`OPERATORS`; the pseudo-field ``"unit"`` filters by unit code (its subtree).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import Avg, Count, FloatField, Max, Min, Q, QuerySet, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils.translation import gettext

from workplan.accounts.models import Unit
from workplan.core.errors import Invalid
from workplan.ledgers.models import Indicator, LedgerRecord, Measure

OPERATORS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "contains", "empty", "not_empty")
FIELD_MEASURES = (Measure.SUM, Measure.AVG, Measure.MIN, Measure.MAX)
AGGREGATES = {Measure.SUM: Sum, Measure.AVG: Avg, Measure.MIN: Min, Measure.MAX: Max}


def number_of(key: str) -> Cast:
    """The number stored under ``key`` of a record's values, as a float expression."""
    return Cast(KeyTextTransform(key, "values"), FloatField())


def _one_condition(one: Mapping[str, Any]) -> Q:
    if not isinstance(one, Mapping):
        raise Invalid(gettext("A filter is an object with field, op and value."))
    key, op, value = one.get("field"), one.get("op", "eq"), one.get("value")
    if not isinstance(key, str) or op not in OPERATORS:
        raise Invalid(gettext("Unknown filter: %(filter)s") % {"filter": str(dict(one))[:100]})
    if key == "unit":
        codes = value if isinstance(value, list) else [value]
        paths = Unit.objects.filter(code__in=[str(c) for c in codes]).values_list("path", flat=True)
        subtree = Q(pk__in=[])
        for path in paths:
            subtree |= Q(unit__path__startswith=path)
        return ~subtree if op == "ne" else subtree
    lookup = f"values__{key}"
    if op == "empty":
        return ~Q(**{f"{lookup}__isnull": False})
    if op == "not_empty":
        return Q(**{f"{lookup}__isnull": False})
    if op == "ne":
        return ~Q(**{lookup: value})
    if op == "in":
        choices = value if isinstance(value, list) else [value]
        either = Q(pk__in=[])
        for choice in choices:
            either |= Q(**{lookup: choice})
        return either
    if op == "contains":
        return Q(**{f"{lookup}__icontains": str(value)})
    return Q(**{lookup if op == "eq" else f"{lookup}__{op}": value})


def conditions(filters: Iterable[Mapping[str, Any]] | None) -> Q:
    """All of ``filters`` as one ``Q`` over ``LedgerRecord``."""
    combined = Q()
    for one in filters or ():
        combined &= _one_condition(one)
    return combined


def as_of_condition(indicator: Indicator, as_of: dt.date | None) -> Q:
    """Records dated on or before ``as_of`` (by the indicator's date field, else their creation)."""
    if as_of is None:
        return Q()
    if indicator.date_field:
        return Q(**{f"values__{indicator.date_field}__lte": as_of.isoformat()})
    return Q(created_at__date__lte=as_of)


def base_records(indicator: Indicator, *, unit: Unit | None = None) -> QuerySet[LedgerRecord]:
    """The records an indicator counts (its ledger, its filters, within ``unit``'s subtree)."""
    rows = LedgerRecord.objects.filter(ledger_id=indicator.ledger_id or 0).filter(
        conditions(indicator.filters)
    )
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    return rows


def _aggregates(indicator: Indicator, suffix: str, when: Q) -> dict[str, Any]:
    """The aggregate expressions of one figure (named with ``suffix``), over records ``when``."""
    measure = Measure(indicator.measure)
    if measure == Measure.COUNT:
        return {f"v{suffix}": Count("pk", filter=when)}
    if measure in FIELD_MEASURES:
        return {f"v{suffix}": AGGREGATES[measure](number_of(indicator.field_key), filter=when)}
    met = when & conditions(indicator.condition)
    if indicator.field_key:
        amount = number_of(indicator.field_key)
        return {f"n{suffix}": Sum(amount, filter=met), f"d{suffix}": Sum(amount, filter=when)}
    return {f"n{suffix}": Count("pk", filter=met), f"d{suffix}": Count("pk", filter=when)}


def _figure(indicator: Indicator, row: Mapping[str, Any], suffix: str) -> float | None:
    """The value of one figure from its aggregate row; a ratio over nothing is None (no data)."""
    if indicator.measure == Measure.RATIO:
        numerator, denominator = row.get(f"n{suffix}"), row.get(f"d{suffix}")
        if not denominator:
            return None
        return 100.0 * float(numerator or 0) / float(denominator)
    value = row.get(f"v{suffix}")
    if value is None:
        return 0.0 if indicator.measure == Measure.COUNT else None
    return float(value)


def indicator_value(
    indicator: Indicator, *, as_of: dt.date | None = None, unit: Unit | None = None
) -> float | None:
    """The indicator's value (one query): a count, a sum …, or a ratio in percent."""
    row = base_records(indicator, unit=unit).aggregate(
        **_aggregates(indicator, "", as_of_condition(indicator, as_of))
    )
    return _figure(indicator, row, "")


def indicator_by_unit(
    indicator: Indicator, *, as_of: dt.date | None = None, unit: Unit | None = None
) -> list[tuple[int, float | None]]:
    """(unit id, value) for each unit that keeps records counted by the indicator (one query)."""
    rows = (
        base_records(indicator, unit=unit)
        .order_by()
        .values("unit_id")
        .annotate(**_aggregates(indicator, "", as_of_condition(indicator, as_of)))
        .order_by("unit__path")
    )
    return [(row["unit_id"], _figure(indicator, row, "")) for row in rows]


def indicator_by_period(
    indicator: Indicator, ends: Sequence[dt.date], *, unit: Unit | None = None
) -> list[tuple[dt.date, float | None]]:
    """The value as of the end of each period in ``ends`` (one query for all of them)."""
    if not ends:
        return []
    expressions: dict[str, Any] = {}
    for index, end in enumerate(ends):
        expressions |= _aggregates(indicator, f"_{index}", as_of_condition(indicator, end) & Q(pk__gt=0))
    row = base_records(indicator, unit=unit).aggregate(**expressions)
    return [(end, _figure(indicator, row, f"_{index}")) for index, end in enumerate(ends)]


def record_count(indicator: Indicator, *, as_of: dt.date | None = None) -> int:
    """How many records stand behind the figure (the denominator of a ratio)."""
    return int(
        base_records(indicator).filter(as_of_condition(indicator, as_of)).aggregate(n=Count("pk"))["n"]
    )
