"""The scoring engine: every criterion of a rubric computed for every subject at once.

The rows behind the criteria (tracks, reports, warnings, returns, occurrences) are each
read with one query per run, whatever the number of units or items (``assessment.rows``),
and shared by the criteria that need them. Each criterion adds up its figures per unit in
the same single pass that keeps the ids of the rows behind them (stored in the result, so
the breakdown page can say where every point came from even after the data changed). No
query runs per unit, and nothing loops over a unit's items on its own.

The rules, per criterion (``W`` is its weight; a share of nothing due gives full points):

* **completion** — ``W × Σ weight of the unit's items completed (办结) or on track at the
  as-of date ÷ Σ weight of its items``. On track: the newest report up to then (not a
  draft) is submitted or accepted, says "on track" or "done", and the item is not past due.
* **timeliness** — ``W × (reports submitted by their due date + tasks acknowledged within
  ack_days days) ÷ (reports due in the period + tasks assigned in it)``. A report is due for
  each period whose due date falls in the window, while the unit's track was open.
* **obligations** — ``W × occurrences met ÷ occurrences due`` (window ending in the period).
* **integrity** — ``W × (1 − broken ÷ commitments)``, see ``assessment.integrity``.
* **indicator** — ``W × mean attainment`` of the unit's indicator targets (capped at 100 %),
  from ``assessment.indicators``.
* **manual** — the assessor's points (rejected ones do not count; with ``review`` set, only
  confirmed ones do).
* **deduction** — ``−min(W, Σ points per warning level + points per returned report)``.
* **bonus** — ``min(W, Σ bonus points)``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Sum

from workplan.assessment import indicators, rows
from workplan.assessment.models import Bonus, Criterion, CriterionKind, ManualScore, ReviewState, Rubric
from workplan.assessment.rows import Window

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def unit_key(unit_id: int) -> str:
    return f"unit:{unit_id}"


@dataclass
class Outcome:
    """One criterion for one subject: points, the figures they came from, the rows behind them.

    ``sources`` maps a kind of row (``items``, ``reports``, ``warnings`` …) to a list of
    ``[id, item_id, flag]`` (flag: counted, level, …), as stored in ``Result.detail``.
    """

    points: Decimal = ZERO
    figures: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"points": str(self.points), "figures": self.figures, "sources": self.sources}


Outcomes = dict[str, Outcome]


def _share_points(weight: Decimal, met: Any, due: Any) -> Decimal:
    if not due:
        return quantize(weight)
    return quantize(weight * Decimal(str(met)) / Decimal(str(due)))


def _group_sources(rows: Iterable[tuple[Any, ...]], kind: str, outcomes: Outcomes) -> None:
    """Rows ``(unit_id, id, item_id, flag)`` appended to each unit's ``sources[kind]``."""
    for unit_id, *rest in rows:
        outcome = outcomes.get(unit_key(unit_id))
        if outcome is not None:
            outcome.sources.setdefault(kind, []).append([_plain(v) for v in rest])


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral() else str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


# --- computed criteria (each a pass over rows read once per run) -----------------------------


def _by_unit(outcomes: Outcomes) -> dict[int, Outcome]:
    """The outcomes by unit id (rows carry ids; one lookup per row, no string per row)."""
    return {int(key[5:]): outcome for key, outcome in outcomes.items() if key.startswith("unit:")}


def _completion(window: Window, criterion: Criterion, outcomes: Outcomes) -> None:
    index = _by_unit(outcomes)
    totals: dict[int, list[Any]] = defaultdict(lambda: [ZERO, ZERO, 0])
    plain: dict[Any, Any] = {}  # item weights repeat: render each once
    for row in rows.track_rows(window):
        outcome = index.get(row.unit_id)
        if outcome is None:
            continue
        figures = totals[row.unit_id]
        figures[0] += row.weight
        figures[1] += row.weight if row.verdict != "behind" else ZERO
        figures[2] += 1
        weight = plain.get(row.weight)
        if weight is None:
            weight = plain[row.weight] = _plain(row.weight)
        outcome.sources.setdefault("items", []).append([row.item_id, weight, row.verdict])
    for unit_id, (total, met, count) in totals.items():
        outcome = index[unit_id]
        outcome.points = _share_points(criterion.weight, met, total)
        outcome.figures = {"tasks": count, "weight_met": _plain(met), "weight_total": _plain(total)}


def _timeliness(window: Window, criterion: Criterion, outcomes: Outcomes) -> None:
    index = _by_unit(outcomes)
    days = int(criterion.params.get("ack_days", 3))
    figures: dict[int, dict[str, int]] = defaultdict(
        lambda: {"reports_due": 0, "reports_on_time": 0, "acknowledgements_due": 0, "acknowledged_in_time": 0}
    )
    for row in rows.track_rows(window):
        outcome = index.get(row.unit_id)
        if outcome is None:
            continue
        mine = figures[row.unit_id]
        mine["reports_due"] += row.reports_due
        if row.assigned_at >= window.since:
            acked = (
                row.acknowledged_at is not None
                and row.acknowledged_at < window.until
                and row.acknowledged_at <= row.assigned_at + dt.timedelta(days=days)
            )
            mine["acknowledgements_due"] += 1
            mine["acknowledged_in_time"] += int(acked)
            outcome.sources.setdefault("acknowledgements", []).append([row.track_id, row.item_id, int(acked)])
    for unit_id, reports in rows.reports_by_unit(window).items():
        outcome = index.get(unit_id)
        if outcome is not None:
            figures[unit_id]["reports_on_time"] += len(reports.on_time)
            outcome.sources["reports"] = {"on_time": reports.on_time, "late": reports.late}
    for unit_id, mine in figures.items():
        outcome = index[unit_id]
        met = mine["reports_on_time"] + mine["acknowledged_in_time"]
        due = mine["reports_due"] + mine["acknowledgements_due"]
        outcome.points = _share_points(criterion.weight, met, due)
        outcome.figures = {**mine, "ack_days": days}


def _obligations(window: Window, criterion: Criterion, outcomes: Outcomes) -> None:
    index = _by_unit(outcomes)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for unit_id, occurrence_id, item_id, met in rows.occurrence_rows(window):
        outcome = index.get(unit_id)
        if outcome is not None:
            counts[unit_id][0] += 1
            counts[unit_id][1] += met
            outcome.sources.setdefault("occurrences", []).append([occurrence_id, item_id, met])
    for unit_id, (due, met) in counts.items():
        outcome = index[unit_id]
        outcome.points = _share_points(criterion.weight, met, due)
        outcome.figures = {"occurrences_due": due, "occurrences_met": met}


def _deduction(window: Window, criterion: Criterion, outcomes: Outcomes) -> None:
    index = _by_unit(outcomes)
    per_level = {level: Decimal(str(criterion.params.get(level, 0))) for level in ("blue", "yellow", "red")}
    per_return = Decimal(str(criterion.params.get("returned", 0)))
    raw: dict[int, Decimal] = defaultdict(Decimal)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for unit_id, warning_id, item_id, level in rows.warning_rows(window):
        outcome = index.get(unit_id)
        if outcome is not None:
            raw[unit_id] += per_level.get(level, ZERO)
            counts[unit_id][level] += 1
            outcome.sources.setdefault("warnings", []).append([warning_id, item_id, level])
    for unit_id, event_id, item_id, report_id in rows.return_rows(window):
        outcome = index.get(unit_id)
        if outcome is not None:
            raw[unit_id] += per_return
            counts[unit_id]["returned"] += 1
            outcome.sources.setdefault("returns", []).append([event_id, item_id, report_id])
    for unit_id, amount in raw.items():
        outcome = index[unit_id]
        outcome.points = -quantize(min(criterion.weight, amount))
        outcome.figures = {**counts[unit_id], "uncapped": _plain(quantize(amount))}


def _manual(window: Window, criterion: Criterion, outcomes: Outcomes) -> None:
    counted = (
        [ReviewState.CONFIRMED]
        if criterion.params.get("review")
        else [ReviewState.CONFIRMED, ReviewState.PENDING]
    )
    rows = ManualScore.objects.filter(criterion_id=criterion.pk, period=window.period.code).values_list(
        "subject_key", "id", "points", "review_state", "reason"
    )
    for key, score_id, points, state, reason in rows:
        outcome = outcomes.get(key)
        if outcome is None:
            continue
        if state in counted:
            outcome.points = quantize(points)
        outcome.figures = {"entered": _plain(points), "review": state, "reason": reason}
        outcome.sources["manual_scores"] = [[score_id, None, state]]


def _bonus(window: Window, criterion: Criterion, outcomes: Outcomes) -> None:
    rows = Bonus.objects.filter(criterion_id=criterion.pk, period=window.period.code)
    for row in rows.values("subject_key").annotate(total=Sum("points"), n=Count("id")):
        outcome = outcomes.get(row["subject_key"])
        if outcome is not None:
            outcome.points = quantize(min(criterion.weight, row["total"]))
            outcome.figures = {"entered": _plain(row["total"]), "count": row["n"]}
    for key, bonus_id, points in rows.order_by("subject_key", "id").values_list(
        "subject_key", "id", "points"
    ):
        outcome = outcomes.get(key)
        if outcome is not None:
            outcome.sources.setdefault("bonuses", []).append([bonus_id, None, _plain(points)])


def _indicator(window: Window, criterion: Criterion, outcomes: Outcomes) -> None:
    codes = [c for c in str(criterion.params.get("indicators", "")).split(",") if c.strip()]
    found = indicators.attainments(window.plan, [c.strip() for c in codes], window.period.start, window.as_of)
    for key, outcome in outcomes.items():
        rows = found.get(key, [])
        if not rows:
            outcome.figures = {"indicators": 0}
            continue
        mean = sum((min(Decimal("1"), r.share) for r in rows), ZERO) / len(rows)
        outcome.points = quantize(criterion.weight * mean)
        outcome.figures = {"indicators": len(rows), "mean_attainment": _plain(quantize(mean * 100))}
        outcome.sources["indicators"] = [[r.ref, None, _plain(quantize(r.share * 100))] for r in rows]


def _integrity(window: Window, criterion: Criterion, outcomes: Outcomes) -> None:
    from workplan.assessment.integrity import integrity_by_unit

    for unit_id, figures in integrity_by_unit(window).items():
        outcome = outcomes.get(unit_key(unit_id))
        if outcome is None:
            continue
        commitments = figures.commitments
        broken = min(figures.broken, commitments) if commitments else 0
        outcome.points = _share_points(criterion.weight, commitments - broken, commitments)
        outcome.figures = figures.as_json()
        outcome.sources = figures.sources


COMPUTE: dict[str, Callable[[Window, Criterion, Outcomes], None]] = {
    CriterionKind.COMPLETION: _completion,
    CriterionKind.TIMELINESS: _timeliness,
    CriterionKind.OBLIGATIONS: _obligations,
    CriterionKind.DEDUCTION: _deduction,
    CriterionKind.MANUAL: _manual,
    CriterionKind.BONUS: _bonus,
    CriterionKind.INDICATOR: _indicator,
    CriterionKind.INTEGRITY: _integrity,
}


# Criteria that give a share of their weight; with nothing due a subject gets all of it.
SHARE_KINDS = frozenset(
    {
        CriterionKind.COMPLETION,
        CriterionKind.TIMELINESS,
        CriterionKind.OBLIGATIONS,
        CriterionKind.INTEGRITY,
        CriterionKind.INDICATOR,
    }
)


@dataclass
class Scored:
    """One subject's computed scores, before ranking."""

    key: str
    label: str
    unit_id: int | None
    outcomes: dict[str, Outcome]

    @property
    def total(self) -> Decimal:
        return sum((o.points for o in self.outcomes.values()), ZERO)


def entity_key(record_id: int) -> str:
    return f"entity:{record_id}"


def _field(window: Window, criterion: Criterion, outcomes: Outcomes) -> None:
    """A ledger entity's numeric field against the target: W × min(1, value ÷ target)."""
    key, target = str(criterion.params.get("field", "")), Decimal(str(criterion.params.get("target", 1)))
    for entity in rows.ledger_entities(window, window.memo.get("ledger", "")):
        outcome = outcomes.get(entity_key(entity.record_id))
        if outcome is None:
            continue
        raw = entity.values.get(key)
        value = Decimal(str(raw)) if isinstance(raw, int | float) and not isinstance(raw, bool) else ZERO
        outcome.points = quantize(criterion.weight * min(Decimal("1"), max(ZERO, value) / target))
        outcome.figures = {"field": key, "value": _plain(value), "target": _plain(target)}
        outcome.sources["entities"] = [[entity.record_id, None, _plain(value)]]


COMPUTE[CriterionKind.FIELD] = _field


def _subjects(rubric: Rubric, window: Window) -> list[Scored]:
    if rubric.subject == "ledger":
        window.memo["ledger"] = rubric.ledger
        return [
            Scored(entity_key(e.record_id), e.label, e.unit_id, {})
            for e in rows.ledger_entities(window, rubric.ledger)
        ]
    return [Scored(unit_key(uid), name, uid, {}) for uid, name in rows.subject_units(window)]


def score_subjects(rubric: Rubric, criteria: list[Criterion], window: Window) -> list[Scored]:
    """Every criterion for every subject of ``rubric`` (a few queries per criterion)."""
    subjects = _subjects(rubric, window)
    for criterion in criteria:
        outcomes = {s.key: Outcome() for s in subjects}
        if criterion.kind in SHARE_KINDS:
            # A share with nothing due gives full points until a query says otherwise.
            for outcome in outcomes.values():
                outcome.points = quantize(criterion.weight)
        COMPUTE[criterion.kind](window, criterion, outcomes)
        for subject in subjects:
            subject.outcomes[criterion.code] = outcomes[subject.key]
    return subjects


def rank(totals: list[Decimal]) -> list[tuple[int, bool]]:
    """Competition ranks ("1224") of ``totals`` (already sorted best first) and tie flags."""
    ranks: list[tuple[int, bool]] = []
    for index, total in enumerate(totals):
        position = index + 1 if index == 0 or totals[index - 1] != total else ranks[-1][0]
        tied = (index > 0 and totals[index - 1] == total) or (
            index + 1 < len(totals) and totals[index + 1] == total
        )
        ranks.append((position, tied))
    return ranks


def band_for(position: int, count: int, bands: list[dict[str, Any]]) -> str:
    """The first band whose top share of ``count`` subjects includes rank ``position``."""
    for band in bands:
        share = Decimal(str(band.get("top_percent", 0)))
        cutoff = (Decimal(count) * share / 100).to_integral_value(rounding="ROUND_CEILING")
        if position <= cutoff:
            return str(band.get("name", ""))
    return ""
