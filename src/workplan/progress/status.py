"""Derived status and the escalation ladder (三色督办): every supervision rule, in one module.

An item's (or one unit's) **status** is derived, never typed in, from: its time window
(start date, else 1 January of the plan's year; due date, else 31 December), today, the
newest reported percent that was not returned, whether the newest report was returned,
and whether the planner closed the item:

1. **done** — the planner completed it (办结).
2. **overdue** — today is after the due date and it is not done (carried-over items too:
   they were not finished in their year).
3. **not started** — nothing reported yet, and less than ``not_started_grace_share`` of the
   time has elapsed (afterwards silence counts as *at risk*).
4. **at risk** — the reported percent lags the elapsed share of time by more than
   ``lag_tolerance_points``, or the newest report was returned, or the unit itself said
   "at risk"/"behind".
5. **on track** — otherwise.

An item with several responsible units takes the slowest unit's percent.

The **ladder** raises one warning per unit track and level, the highest that applies:
by default *blue* once 30 % of the time is left and the unit lags, *yellow* at 15 %, *red*
once overdue. Each step says whom it notifies: ``unit`` (the unit's reporters),
``unit_leaders`` (the nearest leaders over the unit), ``plan_leaders`` (the leaders over the
plan's owner unit).

Everything is configurable with ``settings.WORKPLAN_PROGRESS`` (a dict whose keys override
:data:`DEFAULTS`); the same dict holds the evidence limits and the default rule for
frequency targets with no number (see ``progress.recurrence``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db.models import (
    CharField,
    F,
    Func,
    IntegerField,
    Q,
    Value,
)
from django.db.models.functions import Coalesce, Least
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

DEFAULTS: dict[str, Any] = {
    # With nothing reported, an item is "not started" until this share of its time is gone.
    "not_started_grace_share": 0.25,
    # How many percentage points a unit may trail the elapsed share of time before it lags.
    "lag_tolerance_points": 15,
    # The escalation ladder, mildest first. "when" is "lagging" (time left <= share and the
    # unit lags) or "overdue" (past the due date and not done).
    "ladder": [
        {"level": "blue", "when": "lagging", "time_left_share": 0.30, "notify": ["unit"]},
        {"level": "yellow", "when": "lagging", "time_left_share": 0.15, "notify": ["unit", "unit_leaders"]},
        {
            "level": "red",
            "when": "overdue",
            "time_left_share": 0.0,
            "notify": ["unit", "unit_leaders", "plan_leaders"],
        },
    ],
    # Evidence files: the largest accepted size and the accepted kinds (checked by content).
    "max_evidence_bytes": 10 * 1024 * 1024,
    "evidence_kinds": ["pdf", "docx", "xlsx", "jpg", "png", "txt"],
    # A frequency target with no number ("定期", "regularly") becomes occurrences of this unit.
    "default_frequency_unit": "per quarter",
}

AUDIENCES = frozenset({"unit", "unit_leaders", "plan_leaders"})


class Status(StrEnum):
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"
    DONE = "done"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


# The one vocabulary every page, the API's labels and the filters use (translated).
STATUS_LABELS = {
    Status.NOT_STARTED: _("Not started"),
    Status.ON_TRACK: _("On track"),
    Status.AT_RISK: _("At risk"),
    Status.OVERDUE: _("Overdue"),
    Status.DONE: _("Done"),
}


@dataclass(frozen=True)
class LadderStep:
    level: str
    when: str
    time_left_share: float
    notify: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    not_started_grace_share: float
    lag_tolerance_points: float
    ladder: tuple[LadderStep, ...]
    max_evidence_bytes: int
    evidence_kinds: frozenset[str]
    default_frequency_unit: str


def rules() -> Rules:
    """The rules in force: :data:`DEFAULTS` overridden by ``settings.WORKPLAN_PROGRESS``."""
    merged = {**DEFAULTS, **getattr(settings, "WORKPLAN_PROGRESS", {})}
    ladder = []
    for step in merged["ladder"]:
        notify = tuple(step.get("notify", ["unit"]))
        if step["when"] not in {"lagging", "overdue"} or not set(notify) <= AUDIENCES:
            raise ValueError(f"WORKPLAN_PROGRESS ladder step {step!r} is not valid")
        ladder.append(
            LadderStep(
                level=step["level"],
                when=step["when"],
                time_left_share=float(step.get("time_left_share", 0.0)),
                notify=notify,
            )
        )
    return Rules(
        not_started_grace_share=float(merged["not_started_grace_share"]),
        lag_tolerance_points=float(merged["lag_tolerance_points"]),
        ladder=tuple(ladder),
        max_evidence_bytes=int(merged["max_evidence_bytes"]),
        evidence_kinds=frozenset(merged["evidence_kinds"]),
        default_frequency_unit=str(merged["default_frequency_unit"]),
    )


@dataclass(frozen=True)
class Facts:
    """What the rules look at, for one item or one unit's track on it."""

    start: dt.date
    due: dt.date
    today: dt.date
    percent: int | None = None  # newest reported percent that was not returned; None: none yet
    returned: bool = False  # the newest report was returned
    self_flagged: bool = False  # the unit said "at risk" or "behind"
    done: bool = False  # completed by the planner

    @property
    def elapsed_share(self) -> float:
        """The share of the window gone by the end of today: 0 before the start, 1 from the due date."""
        total = (self.due - self.start).days + 1
        elapsed = (self.today - self.start).days + 1
        return min(1.0, max(0.0, elapsed / total)) if total > 0 else 1.0

    @property
    def time_left_share(self) -> float:
        return 1.0 - self.elapsed_share

    @property
    def expected_percent(self) -> float:
        return round(self.elapsed_share * 100, 1)

    @property
    def overdue(self) -> bool:
        return self.today > self.due and not self.done


def window(*, start: dt.date | None, due: dt.date | None, year: int) -> tuple[dt.date, dt.date]:
    """An item's time window: its own dates, else the plan's calendar year."""
    first = start or dt.date(year, 1, 1)
    last = due or dt.date(year, 12, 31)
    return (min(first, last), last)


def lagging(facts: Facts, rules_: Rules | None = None) -> bool:
    """True when the reported percent trails the elapsed share of time beyond the tolerance."""
    r = rules_ or rules()
    return (facts.percent or 0) < facts.elapsed_share * 100 - r.lag_tolerance_points


def derive(facts: Facts, rules_: Rules | None = None) -> Status:
    """The status of an item or track, by the numbered rules of this module's docstring."""
    r = rules_ or rules()
    if facts.done:
        return Status.DONE
    if facts.overdue:
        return Status.OVERDUE
    if facts.percent is None and not facts.returned:
        if facts.elapsed_share < r.not_started_grace_share:
            return Status.NOT_STARTED
        return Status.AT_RISK
    if facts.returned or facts.self_flagged or lagging(facts, r):
        return Status.AT_RISK
    return Status.ON_TRACK


@dataclass(frozen=True)
class Warning:
    """The ladder step that applies now, and why (the reason is stored with the warning)."""

    step: LadderStep
    reason: str


def escalation(facts: Facts, rules_: Rules | None = None) -> Warning | None:
    """The highest ladder step that applies to a track now, or None."""
    r = rules_ or rules()
    if facts.done:
        return None
    percent = facts.percent or 0
    for step in reversed(r.ladder):
        if step.when == "overdue" and facts.overdue:
            days = (facts.today - facts.due).days
            reason = gettext("overdue by %(days)d day(s) since %(due)s; reported %(percent)d%% complete")
            return Warning(step, reason % {"days": days, "due": facts.due.isoformat(), "percent": percent})
        if step.when == "lagging" and facts.time_left_share <= step.time_left_share and lagging(facts, r):
            reason = gettext(
                "%(left)s of the time left (due %(due)s); "
                "reported %(percent)d%% complete where %(expected).0f%% was expected"
            )
            values = {
                "left": f"{facts.time_left_share:.0%}",
                "due": facts.due.isoformat(),
                "percent": percent,
                "expected": facts.expected_percent,
            }
            return Warning(step, reason % values)
    return None


# --- The same rules as SQL expressions, for roll-ups computed in the database ---------------
#
# :func:`derive` above is the definition; :func:`status_sql` states rules 1–5 again as one SQL
# ``CASE``, step for step and in the same floating-point operations (elapsed share = clamped
# elapsed days / window days, then × 100 − tolerance), so a query classifies every row as the
# Python rules would. ``progress/tests/test_rollups.py`` checks the two agree on every branch,
# on SQLite and PostgreSQL.


class DayNumber(Func):
    """A date column as its proleptic Gregorian ordinal (``date.toordinal()``), on both databases."""

    output_field = IntegerField()
    template = "((%(expressions)s) - DATE '0001-01-01' + 1)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) - 1721424.5 AS INTEGER)", **extra
        )


def window_sql(*, start_date: str, due_date: str, year: int) -> tuple[Any, Any]:
    """:func:`window` as day-number expressions: ``(first day, last day)`` of an item's time, for
    items of plans of ``year`` (the defaults are constants: queries across years run per year)."""
    last = Coalesce(
        DayNumber(F(due_date)), Value(dt.date(year, 12, 31).toordinal()), output_field=IntegerField()
    )
    first = Coalesce(
        DayNumber(F(start_date)), Value(dt.date(year, 1, 1).toordinal()), output_field=IntegerField()
    )
    return Least(first, last), last


class StatusSQL(Func):
    """:func:`derive` as one SQL ``CASE`` (built by :func:`status_sql`).

    Its leaves (the item's dates, the percent, the flags, the "done" condition) are compiled
    once and the rules' text assembled around them: the expression tree stays a handful of
    nodes, so compiling a query costs the same whatever the rules look like.
    """

    output_field = CharField()

    def __init__(self, start_date: Any, due_date: Any, percent: Any, returned: Any, flagged: Any, done: Any,
                 *, year: int, today: dt.date, rules_: Rules) -> None:  # fmt: skip
        super().__init__(start_date, due_date, percent, returned, flagged, done)
        self.year, self.today, self.rules_ = year, today, rules_

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        names = ("start_date", "due_date", "percent", "returned", "flagged", "done")
        leaves = dict(zip(names, (compiler.compile(e) for e in self.get_source_expressions()), strict=True))
        # Placeholders now, each replaced by its compiled SQL below (params kept in text order).
        start_date, due_date, percent, returned, flagged, done = (f"\x00{n}\x00" for n in names)
        sqlite = connection.vendor == "sqlite"
        least, greatest, real = (
            ("MIN", "MAX", "REAL") if sqlite else ("LEAST", "GREATEST", "DOUBLE PRECISION")
        )

        def day(column: str) -> str:
            if sqlite:
                return f"CAST(julianday({column}) - 1721424.5 AS INTEGER)"
            return f"(({column}) - DATE '0001-01-01' + 1)"

        r, today = self.rules_, self.today.toordinal()
        last = f"COALESCE({day(due_date)}, {dt.date(self.year, 12, 31).toordinal()})"
        first = f"{least}(COALESCE({day(start_date)}, {dt.date(self.year, 1, 1).toordinal()}), {last})"
        total = f"({last} - {first} + 1)"
        elapsed = f"{least}({greatest}({today} - {first} + 1, 0), {total})"
        share = f"(CAST({elapsed} AS {real}) / CAST({total} AS {real}))"
        grace = f"CAST({float(r.not_started_grace_share)!r} AS {real})"
        expected_less_tolerance = (
            f"({share} * CAST(100.0 AS {real}) - CAST({float(r.lag_tolerance_points)!r} AS {real}))"
        )
        sql = (
            f"CASE WHEN {done} THEN '{Status.DONE.value}'"
            f" WHEN {last} < {today} THEN '{Status.OVERDUE.value}'"
            f" WHEN {percent} IS NULL AND CAST({returned} AS INTEGER) = 0 THEN"
            f" (CASE WHEN {share} < {grace} THEN '{Status.NOT_STARTED.value}' ELSE '{Status.AT_RISK.value}' END)"
            f" WHEN CAST({returned} AS INTEGER) = 1 OR CAST({flagged} AS INTEGER) = 1 THEN '{Status.AT_RISK.value}'"
            f" WHEN CAST(COALESCE({percent}, 0) AS {real}) < {expected_less_tolerance} THEN '{Status.AT_RISK.value}'"
            f" ELSE '{Status.ON_TRACK.value}' END"
        )
        parts = sql.split("\x00")
        out, params = [], []
        for n, part in enumerate(parts):
            if n % 2:
                leaf_sql, leaf_params = leaves[part]
                out.append(f"({leaf_sql})")
                params.extend(leaf_params)
            else:
                out.append(part)
        return "".join(out), tuple(params)


def status_sql(
    *,
    start_date: str,
    due_date: str,
    year: int,
    today: dt.date,
    percent: str,
    returned: str,
    self_flagged: str,
    done: Q,
    rules_: Rules | None = None,
) -> StatusSQL:
    """:func:`derive` over a row: ``percent``/``returned``/``self_flagged`` name fields or
    annotations, ``done`` is a condition, the dates are the item's (window defaults from ``year``)."""
    return StatusSQL(
        F(start_date), F(due_date), F(percent), F(returned), F(self_flagged), done,
        year=year, today=today, rules_=rules_ or rules(),
    )  # fmt: skip
