"""Helpers shared by the supervision services (timeline events, locks, checks)."""

from __future__ import annotations

from typing import Any

from workplan import permissions
from workplan.accounts.models import Role, Unit
from workplan.core import audit, clock
from workplan.core.errors import Conflict, Forbidden, Invalid
from workplan.permissions import Action
from workplan.plans.models import AssignmentRole, Plan, PlanItem
from workplan.progress import notify
from workplan.progress.models import (
    ItemEvent,
    ProgressReport,
    Track,
)

REPORTING_ROLES = (AssignmentRole.LEAD, AssignmentRole.RESPONSIBLE)


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) is not None else None


def _event(
    *,
    actor: Any,
    item: PlanItem,
    kind: str,
    track: Track | None = None,
    report: ProgressReport | None = None,
    unit: Unit | None = None,
    text: str = "",
    data: dict[str, Any] | None = None,
) -> ItemEvent:
    return ItemEvent.objects.create(
        item=item,
        kind=kind,
        at=clock.now(),
        actor=_user_or_none(actor),
        actor_repr=str(getattr(actor, "username", actor or "system")),
        unit=unit or (track.unit if track is not None else None),
        track=track,
        report=report,
        text=text,
        data=data or {},
    )


def _required_reason(reason: str, what: str) -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise Invalid(f"{what} needs a reason", details={"reason": ["required"]})
    return cleaned


def _require_planner(actor: Any, plan: Plan) -> None:
    try:
        permissions.require(actor, Action.EDIT, plan)
    except Forbidden:
        raise Forbidden(f"only planners of {plan.owner_unit} may do this on {plan}") from None


def _require_reporter(actor: Any, track: Track) -> None:
    try:
        permissions.require(actor, Action.EDIT, track)
    except Forbidden:
        raise Forbidden(f"only reporters of {track.unit} may report on this item") from None


def _planners_of(plan: Plan) -> list[Any]:
    return notify.nearest_people(plan.owner_unit, Role.PLANNER)


def _stale(track: Track, expected_version: int | None) -> None:
    if expected_version is not None and track.version != expected_version:
        raise Conflict(
            f"{track} was changed by someone else (version {track.version}, yours {expected_version}); "
            "reload it to see the current state, then apply your change again",
            details={"current": audit.snapshot(track)},
        )


def _locked_track(track: Track) -> Track:
    return Track.objects.select_for_update().select_related("item__plan", "unit").get(pk=track.pk)
