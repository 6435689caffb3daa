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
            return Warning(
                step,
                f"overdue by {days} day(s) since {facts.due.isoformat()}; reported {percent}% complete",
            )
        if step.when == "lagging" and facts.time_left_share <= step.time_left_share and lagging(facts, r):
            return Warning(
                step,
                f"{facts.time_left_share:.0%} of the time left (due {facts.due.isoformat()}); "
                f"reported {percent}% complete where {facts.expected_percent:.0f}% was expected",
            )
    return None
