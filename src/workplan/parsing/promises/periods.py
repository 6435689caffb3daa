"""The plan's period: its year, or a school or fiscal year that runs across two calendar years.

A date without a year ("6月底前", "by March 31") is resolved against the period. Most plans
run with the calendar year; a 2024—2025学年 teaching plan runs September to August, a UK
2024/25 service plan April to March, a US "FY2025" plan October to September unless the
document says otherwise ("the City's fiscal year runs July 1 – June 30").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_NAME = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"

_SCHOOL_YEAR = re.compile(
    r"((?:19|20)\d{2})\s*(?:[-—–~～至/]\s*((?:19|20)?\d{2}))?\s*学年|"
    r"((?:19|20)\d{2})\s*[-–/]\s*((?:19|20)?\d{2})\s+(?:school|academic)\s+year|"
    r"(?:school|academic)\s+year\s+((?:19|20)\d{2})\s*[-–/]\s*((?:19|20)?\d{2})",
    re.IGNORECASE,
)
_FISCAL_YEAR = re.compile(r"\b(?:FY\s?|[Ff]iscal\s+[Yy]ear\s+)((?:19|20)?\d{2})\b")
_SPLIT_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[/–-]\s*(\d{2})(?!\d)")
_YEAR_RANGE = re.compile(r"((?:19|20)\d{2})\s*(?:-|–|—|~|～|至|到)\s*((?:19|20)\d{2})")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_FISCAL_START = re.compile(
    rf"(?:fiscal|financial|budget)\s+year[^.;]{{0,40}}?\b(?:from\s+)?(?:the\s+)?(?:1(?:st)?\s+(?:of\s+)?)?"
    rf"(?P<month>{_MONTH_NAME})\b(?:\s+1(?:st)?)?,?\s*(?:–|—|-|to|through|thru|until)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Period:
    """``year``: the plan's (first) year; ``span``: (first, last) years it covers;
    ``start_month``: the month its year begins (1, or 9 for a school year, 4/7/10 for a
    fiscal year); ``fiscal``: quarters count from ``start_month``."""

    year: int | None
    span: tuple[int, int] | None = None
    start_month: int = 1
    fiscal: bool = False


def _full_year(first: int, second: str) -> int:
    value = int(second)
    return value if value >= 100 else first // 100 * 100 + value


def fiscal_start_month(text: str) -> int | None:
    """The month a fiscal year starts in, when the document says ("runs July 1 – June 30")."""
    match = _FISCAL_START.search(text[:200_000])
    return _MONTHS[match.group("month")[:3].lower()] if match else None


def title_names_year(title: str) -> bool:
    """True when the title settles the plan's year (a year, a school or fiscal year)."""
    return any(
        pattern.search(title) for pattern in (_SCHOOL_YEAR, _FISCAL_YEAR, _SPLIT_YEAR, _YEAR_RANGE, _YEAR)
    )


def plan_period(
    title: str, text: str, year_counts: Counter[int] | Callable[[], Counter[int]], year: int | None = None
) -> Period:
    """The plan's period, from ``year`` if given, else its title, else its most frequent year.

    ``year_counts`` may be a function that counts them: it is called only when the title
    does not settle the period (counting the years of a long plan is not free)."""
    school = _SCHOOL_YEAR.search(title)
    if school:
        groups = [g for g in school.groups() if g]
        first = int(groups[0])
        last = _full_year(first, groups[1]) if len(groups) > 1 else first + 1
        return Period(year or first, (first, last), 9)
    fiscal = _FISCAL_YEAR.search(title)
    if fiscal:
        end = _full_year(2000, fiscal.group(1)) if len(fiscal.group(1)) == 2 else int(fiscal.group(1))
        start = fiscal_start_month(text) or 10
        first = end - 1 if start > 1 else end
        return Period(year or first, (first, end), start, fiscal=True)
    split = _SPLIT_YEAR.search(title)
    if split and _full_year(int(split.group(1)), split.group(2)) == int(split.group(1)) + 1:
        first = int(split.group(1))
        start = fiscal_start_month(text) or 4
        return Period(year or first, (first, first + 1), start, fiscal=True)
    span: tuple[int, int] | None = None
    ranged = _YEAR_RANGE.search(title)
    if ranged:
        first, last = int(ranged.group(1)), int(ranged.group(2))
        if first < last <= first + 10:
            span = (first, last)
    if year is not None:
        return Period(year, span)
    in_title = _YEAR.findall(title)
    if not span and in_title:
        return Period(int(in_title[0]))
    if callable(year_counts):
        year_counts = year_counts()
    if span:
        inside = {y: n for y, n in year_counts.items() if span[0] <= y <= span[1]}
        return Period(max(inside, key=lambda y: (inside[y], y)) if inside else span[0], span)
    if year_counts:
        return Period(max(year_counts, key=lambda y: (year_counts[y], y)))
    return Period(None)
