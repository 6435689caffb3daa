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
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, TruncDate
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


def track_rows(window: Window) -> list[TrackRow]:
    """Every open track with its verdict (completed, on track — the newest report up to the
    as-of date is submitted or accepted and says on track or done, and the item is not past
    due — or behind) and the number of reports due from it in the window (periods due in
    the window while it was open). One query."""

    def read() -> list[TrackRow]:
        latest = (
            ProgressReport.objects.filter(track_id=OuterRef("pk"), period__end__lte=window.as_of)
            .exclude(status=ReportStatus.DRAFT)
            .order_by("-period__end", "-id")
            .annotate(state=Concat(F("status"), Value(":"), F("self_status"), output_field=CharField()))
            .values("state")[:1]
        )
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
        done = Q(state=TrackState.COMPLETED, closed_at__lt=window.until)
        on_track = Q(latest_state__in=COUNTING) & (
            Q(item__due_date__isnull=True) | Q(item__due_date__gt=window.as_of)
        )
        rows = open_tracks(window).annotate(
            latest_state=Subquery(latest, output_field=CharField()),
            verdict=Case(
                When(done, then=Value("done")),
                When(on_track, then=Value("on_track")),
                default=Value("behind"),
                output_field=CharField(),
            ),
            assigned_on=TruncDate("assigned_at"),
            closed_on=Coalesce(TruncDate("closed_at"), Value(dt.date(9999, 12, 31))),
            reports_due=Coalesce(Subquery(due_periods, output_field=IntegerField()), Value(0)),
        )
        fields = (
            "unit_id",
            "id",
            "item_id",
            "item__weight",
            "verdict",
            "reports_due",
            "assigned_at",
            "acknowledged_at",
        )
        return [TrackRow(*row) for row in rows.values_list(*fields).order_by("unit_id", "item_id")]

    return window.once("tracks", read)


ON_TIME = Q(submitted_at__isnull=False, submitted_at__date__lte=F("period__due_date"))


def report_rows(window: Window) -> list[tuple[int, int, int, int]]:
    """(unit id, report id, item id, 1 if submitted by its due date else 0) for every report
    (not a draft) due in the window on an open track. One query (the plan's periods only;
    the reports of tracks that are not open are left out here, by the track ids already read)."""

    def read() -> list[tuple[int, int, int, int]]:
        open_ids = {row.track_id for row in track_rows(window)}
        flag = Case(When(ON_TIME, then=Value(1)), default=Value(0), output_field=IntegerField())
        rows = (
            ProgressReport.objects.filter(
                period__plan_id=window.plan.pk,
                period__due_date__gte=window.period.start,
                period__due_date__lte=window.as_of,
            )
            .exclude(status=ReportStatus.DRAFT)
            .annotate(on_time=flag)
            .values_list("unit_id", "id", "item_id", "on_time", "track_id")
            .order_by("unit_id", "id")
        )
        return [
            (unit, report, item, on_time) for unit, report, item, on_time, track in rows if track in open_ids
        ]

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
