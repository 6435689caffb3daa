"""The rows a scoring run reads: one query per kind of row (tracks, reports, warnings,
returns, occurrences), each read once per run and shared by the criteria that need it
(memoised on the :class:`Window`). Every row carries its unit, its id and its item, so the
criteria can both add up their figures and keep the ids behind them in one pass."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from django.db.models import (
    Case,
    CharField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Concat
from django.utils import timezone

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

T = TypeVar("T")


@dataclass(frozen=True)
class Window:
    """What a run looks at: the period's days up to ``as_of``, and the same as datetimes."""

    plan: Plan
    period: AssessmentPeriod
    as_of: dt.date
    memo: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def since(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.period.start, dt.time.min))

    @property
    def until(self) -> dt.datetime:
        """The first moment after the as-of day (comparisons are ``< until``)."""
        return timezone.make_aware(dt.datetime.combine(self.as_of + dt.timedelta(days=1), dt.time.min))

    def once(self, key: str, read: Callable[[], T]) -> T:
        if key not in self.memo:
            self.memo[key] = read()
        value: T = self.memo[key]
        return value


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


class TrackRow(NamedTuple):
    unit_id: int
    track_id: int
    item_id: int
    weight: Any
    verdict: str  # done / on_track / behind at the as-of date
    reports_due: int
    assigned_at: dt.datetime
    acknowledged_at: dt.datetime | None


COUNTING = [
    f"{s}:{x}"
    for s in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
    for x in (SelfStatus.ON_TRACK, SelfStatus.DONE)
]


def _periods(window: Window) -> list[tuple[int, dt.date, dt.date, dt.date]]:
    """(id, start, end, due date) of the plan's reporting periods. One query."""
    rows = Period.objects.filter(plan_id=window.plan.pk).values_list("id", "start", "end", "due_date")
    return window.once("periods", lambda: list(rows.order_by("index")))


# (unit id, report id, item id, track id, period id, "status:self_status", 1 if on time)
ReportRow = tuple[int, int, int, int, int, str, int]


ON_TIME = Q(submitted_at__isnull=False, submitted_at__date__lte=F("period__due_date"))


def _reports(window: Window) -> list[ReportRow]:
    """Every report (not a draft) of the plan for a period that ended by the as-of date or is
    due in the window, with whether it was submitted by its due date. One query."""

    def read() -> list[ReportRow]:
        flag = Case(When(ON_TIME, then=Value(1)), default=Value(0), output_field=IntegerField())
        rows = (
            ProgressReport.objects.filter(period__plan_id=window.plan.pk)
            .filter(
                Q(period__end__lte=window.as_of)
                | Q(period__due_date__gte=window.period.start, period__due_date__lte=window.as_of)
            )
            .exclude(status=ReportStatus.DRAFT)
            .annotate(
                on_time=flag,
                state=Concat(F("status"), Value(":"), F("self_status"), output_field=CharField()),
            )
            .values_list("unit_id", "id", "item_id", "track_id", "period_id", "state", "on_time")
            .order_by("unit_id", "id")
        )
        return list(rows)

    return window.once("all_reports", read)


def _local_day(moment: dt.datetime | None, default: dt.date, zone: Any) -> dt.date:
    return moment.astimezone(zone).date() if moment is not None else default


def track_rows(window: Window) -> list[TrackRow]:
    """Every open track with its verdict (completed, on track — the newest report up to the
    as-of date is submitted or accepted and says on track or done, and the item is not past
    due — or behind) and the number of reports due from it in the window (periods due in
    the window while it was open). One query, plus the reports and periods read once."""

    def read() -> list[TrackRow]:
        periods = _periods(window)
        ended = {pk: end for pk, _, end, _ in periods if end <= window.as_of}
        due = [
            (start, end)
            for _, start, end, due_date in periods
            if window.period.start <= due_date <= window.as_of
        ]
        latest: dict[int, tuple[tuple[dt.date, int], str]] = {}
        for _unit, report_id, _item, track_id, period_id, state, _on_time in _reports(window):
            end = ended.get(period_id)
            if end is None:
                continue
            key = (end, report_id)
            found = latest.get(track_id)
            if found is None or found[0] < key:
                latest[track_id] = (key, state)
        fields = (
            "unit_id",
            "id",
            "item_id",
            "item__weight",
            "state",
            "closed_at",
            "assigned_at",
            "acknowledged_at",
            "item__due_date",
        )
        found_rows = []
        never, zone = dt.date.max, timezone.get_current_timezone()
        for unit_id, pk, item_id, weight, state, closed_at, assigned_at, acked_at, due_date in (
            open_tracks(window).values_list(*fields).order_by("unit_id", "item_id")
        ):
            if state == TrackState.COMPLETED and closed_at is not None and closed_at < window.until:
                verdict = "done"
            elif (
                (newest := latest.get(pk)) is not None
                and newest[1] in COUNTING
                and (due_date is None or due_date > window.as_of)
            ):
                verdict = "on_track"
            else:
                verdict = "behind"
            assigned_on, closed_on = _local_day(assigned_at, never, zone), _local_day(closed_at, never, zone)
            reports_due = sum(1 for start, end in due if end >= assigned_on and start < closed_on)
            found_rows.append(
                TrackRow(unit_id, pk, item_id, weight, verdict, reports_due, assigned_at, acked_at)
            )
        return found_rows

    return window.once("tracks", read)


@dataclass
class UnitReports:
    """The reports due from one unit in the window, by id: submitted by their due date, and
    not (late). Missing reports have no id; they are counted by ``track_rows``."""

    on_time: list[int] = field(default_factory=list)
    late: list[int] = field(default_factory=list)


def reports_by_unit(window: Window) -> dict[int, UnitReports]:
    """Every report (not a draft) due in the window on an open track, grouped by unit in one
    pass over the reports read once."""

    def read() -> dict[int, UnitReports]:
        open_ids = {row.track_id for row in track_rows(window)}
        due = {
            pk for pk, _, _, due_date in _periods(window) if window.period.start <= due_date <= window.as_of
        }
        grouped: dict[int, UnitReports] = {}
        for unit_id, report_id, _item, track_id, period_id, _state, on_time in _reports(window):
            if period_id in due and track_id in open_ids:
                mine = grouped.get(unit_id)
                if mine is None:
                    mine = grouped[unit_id] = UnitReports()
                (mine.on_time if on_time else mine.late).append(report_id)
        return grouped

    return window.once("reports", read)


def warning_rows(window: Window) -> list[tuple[int, int, int, str]]:
    """(unit id, warning id, item id, level) of the warnings raised in the window."""

    def read() -> list[tuple[int, int, int, str]]:
        rows = Escalation.objects.filter(
            item__plan_id=window.plan.pk, raised_at__gte=window.since, raised_at__lt=window.until
        ).values_list("unit_id", "id", "item_id", "level")
        return list(rows.order_by("unit_id", "id"))

    return window.once("warnings", read)


def return_rows(window: Window) -> list[tuple[int, int, int, int | None]]:
    """(unit id, event id, item id, report id) of the reports returned in the window."""

    def read() -> list[tuple[int, int, int, int | None]]:
        rows = ItemEvent.objects.filter(
            item__plan_id=window.plan.pk,
            kind=EventKind.RETURNED,
            at__gte=window.since,
            at__lt=window.until,
            unit__isnull=False,
        ).values_list("unit_id", "id", "item_id", "report_id")
        return list(rows.order_by("unit_id", "id"))

    return window.once("returns", read)


def occurrence_rows(window: Window) -> list[tuple[int, int, int, int]]:
    """(unit id, occurrence id, item id, 1 if met by the as-of date) for the occurrences due
    in the window on items the unit tracks."""

    def read() -> list[tuple[int, int, int, int]]:
        met = Q(met_by__isnull=False, met_at__lt=window.until)
        rows = (
            Occurrence.objects.filter(
                item__plan_id=window.plan.pk,
                item__status=ItemStatus.ACTIVE,
                window_end__gte=window.period.start,
                window_end__lte=window.as_of,
                item__tracks__assigned_at__lt=window.until,
            )
            .exclude(item__tracks__state=TrackState.REASSIGNED)
            .annotate(
                unit=F("item__tracks__unit_id"),
                was_met=Case(When(met, then=Value(1)), default=Value(0), output_field=IntegerField()),
            )
            .values_list("unit", "id", "item_id", "was_met")
        )
        return list(rows.order_by("unit", "id"))

    return window.once("occurrences", read)


class Entity(NamedTuple):
    record_id: int
    label: str
    unit_id: int
    values: dict[str, Any]


def entity_label(record_id: int, values: dict[str, Any]) -> str:
    """A ledger record's name: its ``name`` value, else its first text value, else its id."""
    for key in ("name", "title"):
        if isinstance(values.get(key), str) and values[key].strip():
            return str(values[key])[:300]
    text = next((v for v in values.values() if isinstance(v, str) and v.strip()), "")
    return text[:300] or f"#{record_id}"


def ledger_entities(window: Window, ledger_code: str) -> list[Entity]:
    """The records of the ledger ``ledger_code`` (the rubric's subjects), by name. One query;
    none when the ledgers app is not installed."""
    from django.apps import apps

    if not apps.is_installed("workplan.ledgers"):
        return []

    def read() -> list[Entity]:
        record = apps.get_model("ledgers", "LedgerRecord")
        rows = (
            record.objects.filter(ledger__code=ledger_code)
            .values_list("id", "unit_id", "values")
            .order_by("id")
        )
        found = [
            Entity(pk, entity_label(pk, values or {}), unit_id, values or {}) for pk, unit_id, values in rows
        ]
        return sorted(found, key=lambda e: (e.label, e.record_id))

    return window.once(f"entities:{ledger_code}", read)
