"""Indicator attainment for the ``indicator`` criterion, behind a small interface.

The numbers come from the ledgers app (``workplan.ledgers.selectors.indicator_attainments``)
when it is installed; without it every unit has no indicator targets (the criterion then
gives full points, as every share with nothing due does). :func:`use_source` swaps the
source (tests, other providers).
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from workplan.plans.models import Plan


@dataclass(frozen=True)
class Attainment:
    """One indicator target of one subject: ``share`` is actual ÷ target (1 = met)."""

    subject_key: str
    ref: str
    share: Decimal


Source = Callable[[Plan, Sequence[str], dt.date, dt.date], list[Attainment]]


def _none(plan: Plan, codes: Sequence[str], start: dt.date, end: dt.date) -> list[Attainment]:
    return []


def _from_ledgers() -> Source | None:
    try:
        selectors = importlib.import_module("workplan.ledgers.selectors")
    except ImportError:
        return None
    found: Any = getattr(selectors, "indicator_attainments", None)
    return _adapt(found) if callable(found) else None


LOWER_IS_BETTER = frozenset({"<=", "<"})


def unit_share(value: float, target: float, comparator: str, units: int, measure_unit: str) -> Decimal | None:
    """A unit's attainment of an indicator's target from its own figure in the breakdown.

    A ratio (``%``) is the unit's own rate against the target; a count or amount is the
    unit's figure against an equal share of the target (``target ÷ units``). Lower-is-better
    targets (``<=``, ``<``) invert the ratio. None when it cannot be said (no target).
    """
    goal = target if measure_unit.strip() == "%" else target / max(1, units)
    if goal <= 0:
        return None
    if comparator in LOWER_IS_BETTER:
        return Decimal("1") if value <= 0 else Decimal(str(goal / value))
    return Decimal(str(max(0.0, value) / goal))


def _adapt(found: Any) -> Source:
    """The ledgers app's ``indicator_attainments(plan, as_of=…)`` as attainments per unit:
    every indicator (of ``codes``, or all) with a target, one row per unit of its breakdown."""

    def source(plan: Plan, codes: Sequence[str], start: dt.date, end: dt.date) -> list[Attainment]:
        wanted = set(codes)
        rows: list[Attainment] = []
        for indicator in found(plan, as_of=end):
            if (wanted and indicator.code not in wanted) or indicator.target is None:
                continue
            breakdown = [f for f in indicator.breakdown if f.value is not None]
            for figure in breakdown:
                share = unit_share(
                    float(figure.value),
                    float(indicator.target),
                    str(indicator.comparator or ""),
                    len(breakdown),
                    str(indicator.measure_unit or ""),
                )
                if share is not None:
                    rows.append(Attainment(f"unit:{figure.unit_id}", str(indicator.code), share))
        return rows

    return source


_source: Source | None = None


def use_source(source: Source | None) -> None:
    """Replace the source of attainments (``None``: back to the default)."""
    global _source
    _source = source


def attainments(
    plan: Plan, codes: Sequence[str], start: dt.date, end: dt.date
) -> dict[str, list[Attainment]]:
    """The subjects' attainments of the indicators ``codes`` (all when empty), by subject key."""
    source = _source or _from_ledgers() or _none
    grouped: dict[str, list[Attainment]] = {}
    for row in source(plan, codes, start, end):
        grouped.setdefault(row.subject_key, []).append(row)
    return grouped
