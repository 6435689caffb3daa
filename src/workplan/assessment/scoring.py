"""The scoring engine: every criterion of a rubric computed for every subject at once.

Each criterion is a handful of aggregate queries grouped by unit (``GROUP BY unit_id``),
whatever the number of units or items, plus one query listing the rows behind the figures
(their ids are stored in the result, so the breakdown page can say where every point came
from even after the data changed). No query runs per unit.

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

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from workplan.assessment import indicators
from workplan.assessment.models import Bonus, Criterion, CriterionKind, ManualScore, ReviewState, Rubric
from workplan.assessment.periods import AssessmentPeriod
from workplan.plans.models import ItemStatus, Plan
from workplan.progress.models import (
    Escalation,
    EventKind,
    ItemEvent,
    Occurrence,
    Period,
    ProgressReport,
    ReportStatus,
    SelfStatus,
    Track,
    TrackState,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def unit_key(unit_id: int) -> str:
    return f"unit:{unit_id}"


@dataclass(frozen=True)
class Window:
    """What a run looks at: the period's days up to ``as_of``, and the same as datetimes."""

    plan: Plan
    period: AssessmentPeriod
    as_of: dt.date

    @property
    def since(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.period.start, dt.time.min))

    @property
    def until(self) -> dt.datetime:
        """The first moment after the as-of day (comparisons are ``< until``)."""
        return timezone.make_aware(dt.datetime.combine(self.as_of + dt.timedelta(days=1), dt.time.min))


@dataclass
class Outcome:
    """One criterion for one subject: points, the figures they came from, the rows behind them.

    ``sources`` maps a kind of row (``items``, ``reports``, ``warnings`` …) to a list of
    ``[id, item_id, flag]`` (flag: counted, level, …), as stored in ``Result.detail``.
    """

    points: Decimal = ZERO
    figures: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, list[list[Any]]] = field(default_factory=dict)

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
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


# --- the subjects -------------------------------------------------------------------------------


def open_tracks(window: Window) -> QuerySet[Track]:
    """The units' tracks on the plan's active items assigned by the as-of date (reassigned
    tracks left the unit and do not count)."""
    return (
        Track.objects.filter(
            item__plan_id=window.plan.pk, item__status=ItemStatus.ACTIVE, assigned_at__lt=window.until
        )
        .exclude(state=TrackState.REASSIGNED)
        .order_by()
    )


def subject_units(window: Window) -> list[tuple[int, str]]:
    """(unit id, name) of every unit with work on the plan, by name (one query)."""
    from workplan.accounts.models import Unit

    ids = open_tracks(window).values("unit_id")
    return list(Unit.objects.filter(pk__in=ids).order_by("name").values_list("id", "name"))


# --- computed criteria --------------------------------------------------------------------------


def _completion(window: Window, criterion: Criterion, outcomes: Outcomes) -> None:
    latest = (
        ProgressReport.objects.filter(track_id=OuterRef("pk"), period__end__lte=window.as_of)
        .exclude(status=ReportStatus.DRAFT)
        .order_by("-period__end", "-id")
    )
    done = Q(state=TrackState.COMPLETED, closed_at__lt=window.until)
    on_track = Q(
        latest_status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED],
        latest_self__in=[SelfStatus.ON_TRACK, SelfStatus.DONE],
    ) & (Q(item__due_date__isnull=True) | Q(item__due_date__gt=window.as_of))
    rows = open_tracks(window).annotate(
        latest_status=Subquery(latest.values("status")[:1]),
        latest_self=Subquery(latest.values("self_status")[:1]),
        verdict=Case(
            When(done, then=Value("done")),
            When(on_track, then=Value("on_track")),
            default=Value("behind"),
            output_field=CharField(),
        ),
    )
    money: Any = DecimalField(max_digits=14, decimal_places=2)
    sums = rows.values("unit_id").annotate(
        total=Sum("item__weight", output_field=money),
        met=Coalesce(
            Sum(Case(When(done | on_track, then=F("item__weight")), default=Value(ZERO), output_field=money)),
            Value(ZERO),
            output_field=money,
        ),
        items=Count("id"),
    )
    weight = criterion.weight
    for row in sums:
        outcome = outcomes.get(unit_key(row["unit_id"]))
        if outcome is not None:
            outcome.points = _share_points(weight, row["met"], row["total"])
            outcome.figures = {
                "tasks": row["items"],
                "weight_met": _plain(row["met"]),
                "weight_total": _plain(row["total"]),
            }
    _group_sources(
        rows.values_list("unit_id", "item_id", "item__weight", "verdict").order_by("unit_id", "item_id"),
        "items",
        outcomes,
    )


def _tracks_with_due_reports(window: Window) -> QuerySet[Track]:
    """Open tracks annotated with ``reports_due``: periods due in the window while the track
    was open (assigned by the period's end, not closed before it began)."""
    due_periods = (
        Period.objects.filter(
            plan_id=window.plan.pk,
            due_date__gte=window.period.start,
            due_date__lte=window.as_of,
            end__gte=OuterRef("assigned_on"),
            start__lt=OuterRef("closed_on"),
        )
        .order_by()
        .values("plan_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return open_tracks(window).annotate(
        assigned_on=TruncDate("assigned_at"),
        closed_on=Coalesce(TruncDate("closed_at"), Value(dt.date(9999, 12, 31))),
        reports_due=Coalesce(Subquery(due_periods, output_field=IntegerField()), Value(0)),
    )


def due_reports(window: Window) -> QuerySet[ProgressReport]:
    """Reports (not drafts) for periods due in the window, on open tracks."""
    return (
        ProgressReport.objects.filter(
            track__in=open_tracks(window).values("pk"),
            period__due_date__gte=window.period.start,
            period__due_date__lte=window.as_of,
        )
        .exclude(status=ReportStatus.DRAFT)
        .order_by()
    )


ON_TIME = Q(submitted_at__isnull=False, submitted_at__date__lte=F("period__due_date"))


def reports_due_by_unit(window: Window) -> dict[int, int]:
    """Reports due per unit (one query)."""
    rows = _tracks_with_due_reports(window).values("unit_id").annotate(n=Sum("reports_due"))
    return {row["unit_id"]: int(row["n"] or 0) for row in rows}


def on_time_by_unit(window: Window) -> dict[int, int]:
    """Reports submitted by their due date per unit (one query)."""
    rows = due_reports(window).values("unit_id").annotate(n=Count("id", filter=ON_TIME))
    return {row["unit_id"]: row["n"] for row in rows}


def _timeliness(window: Window, criterion: Criterion, outcomes: Outcomes) -> None:
    days = int(criterion.params.get("ack_days", 3))
    tracks = _tracks_with_due_reports(window)
    assigned_here = Q(assigned_at__gte=window.since)
    acked = Q(
        acknowledged_at__isnull=False,
        acknowledged_at__lt=window.until,
        acknowledged_at__lte=F("assigned_at") + dt.timedelta(days=days),
    )
    track_sums = tracks.values("unit_id").annotate(
        reports_due=Sum("reports_due"),
        acks_due=Count("id", filter=assigned_here),
        acks_ok=Count("id", filter=assigned_here & acked),
    )
    on_time = on_time_by_unit(window)
    for row in track_sums:
        outcome = outcomes.get(unit_key(row["unit_id"]))
        if outcome is None:
            continue
        met = on_time.get(row["unit_id"], 0) + row["acks_ok"]
        due = int(row["reports_due"] or 0) + row["acks_due"]
        outcome.points = _share_points(criterion.weight, met, due)
        outcome.figures = {
            "reports_due": int(row["reports_due"] or 0),
            "reports_on_time": on_time.get(row["unit_id"], 0),
            "acknowledgements_due": row["acks_due"],
            "acknowledged_in_time": row["acks_ok"],
            "ack_days": days,
        }
    flag = Case(When(ON_TIME, then=Value(1)), default=Value(0), output_field=IntegerField())
    _group_sources(
        due_reports(window)
        .annotate(on_time=flag)
        .values_list("unit_id", "id", "item_id", "on_time")
        .order_by("unit_id", "id"),
        "reports",
        outcomes,
    )
    ack_flag = Case(When(acked, then=Value(1)), default=Value(0), output_field=IntegerField())
    _group_sources(
        tracks.filter(assigned_here)
        .annotate(acked=ack_flag)
        .values_list("unit_id", "id", "item_id", "acked")
        .order_by("unit_id", "id"),
        "acknowledgements",
        outcomes,
    )


def _occurrences(window: Window) -> QuerySet[Occurrence]:
    """Occurrences due in the window on items the unit tracks (annotated with ``unit``)."""
    return (
        Occurrence.objects.filter(
            item__plan_id=window.plan.pk,
            item__status=ItemStatus.ACTIVE,
            window_end__gte=window.period.start,
            window_end__lte=window.as_of,
            item__tracks__assigned_at__lt=window.until,
        )
        .exclude(item__tracks__state=TrackState.REASSIGNED)
        .annotate(unit=F("item__tracks__unit_id"))
        .order_by()
    )


def _obligations(window: Window, criterion: Criterion, outcomes: Outcomes) -> None:
    met = Q(met_by__isnull=False, met_at__lt=window.until)
    grouped = _occurrences(window).values("unit").annotate(due=Count("id"), met=Count("id", filter=met))  # type: ignore[misc]
    for row in grouped:
        outcome = outcomes.get(unit_key(row["unit"]))
        if outcome is not None:
            outcome.points = _share_points(criterion.weight, row["met"], row["due"])
            outcome.figures = {"occurrences_due": row["due"], "occurrences_met": row["met"]}
    flag = Case(When(met, then=Value(1)), default=Value(0), output_field=IntegerField())
    _group_sources(
        _occurrences(window)
        .annotate(was_met=flag)
        .values_list("unit", "id", "item_id", "was_met")
        .order_by("unit", "id"),
        "occurrences",
        outcomes,
    )


def warnings_in(window: Window) -> QuerySet[Escalation]:
    return Escalation.objects.filter(
        item__plan_id=window.plan.pk, raised_at__gte=window.since, raised_at__lt=window.until
    ).order_by()


def returns_in(window: Window) -> QuerySet[ItemEvent]:
    return ItemEvent.objects.filter(
        item__plan_id=window.plan.pk,
        kind=EventKind.RETURNED,
        at__gte=window.since,
        at__lt=window.until,
        unit__isnull=False,
    ).order_by()


def returns_by_unit(window: Window) -> dict[int, int]:
    return {r["unit_id"]: r["n"] for r in returns_in(window).values("unit_id").annotate(n=Count("id"))}


def _deduction(window: Window, criterion: Criterion, outcomes: Outcomes) -> None:
    per_level = {level: Decimal(str(criterion.params.get(level, 0))) for level in ("blue", "yellow", "red")}
    per_return = Decimal(str(criterion.params.get("returned", 0)))
    raw: dict[int, Decimal] = defaultdict(Decimal)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in warnings_in(window).values("unit_id", "level").annotate(n=Count("id")):
        raw[row["unit_id"]] += per_level.get(row["level"], ZERO) * row["n"]
        counts[row["unit_id"]][row["level"]] = row["n"]
    for unit_id, n in returns_by_unit(window).items():
        raw[unit_id] += per_return * n
        counts[unit_id]["returned"] = n
    for unit_id, amount in raw.items():
        outcome = outcomes.get(unit_key(unit_id))
        if outcome is not None:
            outcome.points = -quantize(min(criterion.weight, amount))
            outcome.figures = {**counts[unit_id], "uncapped": _plain(quantize(amount))}
    _group_sources(
        warnings_in(window).values_list("unit_id", "id", "item_id", "level").order_by("unit_id", "id"),
        "warnings",
        outcomes,
    )
    _group_sources(
        returns_in(window).values_list("unit_id", "id", "item_id", "report_id").order_by("unit_id", "id"),
        "returns",
        outcomes,
    )


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


def score_subjects(rubric: Rubric, criteria: list[Criterion], window: Window) -> list[Scored]:
    """Every criterion for every subject of ``rubric`` (a few queries per criterion)."""
    subjects = [Scored(unit_key(uid), name, uid, {}) for uid, name in subject_units(window)]
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
