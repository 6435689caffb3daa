"""Realistic progress data in bulk, for benchmarks and load tests.

``synthesise_reports(plan, periods, rng)`` dispatches the plan (tracks for its lead and
responsible units), gives it the default monthly calendar, and writes one report per
track for each of the first ``periods`` periods: units move at their own pace, most reports
are accepted, a few returned, the latest ones await review. Everything is bulk-inserted
and audited in bulk in one transaction (2,000 items × 12 periods in seconds).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from workplan.accounts.models import User
from workplan.accounts.services import system_actor
from workplan.core import audit, clock
from workplan.core.errors import Invalid
from workplan.plans.models import Plan
from workplan.progress import rollup_state, services
from workplan.progress.models import (
    EventKind,
    ItemEvent,
    Period,
    ProgressReport,
    ReportStatus,
    SelfStatus,
    Track,
    TrackState,
)
from workplan.progress.status import window

NARRATIVES = [
    "已召开专题会议研究部署，明确责任分工。",
    "按照时间节点推进，完成阶段性任务。",
    "开展督导检查，发现问题已督促整改。",
    "建立工作台账，逐项销号管理。",
    "组织培训，参训人员覆盖全部责任单位。",
    "受客观因素影响进度偏慢，已制定整改措施。",
]


@dataclass(frozen=True)
class SynthReports:
    tracks: int
    periods: int
    reports: int
    returned: int

    def __str__(self) -> str:
        return (
            f"progress synth: {self.reports} reports ({self.returned} returned) "
            f"for {self.tracks} tracks over {self.periods} periods"
        )


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(settings.TIME_ZONE))


def synthesise_reports(
    plan: Plan, periods: int, rng: random.Random, *, timeline: bool = True, chunk: int = 5000
) -> SynthReports:
    """Dispatch ``plan`` and fill its first ``periods`` monthly periods with reports.

    Written ``chunk`` tracks at a time, so memory stays flat on a large plan. ``timeline=False``
    is the fast path of the scale benchmark (bench/bench_scale.py, a million reports): no
    timeline events and one summary audit row for the plan instead of one per report.
    """
    if not 1 <= periods <= 12:
        raise Invalid("synthesise between 1 and 12 monthly periods")
    actor = system_actor()
    with transaction.atomic(), clock.frozen(_at(dt.date(plan.year, 1, 2), 9)):
        services.calendar_ensure(actor=actor, plan=plan)
        services.plan_dispatch(actor=actor, plan=plan)
    with transaction.atomic():
        chosen = list(Period.objects.filter(plan=plan).order_by("index")[:periods])
        tracks = list(
            Track.objects.filter(item__plan=plan)
            .select_related("item")
            .only("id", "item_id", "unit_id", "item__start_date", "item__due_date", "item__plan_id")
            .order_by("id")
        )
        made = returned = 0
        begun = _at(dt.date(plan.year, 1, 3), 10)
        for first in range(0, len(tracks), chunk):
            batch = tracks[first : first + chunk]
            reports, events, returned_now = _fill(actor, plan, batch, chosen, rng)
            made, returned = made + len(reports), returned + returned_now
            ProgressReport.objects.bulk_create(reports, batch_size=2000)
            # The same state for every track (a bulk_update's CASE per row is slow on 100k
            # tracks); latest_percent is recomputed by refresh_plan below.
            Track.objects.filter(pk__in=[t.pk for t in batch]).update(
                state=TrackState.IN_PROGRESS, acknowledged_at=begun, started_at=begun
            )
            if timeline:
                for event, report in zip(events, _pair_reports(events, reports), strict=True):
                    event.report = report
                ItemEvent.objects.bulk_create(events, batch_size=2000)
                audit.record_many(actor=actor, action="report.submitted", targets=reports)
        if not timeline:
            audit.record(
                actor=actor,
                action="report.bulk_loaded",
                target=plan,
                after={"reports": made, "tracks": len(tracks), "periods": len(chosen)},
            )
        rollup_state.refresh_plan(plan)  # the bulk writes bypassed the services
    return SynthReports(tracks=len(tracks), periods=len(chosen), reports=made, returned=returned)


def _fill(
    actor: User, plan: Plan, tracks: list[Track], chosen: list[Period], rng: random.Random
) -> tuple[list[ProgressReport], list[ItemEvent], int]:
    """One report per track and chosen period (units move at their own pace). Returns the
    reports, their timeline events, and how many were returned."""
    reports: list[ProgressReport] = []
    events: list[ItemEvent] = []
    returned = 0
    for track in tracks:
        pace = rng.uniform(0.55, 1.25)
        start, due = window(start=track.item.start_date, due=track.item.due_date, year=plan.year)
        span = max(1, (due - start).days + 1)
        percent = 0
        for number, period in enumerate(chosen, start=1):
            expected = min(1.0, max(0.0, ((period.end - start).days + 1) / span))
            percent = max(percent, min(100, round(expected * 100 * pace + rng.uniform(-5, 5))))
            latest = number == len(chosen)
            if latest:
                status = ReportStatus.SUBMITTED
            elif rng.random() < 0.04:
                status, returned = ReportStatus.RETURNED, returned + 1
            else:
                status = ReportStatus.ACCEPTED
            lag = expected * 100 - percent
            submitted = _at(period.due_date - dt.timedelta(days=rng.randint(0, 6)), rng.randint(8, 17))
            report = ProgressReport(
                track=track,
                period=period,
                item_id=track.item_id,
                unit_id=track.unit_id,
                narrative=rng.choice(NARRATIVES),
                percent=percent,
                self_status=SelfStatus.DONE
                if percent == 100
                else (
                    SelfStatus.BEHIND if lag > 25 else SelfStatus.AT_RISK if lag > 10 else SelfStatus.ON_TRACK
                ),
                status=status,
                submitted_at=submitted,
                reviewed_at=None if latest else submitted + dt.timedelta(days=2),
                review_note="请补充佐证材料" if status == ReportStatus.RETURNED else "",
            )
            reports.append(report)
            events.append(_event(actor, track, EventKind.REPORTED, submitted, data={"percent": percent}))
            if not latest:
                kind = EventKind.RETURNED if status == ReportStatus.RETURNED else EventKind.ACCEPTED
                events.append(_event(actor, track, kind, submitted + dt.timedelta(days=2)))
    return reports, events, returned


def _event(
    actor: User, track: Track, kind: str, at: dt.datetime, data: dict[str, int] | None = None
) -> ItemEvent:
    return ItemEvent(
        item_id=track.item_id,
        kind=kind,
        at=at,
        actor=actor,
        actor_repr=actor.username,
        unit_id=track.unit_id,
        track=track,
        data=data or {},
    )


def _pair_reports(events: list[ItemEvent], reports: list[ProgressReport]) -> list[ProgressReport]:
    """The report each event is about: events were appended report by report, in order."""
    paired: list[ProgressReport] = []
    index = -1
    for event in events:
        if event.kind == EventKind.REPORTED:
            index += 1
        paired.append(reports[index])
    return paired
