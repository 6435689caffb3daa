"""办结: completion requests, completion, carrying over and reassignment."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from workplan.accounts.models import Unit
from workplan.core import clock
from workplan.core.errors import Invalid
from workplan.core.services import instance_create, instance_update
from workplan.plans import services as plan_services
from workplan.plans.models import Assignment, ItemStatus, PlanItem
from workplan.progress import notify, rollup_state
from workplan.progress.models import (
    REPORTING_STATES,
    EventKind,
    ItemProgress,
    ItemState,
    NotificationKind,
    Track,
    TrackState,
)
from workplan.progress.services._common import (
    _event,
    _locked_track,
    _planners_of,
    _require_planner,
    _require_reporter,
    _required_reason,
    _stale,
    _user_or_none,
)


def _open_subitems(item: PlanItem) -> list[PlanItem]:
    """The item's descendants that are neither completed nor carried over (archived ones aside)."""
    descendants = PlanItem.objects.filter(
        plan_id=item.plan_id, path__startswith=item.path, depth__gt=item.depth
    ).exclude(status=ItemStatus.ARCHIVED)
    closed = ItemProgress.objects.filter(item__in=descendants).exclude(state=ItemState.OPEN).values("item_id")
    return list(descendants.exclude(pk__in=closed).order_by("path"))


def _refuse_open_subitems(item: PlanItem, what: str) -> None:
    open_items = _open_subitems(item)
    if open_items:
        names = "; ".join(str(i) for i in open_items[:3]) + ("…" if len(open_items) > 3 else "")
        raise Invalid(
            f"{what}: {len(open_items)} sub-item(s) are still open ({names}); complete them first",
            details={"open_subitems": [i.pk for i in open_items]},
        )


@transaction.atomic
def track_request_completion(
    *, actor: Any, track: Track, note: str = "", expected_version: int | None = None
) -> Track:
    """The unit reports its part done and asks the planner to complete the item."""
    _require_reporter(actor, track)
    track = _locked_track(track)
    _stale(track, expected_version)
    if track.state not in REPORTING_STATES:
        raise Invalid(f"this task is {track.get_state_display()}: completion cannot be requested")
    _refuse_open_subitems(track.item, "completion cannot be requested")
    now, by = clock.now(), _user_or_none(actor)
    changes: dict[str, Any] = {
        "state": TrackState.COMPLETION_REQUESTED,
        "completion_requested_at": now,
        "completion_requested_by": by,
    }
    if track.acknowledged_at is None:
        changes.update(acknowledged_at=now, acknowledged_by=by)
    if track.started_at is None:
        changes.update(started_at=now, started_by=by)
    instance_update(
        actor=actor, instance=track, changes=changes, action="track.completion_requested", reason=note
    )
    _event(actor=actor, item=track.item, kind=EventKind.COMPLETION_REQUESTED, track=track, text=note)
    notify.notify(
        recipients=_planners_of(track.item.plan),
        kind=NotificationKind.COMPLETION_REQUESTED,
        title=lambda: (
            gettext("Completion requested: %(item)s (%(unit)s)") % {"item": track.item, "unit": track.unit}
        ),
        body=note,
        item=track.item,
    )
    return track


def _progress_for(actor: Any, item: PlanItem) -> ItemProgress:
    progress = ItemProgress.objects.select_for_update().filter(item=item).first()
    if progress is None:  # an item nobody reports on (a part, a measure) is closed directly
        progress = ItemProgress.objects.create(item=item, plan_id=item.plan_id)
    return progress


def _close_item(
    *,
    actor: Any,
    item: PlanItem,
    state: str,
    reason: str,
    carried_to_year: int | None,
    expected_version: int | None,
) -> ItemProgress:
    progress = _progress_for(actor, item)
    if progress.is_closed:
        raise Invalid(f"{item} is already {progress.get_state_display()}")
    now, by = clock.now(), _user_or_none(actor)
    track_state = TrackState.COMPLETED if state == ItemState.COMPLETED else TrackState.CARRIED_OVER
    verb = "completed" if state == ItemState.COMPLETED else "carried_over"
    progress = instance_update(
        actor=actor,
        instance=progress,
        changes={
            "state": state,
            "closed_at": now,
            "closed_by": by,
            "reason": reason,
            "carried_to_year": carried_to_year,
        },
        action=f"item.{verb}",
        expected_version=expected_version,
        reason=reason,
    )
    for track in Track.objects.filter(item=item).active().select_related("unit"):
        instance_update(
            actor=actor,
            instance=track,
            changes={"state": track_state, "closed_at": now, "closed_by": by, "closed_reason": reason},
            action=f"track.{verb}",
            reason=reason,
        )
    kind = EventKind.COMPLETED if state == ItemState.COMPLETED else EventKind.CARRIED_OVER
    data = {"to_year": carried_to_year} if carried_to_year else {}
    _event(actor=actor, item=item, kind=kind, text=reason, data=data)
    return progress


@transaction.atomic
def item_complete(
    *, actor: Any, item: PlanItem, note: str = "", expected_version: int | None = None
) -> ItemProgress:
    """The planner completes the item (办结), closing every unit's track on it.

    ``expected_version`` is the version of the item's ``ItemProgress`` you loaded.
    """
    _require_planner(actor, item.plan)
    _refuse_open_subitems(item, f"{item} cannot be completed")
    return _close_item(
        actor=actor,
        item=item,
        state=ItemState.COMPLETED,
        reason=note.strip(),
        carried_to_year=None,
        expected_version=expected_version,
    )


@transaction.atomic
def item_carry_over(
    *,
    actor: Any,
    item: PlanItem,
    reason: str,
    to_year: int | None = None,
    expected_version: int | None = None,
) -> ItemProgress:
    """The planner carries an unfinished item over to next year (结转), with the reason."""
    _require_planner(actor, item.plan)
    reason = _required_reason(reason, "carrying an item over")
    year = to_year if to_year is not None else item.plan.year + 1
    if year <= item.plan.year:
        raise Invalid(f"an item is carried over to a later year than {item.plan.year}")
    return _close_item(
        actor=actor,
        item=item,
        state=ItemState.CARRIED_OVER,
        reason=reason,
        carried_to_year=year,
        expected_version=expected_version,
    )


@transaction.atomic
def track_reassign(
    *, actor: Any, track: Track, unit: Unit, reason: str, expected_version: int | None = None
) -> Track:
    """Move a unit's task to another unit (改派), with the reason; returns the new unit's track.

    The plans app's assignment moves with it (through its services); the old track is kept,
    closed as reassigned, with its reports and history.
    """
    _require_planner(actor, track.item.plan)
    reason = _required_reason(reason, "reassigning a task")
    track = _locked_track(track)
    _stale(track, expected_version)
    if track.is_closed:
        raise Invalid(f"this task is {track.get_state_display()} and cannot be reassigned")
    if unit.pk == track.unit_id:
        raise Invalid(f"the task is already assigned to {unit}")
    item, now, by = track.item, clock.now(), _user_or_none(actor)
    target = Track.objects.filter(item=item, unit=unit).first()
    if target is not None and not target.is_closed:
        raise Invalid(f"{unit} already has this task")
    existing_assignment = Assignment.objects.filter(item=item, unit=unit).first()
    if existing_assignment is None:
        new_assignment = plan_services.assignment_create(actor=actor, item=item, unit=unit, role=track.role)
    else:
        new_assignment = plan_services.assignment_update(
            actor=actor, assignment=existing_assignment, role=track.role
        )
    old_unit = track.unit
    instance_update(
        actor=actor,
        instance=track,
        changes={"state": TrackState.REASSIGNED, "closed_at": now, "closed_by": by, "closed_reason": reason},
        action="track.reassigned",
        reason=reason,
    )
    if track.assignment_id is not None:
        old_assignment = Assignment.objects.filter(pk=track.assignment_id).first()
        if old_assignment is not None:
            plan_services.assignment_delete(actor=actor, assignment=old_assignment)
    fresh = {
        "assignment": new_assignment,
        "role": track.role,
        "state": TrackState.ASSIGNED,
        "assigned_at": now,
        "assigned_by": by,
        "acknowledged_at": None,
        "acknowledged_by": None,
        "started_at": None,
        "started_by": None,
        "completion_requested_at": None,
        "completion_requested_by": None,
        "closed_at": None,
        "closed_by": None,
        "closed_reason": "",
    }
    if target is None:
        new_track = instance_create(
            actor=actor, instance=Track(item=item, unit=unit, **fresh), action="track.assigned", reason=reason
        )
    else:
        new_track = instance_update(
            actor=actor, instance=target, changes=fresh, action="track.assigned", reason=reason
        )
    _event(
        actor=actor,
        item=item,
        kind=EventKind.REASSIGNED,
        track=track,
        text=reason,
        data={"from_unit": old_unit.pk, "to_unit": unit.pk, "to": str(unit)},
    )
    rollup_state.refresh_items([item.pk])
    _event(actor=actor, item=item, kind=EventKind.ASSIGNED, track=new_track, text=reason)
    notify.notify(
        recipients=notify.reporters_of(unit),
        kind=NotificationKind.ASSIGNED,
        title=lambda: gettext("New task (reassigned): %(item)s") % {"item": item},
        body=reason,
        item=item,
    )
    return new_track
