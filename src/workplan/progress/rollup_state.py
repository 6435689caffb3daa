"""The stored status inputs that dashboards aggregate in SQL, kept current inside the services.

Two layers, both written only from here (called by the services, in their transaction):

- per **track**: ``latest_percent`` (newest submitted/accepted report), ``latest_returned``
  and ``latest_self_flagged`` (the newest non-draft report's review and self-assessment);
- per **item** (``ItemProgress``): the same inputs over the item's units, as
  ``progress.selectors.status.plan_status_board`` combines them: ``tracked`` (any unit that
  was not reassigned away), ``percent`` (the slowest unit's, ``None`` while none reported),
  ``returned`` and ``self_flagged`` (any unit).

And per **period × unit** (``ReportTally``): the counts the dashboard's trend shows, so it
sums a few rows per unit instead of every report of the plan.

Dates are not copied: the queries read the item's own dates, so editing a due date cannot
leave the state stale. :func:`drift` finds rows that disagree with a recomputation (a bulk
load that bypassed the services); ``workplan rollups check --repair`` fixes them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from workplan.plans.models import Plan
from workplan.progress.models import (
    ItemProgress,
    ProgressReport,
    ReportStatus,
    ReportTally,
    SelfStatus,
    Track,
    TrackState,
)

FLAGGED_SELF = (SelfStatus.AT_RISK, SelfStatus.BEHIND)
COUNTING_REPORTS = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


def _track_updates() -> dict[str, Any]:
    """The track-level inputs as correlated subqueries (one UPDATE for any number of tracks)."""
    newest = ProgressReport.objects.filter(track=OuterRef("pk")).exclude(status=ReportStatus.DRAFT)
    newest = newest.order_by("-period__index")
    counting = ProgressReport.objects.filter(track=OuterRef("pk"), status__in=COUNTING_REPORTS)
    return {
        "latest_percent": Subquery(counting.order_by("-period__index").values("percent")[:1]),
        "latest_returned": Coalesce(
            Subquery(
                newest.annotate(
                    flag=Case(When(status=ReportStatus.RETURNED, then=Value(True)), default=Value(False))
                ).values("flag")[:1]
            ),
            Value(False),
        ),
        "latest_self_flagged": Coalesce(
            Subquery(
                newest.annotate(
                    flag=Case(When(self_status__in=FLAGGED_SELF, then=Value(True)), default=Value(False))
                ).values("flag")[:1]
            ),
            Value(False),
        ),
    }


@dataclass(frozen=True)
class ItemInputs:
    tracked: bool
    percent: int | None
    returned: bool
    self_flagged: bool


UNTRACKED = ItemInputs(tracked=False, percent=None, returned=False, self_flagged=False)


def combine(tracks: Iterable[tuple[int | None, bool, bool]]) -> ItemInputs:
    """An item's inputs from its units' ``(percent, returned, self_flagged)``: the slowest unit."""
    rows = list(tracks)
    if not rows:
        return UNTRACKED
    percents = [p for p, _, _ in rows]
    return ItemInputs(
        tracked=True,
        percent=None if all(p is None for p in percents) else min(p or 0 for p in percents),
        returned=any(r for _, r, _ in rows),
        self_flagged=any(f for _, _, f in rows),
    )


def _computed(item_ids: QuerySet[ItemProgress]) -> dict[int, ItemInputs]:
    by_item: dict[int, list[tuple[int | None, bool, bool]]] = defaultdict(list)
    tracks = (
        Track.objects.filter(item_id__in=item_ids.values("item_id"))
        .exclude(state=TrackState.REASSIGNED)
        .values_list("item_id", "latest_percent", "latest_returned", "latest_self_flagged")
    )
    for item_id, percent, returned, flagged in tracks.iterator(chunk_size=5000):
        by_item[item_id].append((percent, returned, flagged))
    return {item_id: combine(rows) for item_id, rows in by_item.items()}


def _store(rows: QuerySet[ItemProgress]) -> int:
    computed = _computed(rows)
    changed = []
    for progress in rows.only("id", "item_id", "tracked", "percent", "returned", "self_flagged"):
        want = computed.get(progress.item_id, UNTRACKED)
        have = ItemInputs(progress.tracked, progress.percent, progress.returned, progress.self_flagged)
        if want != have:
            progress.tracked, progress.percent = want.tracked, want.percent
            progress.returned, progress.self_flagged = want.returned, want.self_flagged
            changed.append(progress)
    ItemProgress.objects.bulk_update(
        changed, ["tracked", "percent", "returned", "self_flagged"], batch_size=2000
    )
    return len(changed)


def refresh_tracks(tracks: QuerySet[Track]) -> None:
    """Recompute the tracks' inputs from their reports, then their items' (inside the caller's write)."""
    item_ids = list(tracks.values_list("item_id", flat=True).distinct())
    Track.objects.filter(pk__in=tracks.values("pk")).update(**_track_updates())
    refresh_items(item_ids)


def refresh_items(item_ids: Iterable[int]) -> None:
    """Recompute the items' inputs from their tracks (after a dispatch, reassignment or report)."""
    ids = list(item_ids)
    if ids:
        _store(ItemProgress.objects.filter(item_id__in=ids))


def refresh_plan(plan: Plan) -> int:
    """Recompute every track, item and report tally of ``plan``; the number of items whose state changed."""
    Track.objects.filter(item__plan=plan).update(**_track_updates())
    _store_tallies(plan)
    return _store(ItemProgress.objects.filter(plan=plan))


TALLY_FIELDS = ("reports", "accepted", "returned", "percent_sum", "percent_count")


def _tallies(reports: QuerySet[ProgressReport]) -> dict[tuple[int, int], tuple[int, ...]]:
    """``(period_id, unit_id) → counts`` (in ``TALLY_FIELDS`` order) of the reports, as the trend counts."""
    kept = ~Q(status=ReportStatus.RETURNED)
    rows = (
        reports.filter(submitted_at__isnull=False)
        .values("period_id", "unit_id")
        .annotate(
            n=Count("id"),
            n_accepted=Count("id", filter=Q(status=ReportStatus.ACCEPTED)),
            n_returned=Count("id", filter=Q(status=ReportStatus.RETURNED)),
            total=Coalesce(Sum("percent", filter=kept), 0),
            n_kept=Count("id", filter=kept),
        )
        .order_by()
    )
    return {
        (r["period_id"], r["unit_id"]): (r["n"], r["n_accepted"], r["n_returned"], r["total"], r["n_kept"])
        for r in rows
    }


def _stored_tallies(tallies: QuerySet[ReportTally]) -> dict[tuple[int, int], tuple[int, ...]]:
    return {
        (row[0], row[1]): tuple(row[2:])
        for row in tallies.values_list("period_id", "unit_id", *TALLY_FIELDS).iterator(chunk_size=5000)
    }


def _store_tallies(plan: Plan) -> None:
    ReportTally.objects.filter(period__plan=plan).delete()
    ReportTally.objects.bulk_create(
        [
            ReportTally(period_id=period_id, unit_id=unit_id, **dict(zip(TALLY_FIELDS, counts, strict=True)))
            for (period_id, unit_id), counts in _tallies(
                ProgressReport.objects.filter(period__plan=plan)
            ).items()
        ],
        batch_size=2000,
    )


def refresh_tally(*, period_id: int, unit_id: int) -> None:
    """Recount one unit's reports in one period (after a report of theirs was written).

    The row is created if missing and locked before counting, so two reports of the same
    unit and period written at once are counted one after the other, each seeing the other's.
    """
    ReportTally.objects.bulk_create(
        [ReportTally(period_id=period_id, unit_id=unit_id)], ignore_conflicts=True
    )
    tally = ReportTally.objects.select_for_update().get(period_id=period_id, unit_id=unit_id)
    counts = _tallies(ProgressReport.objects.filter(period_id=period_id, unit_id=unit_id)).get(
        (period_id, unit_id)
    )
    if counts is None:
        tally.delete()
        return
    for name, value in zip(TALLY_FIELDS, counts, strict=True):
        setattr(tally, name, value)
    tally.save(update_fields=list(TALLY_FIELDS))


def drift(plan: Plan) -> tuple[int, int, int]:
    """How many tracks, items and report tallies of ``plan`` disagree with a recomputation
    (0, 0, 0 when current)."""
    fresh: Any = Track.objects.filter(item__plan=plan).annotate(
        **{f"fresh_{k}": v for k, v in _track_updates().items()}
    )
    tracks = sum(
        1
        for row in fresh.values_list(
            "latest_percent",
            "fresh_latest_percent",
            "latest_returned",
            "fresh_latest_returned",
            "latest_self_flagged",
            "fresh_latest_self_flagged",
        ).iterator(chunk_size=5000)
        if (row[0], bool(row[2]), bool(row[4])) != (row[1], bool(row[3]), bool(row[5]))
    )
    rows = ItemProgress.objects.filter(plan=plan)
    computed = _computed(rows)
    items = sum(
        1
        for item_id, tracked, percent, returned, flagged in rows.values_list(
            "item_id", "tracked", "percent", "returned", "self_flagged"
        ).iterator(chunk_size=5000)
        if computed.get(item_id, UNTRACKED) != ItemInputs(tracked, percent, returned, flagged)
    )
    stored = _stored_tallies(ReportTally.objects.filter(period__plan=plan))
    counted = _tallies(ProgressReport.objects.filter(period__plan=plan))
    tallies = sum(1 for key in stored.keys() | counted.keys() if stored.get(key) != counted.get(key))
    return tracks, items, tallies
