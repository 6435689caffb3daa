"""Working days and reporting periods: pure date arithmetic, no database.

A day is a working day when it is a weekday, unless the holiday list says it is a holiday,
or when it is a weekend day the list marks as a make-up working day (调休上班).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)


class WorkingDays:
    """Answers "is this a working day?" from weekends and a list of special days."""

    def __init__(self, special: Mapping[dt.date, bool] | None = None) -> None:
        self.special = dict(special or {})

    def is_working(self, day: dt.date) -> bool:
        if day in self.special:
            return self.special[day]
        return day.weekday() < 5

    def on_or_after(self, day: dt.date) -> dt.date:
        """``day`` if it is a working day, else the next one (a due date on a day off moves later)."""
        while not self.is_working(day):
            day += ONE_DAY
        return day

    def add(self, day: dt.date, count: int) -> dt.date:
        """The working day ``count`` working days after (negative: before) ``day``."""
        step = ONE_DAY if count >= 0 else -ONE_DAY
        remaining = abs(count)
        while remaining:
            day += step
            if self.is_working(day):
                remaining -= 1
        return day

    def between(self, first: dt.date, last: dt.date) -> int:
        """Working days after ``first`` up to and including ``last`` (0 when last <= first)."""
        count, day = 0, first
        while day < last:
            day += ONE_DAY
            count += self.is_working(day)
        return count


@dataclass(frozen=True)
class PeriodSpec:
    index: int
    label: str
    start: dt.date
    end: dt.date
    due_date: dt.date


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _due_in_month(year: int, month: int, due_day: int) -> dt.date:
    return dt.date(year, month, min(due_day, calendar.monthrange(year, month)[1]))


def generate_periods(*, year: int, frequency: str, due_day: int, days: WorkingDays) -> list[PeriodSpec]:
    """The reporting periods of ``year``.

    Monthly and quarterly reports are due on ``due_day`` of the period's last month;
    fortnightly periods run 14 days from 1 January (the last one takes the year's remaining
    days) and are due on their last day. A due date on a day off moves to the next working day.
    """
    specs: list[PeriodSpec] = []
    if frequency in {"monthly", "quarterly"}:
        step = 1 if frequency == "monthly" else 3
        for index, first_month in enumerate(range(1, 13, step), start=1):
            last_month = first_month + step - 1
            label = f"{year}-{first_month:02d}" if step == 1 else f"{year}Q{index}"
            due = days.on_or_after(_due_in_month(year, last_month, due_day))
            specs.append(
                PeriodSpec(index, label, dt.date(year, first_month, 1), _month_end(year, last_month), due)
            )
        return specs
    if frequency == "fortnightly":
        start, end_of_year, index = dt.date(year, 1, 1), dt.date(year, 12, 31), 1
        while start <= end_of_year:
            end = start + dt.timedelta(days=13)
            if (end_of_year - end).days < 14:
                end = end_of_year
            specs.append(PeriodSpec(index, f"{year}-F{index:02d}", start, end, days.on_or_after(end)))
            start, index = end + ONE_DAY, index + 1
        return specs
    raise ValueError(f"unknown reporting frequency {frequency!r}")
