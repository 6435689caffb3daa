"""Assessment periods as text: ``2019`` (year), ``2019-H1`` (half), ``2019-Q2`` (quarter),
``2019-06`` (month). A rubric scores the periods of its granularity in its plan's year."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext

from workplan.core.errors import Invalid

_CODE = re.compile(r"^(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?$")


@dataclass(frozen=True)
class AssessmentPeriod:
    """One assessable period: its code, granularity and first and last days."""

    code: str
    granularity: str
    start: dt.date
    end: dt.date


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_period(code: str) -> AssessmentPeriod:
    """The period named by ``code``; ``Invalid`` for anything else."""
    found = _CODE.match(code.strip()) if isinstance(code, str) else None
    if found is None:
        raise Invalid(
            gettext("%(code)s is not a period (write 2019, 2019-H1, 2019-Q2 or 2019-06).") % {"code": code}
        )
    year, part = int(found.group(1)), found.group(2)
    if not 1990 <= year <= 2200:
        raise Invalid(
            gettext("%(code)s is not a period (write 2019, 2019-H1, 2019-Q2 or 2019-06).") % {"code": code}
        )
    if part is None:
        return AssessmentPeriod(str(year), "year", dt.date(year, 1, 1), dt.date(year, 12, 31))
    if part[0] == "H":
        first = 1 if part == "H1" else 7
        return AssessmentPeriod(
            f"{year}-{part}", "half", dt.date(year, first, 1), _month_end(year, first + 5)
        )
    if part[0] == "Q":
        first = 3 * (int(part[1]) - 1) + 1
        return AssessmentPeriod(
            f"{year}-{part}", "quarter", dt.date(year, first, 1), _month_end(year, first + 2)
        )
    month = int(part)
    if not 1 <= month <= 12:
        raise Invalid(
            gettext("%(code)s is not a period (write 2019, 2019-H1, 2019-Q2 or 2019-06).") % {"code": code}
        )
    return AssessmentPeriod(f"{year}-{month:02d}", "month", dt.date(year, month, 1), _month_end(year, month))


def periods_of(granularity: str, year: int) -> list[str]:
    """The codes of every period of ``granularity`` in ``year``."""
    if granularity == "year":
        return [str(year)]
    if granularity == "half":
        return [f"{year}-H1", f"{year}-H2"]
    if granularity == "quarter":
        return [f"{year}-Q{n}" for n in range(1, 5)]
    return [f"{year}-{n:02d}" for n in range(1, 13)]
