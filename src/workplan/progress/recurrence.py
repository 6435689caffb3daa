"""Frequency targets ("每季度至少1次", "once a year") as RFC 5545 rules and dated windows.

A target says *N times per unit* (unit as the parser writes it: "per year", "per quarter",
"per month", "per half-year", "per semester", "per week", "per 2 weeks", "per 2 years",
"per day"). The unit gives the base window (a year is ``FREQ=MONTHLY;INTERVAL=12`` from
1 January). When N divides the base window into whole months, N windows of equal length
are made (twice a year → two half-years); otherwise each window expects N occurrences.

Decisions, documented here because they are policy:
* no number ("定期开展", "regularly") → the default unit (``WORKPLAN_PROGRESS
  ["default_frequency_unit"]``, quarterly) once per window, marked ``assumed``;
* "per day" duties are checked weekly and "per 2 years" yearly: a plan covers one year,
  and nobody marks 365 occurrences;
* windows are aligned to the calendar (quarters are Jan–Mar …) and clipped to the item's
  own start and due dates; windows wholly outside them are dropped.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from dateutil.rrule import rrulestr

# unit → (RFC 5545 FREQ, INTERVAL, months in the base window or 0 for week-based)
UNIT_RULES: dict[str, tuple[str, int, int]] = {
    "per year": ("MONTHLY", 12, 12),
    "per 2 years": ("MONTHLY", 12, 12),
    "per half-year": ("MONTHLY", 6, 6),
    "per semester": ("MONTHLY", 6, 6),
    "per quarter": ("MONTHLY", 3, 3),
    "per month": ("MONTHLY", 1, 1),
    "per 2 weeks": ("WEEKLY", 2, 0),
    "per week": ("WEEKLY", 1, 0),
    "per day": ("WEEKLY", 1, 0),
}


@dataclass(frozen=True)
class ObligationSpec:
    rrule: str  # the RRULE value, without DTSTART (the window origin is the plan's year)
    per_window: int
    assumed: bool
    description: str


def obligation_spec(*, value: float | None, unit: str, default_unit: str = "per quarter") -> ObligationSpec:
    """The recurrence of a frequency target with ``value`` times ``unit``."""
    assumed = value is None or not unit.strip()
    key = unit.strip().lower() if not assumed else default_unit
    if key not in UNIT_RULES:
        key, assumed = default_unit, True
    freq, interval, months = UNIT_RULES[key]
    count = max(1, math.ceil(value)) if value is not None and value > 0 else 1
    per_window = count
    if count > 1 and months and months % count == 0:
        interval, per_window = months // count, 1
    rule = f"FREQ={freq};INTERVAL={interval}"
    description = f"{count}× {key}" if not assumed else f"regularly (assumed {key})"
    return ObligationSpec(rrule=rule, per_window=per_window, assumed=assumed, description=description)


def full_rule(rrule: str, *, origin: dt.date, until: dt.date) -> str:
    """The rule with its DTSTART and UNTIL, as it would appear in an iCalendar file."""
    return f"DTSTART:{origin:%Y%m%d}\nRRULE:{rrule};UNTIL={until:%Y%m%d}"


def windows(
    rrule: str, *, year: int, start: dt.date | None = None, end: dt.date | None = None
) -> list[tuple[dt.date, dt.date]]:
    """The windows of ``rrule`` in ``year``, clipped to [start, end] (the item's own dates)."""
    origin, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rule = rrulestr(full_rule(rrule, origin=origin, until=last))
    starts = [moment.date() for moment in rule]
    found: list[tuple[dt.date, dt.date]] = []
    for index, first in enumerate(starts):
        window_end = starts[index + 1] - dt.timedelta(days=1) if index + 1 < len(starts) else last
        lo, hi = max(first, start or first), min(window_end, end or window_end)
        if lo <= hi:
            found.append((lo, hi))
    return found
