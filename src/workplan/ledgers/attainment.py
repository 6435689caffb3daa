"""The attainment rule, stated once: how a value compares with its target.

* ``no_data`` — there is no value (a ratio over no records, an empty field);
* ``no_target`` — nothing to compare with;
* ``met`` — the value satisfies the target's comparator (``>=``, ``>``, ``<=``, ``<``, ``=``;
  ``between`` is met from the lower bound up, so "1–2 consultants" is met by 1, 2 or 3);
  without a comparator, ``>=`` when higher is better and ``<=`` when lower is;
* ``on_track`` — not met yet, higher is better, the plan year is not over, and the value has
  reached the share of the target that the elapsed share of the year asks for (half the
  target at mid-year);
* ``behind`` — otherwise.

The attainment ratio is value ÷ target (target ÷ value when lower is better; the lower
bound for ``between``), None where either is missing or zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MET, ON_TRACK, BEHIND, NO_DATA, NO_TARGET = "met", "on_track", "behind", "no_data", "no_target"
EPSILON = 1e-9


@dataclass(frozen=True)
class Goal:
    """What an indicator aims at: ``comparator`` against ``value`` (and ``value_max``)."""

    value: float | None
    value_max: float | None = None
    comparator: str = ""
    lower_is_better: bool = False


def is_met(value: float, goal: Goal) -> bool:
    target = goal.value if goal.value is not None else 0.0
    comparator = goal.comparator or ("<=" if goal.lower_is_better else ">=")
    if comparator in (">=", "between"):
        return value >= target - EPSILON
    if comparator == ">":
        return value > target + EPSILON
    if comparator == "<=":
        return value <= target + EPSILON
    if comparator == "<":
        return value < target - EPSILON
    return abs(value - target) <= EPSILON


def elapsed_share(year: int | None, as_of: dt.date) -> float:
    """How much of the plan year has passed on ``as_of`` (0 … 1)."""
    if year is None:
        return 1.0
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if as_of <= start:
        return 0.0
    if as_of >= end:
        return 1.0
    return (as_of - start).days / (end - start).days


def status(value: float | None, goal: Goal, *, elapsed: float = 1.0) -> str:
    """One of met, on_track, behind, no_data, no_target (see the module docstring)."""
    if value is None:
        return NO_DATA
    if goal.value is None:
        return NO_TARGET
    if is_met(value, goal):
        return MET
    if not goal.lower_is_better and elapsed < 1.0 and value >= goal.value * elapsed - EPSILON:
        return ON_TRACK
    return BEHIND


def ratio(value: float | None, goal: Goal) -> float | None:
    """value ÷ target (target ÷ value when lower is better); None when undefined."""
    if value is None or goal.value is None:
        return None
    if goal.lower_is_better:
        return goal.value / value if value else None
    return value / goal.value if goal.value else None


def label(status_code: str) -> str:
    """The status in the reader's language."""
    from django.utils.translation import gettext

    labels = {
        MET: gettext("met"),
        ON_TRACK: gettext("on track"),
        BEHIND: gettext("behind"),
        NO_DATA: gettext("no data"),
        NO_TARGET: gettext("no target"),
    }
    return labels.get(status_code, status_code)
