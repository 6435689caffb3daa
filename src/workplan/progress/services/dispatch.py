"""交办 and 签收/办理: dispatching a plan's items to units, and the unit taking the task on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from workplan.core import audit, clock
from workplan.core.errors import Invalid
from workplan.core.services import instance_update
from workplan.plans.models import Assignment, ItemStatus, Plan, PlanItem
from workplan.progress import notify, rollup_state
from workplan.progress.models import (
    EventKind,
    ItemEvent,
    ItemProgress,
    NotificationKind,
    Track,
    TrackState,
)
from workplan.progress.services._common import (
    REPORTING_ROLES,
    _event,
    _locked_track,
    _require_planner,
    _require_reporter,
    _stale,
    _user_or_none,
)
from workplan.progress.services.calendar import calendar_ensure
from workplan.progress.services.obligations import obligation_generate


@dataclass(frozen=True)
class DispatchResult:
    items: int
    tracks: int
    obligations: int


def plan_dispatch(*, actor: Any, plan: Plan, note: str = "") -> DispatchResult:
    """Dispatch (交办) every item of ``plan`` to its lead and responsible units.

    Creates the tracks that do not exist yet (so dispatching again after adding items only
    adds theirs), gives the plan its default reporting calendar if it has none, turns the
    frequency targets into occurrences, and tells each unit's reporters once.
    """
    _require_planner(actor, plan)
    items = list(PlanItem.objects.filter(plan=plan).exclude(status=ItemStatus.ARCHIVED).order_by("path"))
    return _dispatch(actor=actor, plan=plan, items=items, note=note, action="plan.dispatched")


def item_dispatch(*, actor: Any, item: PlanItem, note: str = "") -> DispatchResult:
    """Dispatch (交办) one item, e.g. added after the plan was dispatched."""
    _require_planner(actor, item.plan)
    return _dispatch(actor=actor, plan=item.plan, items=[item], note=note, action="item.dispatched")


@transaction.atomic
def _dispatch(*, actor: Any, plan: Plan, items: list[PlanItem], note: str, action: str) -> DispatchResult:
    now, by = clock.now(), _user_or_none(actor)
    calendar_ensure(actor=actor, plan=plan)
    assignments = list(
        Assignment.objects.filter(item__in=items, role__in=REPORTING_ROLES)
        .select_related("unit", "item")
        .order_by("item__path", "id")
    )
    existing = set(Track.objects.filter(item__in=items).values_list("item_id", "unit_id"))
    new_tracks = [
        Track(
            item=a.item,
            unit=a.unit,
            assignment=a,
            role=a.role,
            state=TrackState.ASSIGNED,
            assigned_at=now,
            assigned_by=by,
        )
        for a in assignments
        if (a.item_id, a.unit_id) not in existing
    ]
    Track.objects.bulk_create(new_tracks, batch_size=500)
    dispatched_items = {t.item_id for t in new_tracks}
    have_progress = set(
        ItemProgress.objects.filter(item_id__in=dispatched_items).values_list("item_id", flat=True)
    )
    ItemProgress.objects.bulk_create(
        [
            ItemProgress(item_id=item_id, plan=plan, dispatched_at=now, dispatched_by=by)
            for item_id in sorted(dispatched_items - have_progress)
        ],
        batch_size=500,
    )
    rollup_state.refresh_items(dispatched_items)
    actor_repr = str(getattr(actor, "username", actor or "system"))
    ItemEvent.objects.bulk_create(
        [
            ItemEvent(
                item=t.item,
                kind=EventKind.ASSIGNED,
                at=now,
                actor=by,
                actor_repr=actor_repr,
                unit=t.unit,
                track=t,
                text=note,
            )
            for t in new_tracks
        ],
        batch_size=500,
    )
    audit.record_many(actor=actor, action="track.assigned", targets=new_tracks, reason=note)
    obligations = obligation_generate(actor=actor, plan=plan, items=items)
    audit.record(
        actor=actor,
        action=action,
        target=plan if action.startswith("plan.") else items[0],
        after={"tracks": len(new_tracks), "items": len(dispatched_items), "obligations": obligations},
        reason=note,
    )
    by_unit: dict[int, list[Track]] = {}
    for track in new_tracks:
        by_unit.setdefault(track.unit_id, []).append(track)
    for tracks in by_unit.values():
        unit = tracks[0].unit
        first = tracks[0].item
        count = len(tracks)

        def title(first: Any = first, count: int = count) -> str:
            if count == 1:
                return gettext("New task: %(item)s") % {"item": first}
            return gettext("%(count)d new tasks: %(plan)s") % {"count": count, "plan": plan}

        body = "\n".join(f"- {t.item}" for t in tracks[:50])
        notify.notify(
            recipients=notify.reporters_of(unit),
            kind=NotificationKind.ASSIGNED,
            title=title,
            body=body + (f"\n{note}" if note else ""),
            item=first if len(tracks) == 1 else None,
            units=[unit],
            plan=plan,
        )
    return DispatchResult(items=len(dispatched_items), tracks=len(new_tracks), obligations=obligations)


# --- 签收 and 办理: the unit takes the task on -------------------------------------------------


def _advance(actor: Any, track: Track, *, to: str, action: str, kind: str, note: str = "") -> Track:
    """Move a track forward to ``to`` (acknowledged or in progress), stamping each step passed."""
    now, by = clock.now(), _user_or_none(actor)
    changes: dict[str, Any] = {"state": to}
    steps: list[str] = []
    if track.acknowledged_at is None:
        changes.update(acknowledged_at=now, acknowledged_by=by)
        steps.append(EventKind.ACKNOWLEDGED)
    if to == TrackState.IN_PROGRESS and track.started_at is None:
        changes.update(started_at=now, started_by=by)
        steps.append(EventKind.STARTED)
    instance_update(actor=actor, instance=track, changes=changes, action=action, reason=note)
    for step in steps or [kind]:
        _event(actor=actor, item=track.item, kind=step, track=track, text=note)
    return track


@transaction.atomic
def track_acknowledge(
    *, actor: Any, track: Track, note: str = "", expected_version: int | None = None
) -> Track:
    """The unit acknowledges (签收) the task it was given."""
    _require_reporter(actor, track)
    track = _locked_track(track)
    _stale(track, expected_version)
    if track.state != TrackState.ASSIGNED:
        raise Invalid(f"this task is already {track.get_state_display()}; only a new task is acknowledged")
    return _advance(
        actor,
        track,
        to=TrackState.ACKNOWLEDGED,
        action="track.acknowledged",
        kind=EventKind.ACKNOWLEDGED,
        note=note,
    )


@transaction.atomic
def track_start(*, actor: Any, track: Track, note: str = "", expected_version: int | None = None) -> Track:
    """The unit starts work (办理); acknowledging first if it had not."""
    _require_reporter(actor, track)
    track = _locked_track(track)
    _stale(track, expected_version)
    if track.state not in (TrackState.ASSIGNED, TrackState.ACKNOWLEDGED):
        raise Invalid(f"this task is already {track.get_state_display()}")
    return _advance(
        actor, track, to=TrackState.IN_PROGRESS, action="track.started", kind=EventKind.STARTED, note=note
    )
