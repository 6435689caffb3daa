"""What the extractors need to know about the whole plan to read one item's text."""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Protocol, TypeVar

_QUOTES = re.compile(r"[“\"「『《]([^”\"」』》\n]{0,80})[”\"」』》]")


@dataclass(frozen=True, slots=True)
class PlanContext:
    """The plan's year, its period ("2016–2018") and date of issue, used to resolve dates.

    ``year`` is the year the plan is for; ``period`` is (first, last) year when the title
    names a range or a school/fiscal year; ``issued`` is the date of the document (its
    signature date or 发文日期), the anchor for "within 30 days of issue".
    """

    year: int | None = None
    period: tuple[int, int] | None = None
    issued: dt.date | None = None
    first_named_leads: bool = False  # the document says "列第一位者为牵头单位"
    start_month: int = 1  # 9 for a school year, 4/7/10 for a fiscal year
    fiscal: bool = False  # quarters count from start_month

    def year_of_month(self, month: int | None) -> int | None:
        """The calendar year a month falls in: in a 2024—2025 school year, 1月 is 2025."""
        if month and self.start_month > 1 and self.period:
            return self.period[0] if month >= self.start_month else self.period[1]
        return self.year

    def fiscal_quarter_end(self, quarter: int, fiscal_year: int | None = None) -> tuple[int, int]:
        """(year, month) a fiscal quarter ends in; ``fiscal_year`` is named by its last year."""
        start_month = self.start_month if self.fiscal else 10
        if fiscal_year is not None:
            first_year = fiscal_year - 1 if start_month > 1 else fiscal_year
        elif self.period:
            first_year = self.period[0]
        else:
            first_year = self.year or 0
        index = start_month - 1 + 3 * quarter - 1
        return first_year + index // 12, index % 12 + 1


def quoted_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Quoted stretches ("five firsts", “三个代表”): slogans, whose numbers promise nothing."""
    return [(m.start(), m.end()) for m in _QUOTES.finditer(text, start, end)]


def inside(position: int, spans: list[tuple[int, int]]) -> bool:
    """True if ``position`` falls inside one of ``spans`` (few spans: a linear scan is fine)."""
    return any(a <= position < b for a, b in spans)


class _Interval(Protocol):
    start: int
    end: int


_I = TypeVar("_I", bound=_Interval)


def keep_disjoint(ordered: list[_I]) -> list[_I]:
    """The candidates of ``ordered`` (best first) that overlap none kept before them, in text
    order. Linear for few candidates; a sorted index for many keeps a long paragraph with
    hundreds of numbers from a quadratic scan."""
    kept: list[_I] = []
    if len(ordered) <= 12:
        for cand in ordered:
            if all(cand.end <= k.start or cand.start >= k.end for k in kept):
                kept.append(cand)
    else:
        # Kept intervals never overlap, so sorted by (start, end) their ends never decrease:
        # of those starting before a candidate ends, the last reaches furthest.
        spans: list[tuple[int, int]] = []
        starts: list[int] = []
        for cand in ordered:
            before = bisect_left(starts, cand.end)
            if before and spans[before - 1][1] > cand.start:
                continue
            kept.append(cand)
            at = bisect_left(spans, (cand.start, cand.end))
            spans.insert(at, (cand.start, cand.end))
            starts.insert(at, cand.start)
    kept.sort(key=_start)
    return kept


def _start(item: _Interval) -> int:
    return item.start
