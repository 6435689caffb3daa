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


def _adapt(found: Any) -> Source:
    def source(plan: Plan, codes: Sequence[str], start: dt.date, end: dt.date) -> list[Attainment]:
        return [_attainment(row) for row in found(plan=plan, codes=list(codes), start=start, end=end)]

    return source


def _attainment(row: Any) -> Attainment:
    get = row.get if isinstance(row, dict) else lambda name, default=None: getattr(row, name, default)
    unit_id = get("unit_id")
    key = f"unit:{unit_id}" if unit_id is not None else str(get("subject_key", ""))
    return Attainment(
        subject_key=key, ref=str(get("ref", get("indicator", ""))), share=Decimal(str(get("share", 0)))
    )


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
