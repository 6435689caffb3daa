"""Writes of the supervision chain: 交办 → 签收 → 办理 → 反馈 → 审核 → 办结 (or carried over).

Each service takes the acting user first, checks ``workplan.permissions``, changes the
rows, appends the step to the item's timeline (``ItemEvent``) and writes the audit entry,
all in one transaction; messages to people go through ``progress.notify`` (e-mail after the
commit). Optimistic locking: pass the ``version`` you loaded as ``expected_version`` (``0``
for "I expect no report yet") and a stale save is refused with ``Conflict``.

Who may do what (see ``permissions.track_rule``): reporters of the assigned unit (or a
parent unit) acknowledge, start, report, attach evidence and request completion;
planners of the plan's owner unit review, complete, carry over and reassign; leaders write
instructions (批示).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from django.db import IntegrityError, transaction

from workplan import permissions
from workplan.accounts.models import Role, Unit
from workplan.core import audit, clock
from workplan.core.errors import Conflict, Forbidden, Invalid, NotFound
from workplan.core.services import instance_create, instance_delete, instance_update
from workplan.permissions import Action
from workplan.plans import services as plan_services
from workplan.plans.models import Assignment, AssignmentRole, ItemStatus, Plan, PlanItem
from workplan.progress import evidence as evidence_files
from workplan.progress import notify, scheduling
from workplan.progress.models import (
    REPORTING_STATES,
    WRITABLE_STATES,
    EventKind,
    Evidence,
    FeedToken,
    ItemEvent,
    ItemProgress,
    ItemState,
    Notification,
    NotificationKind,
    Occurrence,
    Period,
    ProgressReport,
    ReportStatus,
    SelfStatus,
    Track,
    TrackState,
)
from workplan.progress.status import rules

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


# --- 交办: dispatch -------------------------------------------------------------------------------


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
    scheduling.calendar_ensure(actor=actor, plan=plan)
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
    obligations = scheduling.obligation_generate(actor=actor, plan=plan, items=items)
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
        title = (
            f"新任务 New task: {first}" if len(tracks) == 1 else f"{len(tracks)} 项新任务 new tasks: {plan}"
        )
        body = "\n".join(f"- {t.item}" for t in tracks[:50])
        notify.notify(
            recipients=notify.reporters_of(unit),
            kind=NotificationKind.ASSIGNED,
            title=title,
            body=body + (f"\n{note}" if note else ""),
            item=first if len(tracks) == 1 else None,
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


# --- 反馈: progress reports ---------------------------------------------------------------------


def _clean_percent(percent: Any) -> int:
    if isinstance(percent, bool) or not isinstance(percent, int):
        raise Invalid(
            "percent complete must be a whole number from 0 to 100", details={"percent": ["not a number"]}
        )
    if not 0 <= percent <= 100:
        raise Invalid(
            f"percent complete must be between 0 and 100, not {percent}",
            details={"percent": ["between 0 and 100"]},
        )
    return int(percent)


def _refresh_latest_percent(track: Track) -> None:
    """Cache the percent of the track's newest report that counts (submitted or accepted)."""
    latest = (
        ProgressReport.objects.filter(track=track, status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED])
        .order_by("-period__index")
        .values_list("percent", flat=True)
        .first()
    )
    Track.objects.filter(pk=track.pk).update(latest_percent=latest)
    track.latest_percent = latest


def _item_closed(item: PlanItem) -> ItemProgress | None:
    progress = ItemProgress.objects.filter(item=item).first()
    return progress if progress is not None and progress.is_closed else None


@transaction.atomic
def report_save(
    *,
    actor: Any,
    track: Track,
    period: Period,
    narrative: str,
    percent: int,
    self_status: str = SelfStatus.ON_TRACK,
    submit: bool = True,
    expected_version: int | None = None,
) -> ProgressReport:
    """Write (and by default submit) the unit's report on the item for ``period`` (反馈).

    One report per track and period: saving again edits it, and a returned report saved
    again is resubmitted. ``expected_version`` is the version you loaded (``0`` when the
    form was blank): a report saved by someone else in between is refused (``Conflict``).
    Refused: closed periods, accepted reports, percent outside 0–100, closed tasks.
    """
    _require_reporter(actor, track)
    percent = _clean_percent(percent)
    if self_status not in SelfStatus.values:
        raise Invalid(
            f"unknown self-assessed status {self_status!r}; use one of {', '.join(SelfStatus.values)}"
        )
    track = _locked_track(track)  # serialises two first saves of the same report
    period = Period.objects.get(pk=period.pk)
    if period.plan_id != track.item.plan_id:
        raise Invalid("that period belongs to another plan")
    if period.is_closed:
        raise Invalid(f"the period {period.label} is closed: it takes no more reports")
    if track.state not in WRITABLE_STATES or _item_closed(track.item):
        raise Invalid(f"this task is {track.get_state_display()}: it takes no more reports")
    now, by = clock.now(), _user_or_none(actor)
    fields: dict[str, Any] = {"narrative": narrative.strip(), "percent": percent, "self_status": self_status}
    if submit:
        fields.update(status=ReportStatus.SUBMITTED, submitted_at=now, submitted_by=by)
    report = ProgressReport.objects.filter(track=track, period=period).first()
    if report is None:
        if expected_version:
            raise Conflict(
                "the report you edited no longer exists; reload the page", details={"current": None}
            )
        try:
            with transaction.atomic():
                report = instance_create(
                    actor=actor,
                    instance=ProgressReport(
                        track=track, period=period, item=track.item, unit=track.unit, **fields
                    ),
                    action="report.submitted" if submit else "report.drafted",
                )
        except IntegrityError:
            current = ProgressReport.objects.get(track=track, period=period)
            raise Conflict(
                "someone else saved this report first; reload it to see their version",
                details={"current": audit.snapshot(current)},
            ) from None
        resubmitted = False
    else:
        if expected_version == 0:
            raise Conflict(
                "someone else saved this report first; reload it to see their version",
                details={"current": audit.snapshot(report)},
            )
        if report.status == ReportStatus.ACCEPTED:
            raise Invalid(f"the report for {period.label} was accepted and can no longer change")
        resubmitted = report.status == ReportStatus.RETURNED and submit
        if not submit and report.status != ReportStatus.DRAFT:
            fields["status"] = report.status
        action = "report.resubmitted" if resubmitted else ("report.submitted" if submit else "report.drafted")
        report = instance_update(
            actor=actor, instance=report, changes=fields, action=action, expected_version=expected_version
        )
    if submit:
        if track.state in (TrackState.ASSIGNED, TrackState.ACKNOWLEDGED):
            _advance(actor, track, to=TrackState.IN_PROGRESS, action="track.started", kind=EventKind.STARTED)
        _event(
            actor=actor,
            item=track.item,
            kind=EventKind.REPORTED,
            track=track,
            report=report,
            text=report.narrative[:500],
            data={"period": period.label, "percent": percent, "resubmitted": resubmitted},
        )
        _refresh_latest_percent(track)
    return report


def _reviewable(actor: Any, report: ProgressReport) -> ProgressReport:
    """The report as stored now (locked), if the actor may review it and it awaits review."""
    _require_planner(actor, report.item.plan)
    report = (
        ProgressReport.objects.select_for_update()
        .select_related("item__plan", "period", "unit")
        .get(pk=report.pk)
    )
    if report.status != ReportStatus.SUBMITTED:
        raise Invalid(f"only a submitted report can be reviewed; this one is {report.get_status_display()}")
    return report


@transaction.atomic
def report_accept(
    *, actor: Any, report: ProgressReport, note: str = "", expected_version: int | None = None
) -> ProgressReport:
    """The planner accepts a submitted report (审核通过); it is final afterwards."""
    report = _reviewable(actor, report)
    report = instance_update(
        actor=actor,
        instance=report,
        changes={
            "status": ReportStatus.ACCEPTED,
            "reviewed_at": clock.now(),
            "reviewed_by": _user_or_none(actor),
            "review_note": note.strip(),
        },
        action="report.accepted",
        expected_version=expected_version,
    )
    _event(
        actor=actor, item=report.item, kind=EventKind.ACCEPTED, track=report.track, report=report, text=note
    )
    return report


@transaction.atomic
def report_return(
    *, actor: Any, report: ProgressReport, reason: str, expected_version: int | None = None
) -> ProgressReport:
    """The planner returns a submitted report (退回) with the reason; the unit fixes and resubmits it."""
    report = _reviewable(actor, report)
    reason = _required_reason(reason, "returning a report")
    report = instance_update(
        actor=actor,
        instance=report,
        changes={
            "status": ReportStatus.RETURNED,
            "reviewed_at": clock.now(),
            "reviewed_by": _user_or_none(actor),
            "review_note": reason,
        },
        action="report.returned",
        expected_version=expected_version,
        reason=reason,
    )
    _event(
        actor=actor, item=report.item, kind=EventKind.RETURNED, track=report.track, report=report, text=reason
    )
    _refresh_latest_percent(report.track)
    notify.notify(
        recipients=notify.reporters_of(report.unit),
        kind=NotificationKind.RETURNED,
        title=f"进展报告被退回 Report returned: {report.item} ({report.period.label})",
        body=reason,
        item=report.item,
    )
    return report


# --- evidence -----------------------------------------------------------------------------------


def _clean_filename(filename: str) -> str:
    name = PureWindowsPath(PurePosixPath(filename or "").name).name.strip()
    return (name or "evidence")[:255]


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


@transaction.atomic
def evidence_add(*, actor: Any, report: ProgressReport, filename: str, data: bytes) -> Evidence:
    """Attach a file to a report, after checking its size and its type by content.

    The file is kept once per content (by SHA-256); attaching the same file twice to one
    report returns the first attachment.
    """
    _require_reporter(actor, report.track)
    name = _clean_filename(filename)
    report = ProgressReport.objects.select_for_update().select_related("period").get(pk=report.pk)
    if report.status == ReportStatus.ACCEPTED:
        raise Invalid("the report was accepted and can no longer change")
    if report.period.is_closed:
        raise Invalid(f"the period {report.period.label} is closed: its reports can no longer change")
    limits = rules()
    if len(data) == 0:
        raise Invalid(f"{name} is empty: nothing was attached", details={"file": ["empty"]})
    if len(data) > limits.max_evidence_bytes:
        raise Invalid(
            f"{name} is {_megabytes(len(data))}; evidence files may be at most "
            f"{_megabytes(limits.max_evidence_bytes)}: it was not attached",
            details={"file": ["too large"]},
        )
    sniffed = evidence_files.sniff(data)
    if sniffed.kind is None or sniffed.kind not in limits.evidence_kinds:
        raise Invalid(
            f"{name} is {sniffed.description}, which is not accepted as evidence: attach a "
            f"{evidence_files.describe_kinds(limits.evidence_kinds)} file (its content decides, not its name)",
            details={"file": ["type not allowed"]},
        )
    digest = evidence_files.store(data)
    existing = Evidence.objects.filter(report=report, sha256=digest).first()
    if existing is not None:
        return existing
    return instance_create(
        actor=actor,
        instance=Evidence(
            report=report,
            sha256=digest,
            size=len(data),
            kind=sniffed.kind,
            content_type=evidence_files.KINDS[sniffed.kind][0],
            original_name=name,
            uploaded_at=clock.now(),
            uploaded_by=_user_or_none(actor),
        ),
        action="evidence.added",
    )


@transaction.atomic
def evidence_remove(*, actor: Any, evidence: Evidence) -> None:
    """Detach a file from a report that is not yet accepted (the stored bytes may be shared)."""
    report = evidence.report
    _require_reporter(actor, report.track)
    if report.status == ReportStatus.ACCEPTED:
        raise Invalid("the report was accepted and can no longer change")
    instance_delete(actor=actor, instance=evidence, action="evidence.removed")


# --- 办结: completion, carrying over, reassignment -------------------------------------------------


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
        title=f"申请办结 Completion requested: {track.item} ({track.unit})",
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
    _event(actor=actor, item=item, kind=EventKind.ASSIGNED, track=new_track, text=reason)
    notify.notify(
        recipients=notify.reporters_of(unit),
        kind=NotificationKind.ASSIGNED,
        title=f"新任务（改派）New task (reassigned): {item}",
        body=reason,
        item=item,
    )
    return new_track


# --- instructions (批示) and comments ---------------------------------------------------------


def _owning_units(item: PlanItem) -> list[Unit]:
    return [
        a.unit
        for a in Assignment.objects.filter(item=item, role__in=REPORTING_ROLES)
        .select_related("unit")
        .order_by("id")
    ]


def _leads_over(actor: Any, item: PlanItem) -> bool:
    scope = permissions.scope_for(actor)
    if scope.is_admin:
        return True
    leader_units = scope.units(Role.LEADER)
    owners = {item.plan.owner_unit_id, *(u.pk for u in _owning_units(item))}
    return bool(leader_units & owners)


def _display_name(actor: Any) -> str:
    full_name = getattr(actor, "get_full_name", None)
    return (full_name() if callable(full_name) else "") or str(actor)


def _remark(*, actor: Any, item: PlanItem, text: str, kind: str, audit_action: str) -> ItemEvent:
    text = (text or "").strip()
    if not text:
        raise Invalid("the text is empty", details={"text": ["required"]})
    event = _event(actor=actor, item=item, kind=kind, text=text)
    audit.record(actor=actor, action=audit_action, target=event, after=audit.snapshot(event))
    recipients = [u for unit in _owning_units(item) for u in notify.reporters_of(unit)]
    if kind == EventKind.COMMENT:
        recipients += _planners_of(item.plan)
    label = "领导批示 Instruction" if kind == EventKind.INSTRUCTION else "评论 Comment"
    notify.notify(
        recipients=[u for u in recipients if u.pk != getattr(actor, "pk", None)],
        kind=NotificationKind.INSTRUCTION if kind == EventKind.INSTRUCTION else NotificationKind.COMMENT,
        title=f"{label}: {item}",
        body=f"{_display_name(actor)}: {text}",
        item=item,
    )
    return event


@transaction.atomic
def instruction_create(*, actor: Any, item: PlanItem, text: str) -> ItemEvent:
    """A leader's written instruction on an item (批示); the owning units are notified."""
    permissions.require(actor, Action.VIEW, item)
    if not _leads_over(actor, item):
        raise Forbidden("only leaders over the plan or its units may write instructions (批示)")
    return _remark(
        actor=actor, item=item, text=text, kind=EventKind.INSTRUCTION, audit_action="instruction.created"
    )


@transaction.atomic
def comment_create(*, actor: Any, item: PlanItem, text: str) -> ItemEvent:
    """A comment on an item by its planners, its units' reporters or a leader over it."""
    permissions.require(actor, Action.VIEW, item)
    if not (permissions.can(actor, Action.EDIT, item) or _leads_over(actor, item)):
        raise Forbidden("only the item's planners, its units and leaders may comment on it")
    return _remark(actor=actor, item=item, text=text, kind=EventKind.COMMENT, audit_action="comment.created")


# --- recurring obligations -------------------------------------------------------------------


@transaction.atomic
def occurrence_mark_met(*, actor: Any, occurrence: Occurrence, report: ProgressReport) -> Occurrence:
    """Mark an expected occurrence as met by a submitted or accepted report in its window."""
    if not (
        permissions.can(actor, Action.EDIT, report) or permissions.can(actor, Action.EDIT, report.item.plan)
    ):
        raise Forbidden("only the report's unit or the plan's planners may mark what it meets")
    occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
    if report.item_id != occurrence.item_id:
        raise Invalid("the report is about another item")
    if report.status not in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
        raise Invalid(f"a {report.get_status_display()} report cannot meet an obligation; submit it first")
    period = report.period
    if period.start > occurrence.window_end or period.end < occurrence.window_start:
        raise Invalid(
            f"the report for {period.label} falls outside this occurrence's window "
            f"({occurrence.window_start}–{occurrence.window_end})"
        )
    if occurrence.met_by_id is not None and occurrence.met_by_id != report.pk:
        raise Invalid("this occurrence is already met by another report; unmark it first")
    occurrence = instance_update(
        actor=actor,
        instance=occurrence,
        changes={"met_by": report, "met_at": clock.now(), "met_marked_by": _user_or_none(actor)},
        action="occurrence.met",
    )
    _event(
        actor=actor,
        item=report.item,
        kind=EventKind.OCCURRENCE_MET,
        track=report.track,
        report=report,
        data={"occurrence": occurrence.pk, "window_end": occurrence.window_end.isoformat()},
    )
    return occurrence


@transaction.atomic
def occurrence_unmark(*, actor: Any, occurrence: Occurrence, reason: str) -> Occurrence:
    """The planner withdraws a report's claim to meet an occurrence, with the reason."""
    _require_planner(actor, occurrence.item.plan)
    reason = _required_reason(reason, "unmarking an occurrence")
    occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
    return instance_update(
        actor=actor,
        instance=occurrence,
        changes={"met_by": None, "met_at": None, "met_marked_by": None},
        action="occurrence.unmarked",
        reason=reason,
    )


# --- notifications ------------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, actor: Any, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read."""
    if not Notification.objects.visible_to(actor).filter(pk=notification.pk).exists():
        raise NotFound("no such notification")
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
        audit.record(actor=actor, action="notification.read", target=notification)
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: Any) -> int:
    """Mark all of the actor's unread notifications read; returns how many."""
    count = Notification.objects.visible_to(actor).unread().update(read_at=clock.now())
    audit.record(actor=actor, action="notification.read_all", target=None, after={"count": count})
    return count


# --- calendar feed tokens -----------------------------------------------------------------------


@transaction.atomic
def feed_token_create(*, actor: Any, unit: Unit, label: str = "") -> tuple[FeedToken, str]:
    """A new calendar-feed token for ``unit``: returns the row and the secret, shown only now.

    Only the token's SHA-256 is stored; anyone with the secret reads the unit's deadlines
    until the token is revoked. Members of the unit (or a parent unit) may create one.
    """
    scope = permissions.scope_for(actor)
    if not (scope.is_admin or unit.pk in scope.all_units):
        raise Forbidden(f"only members of {unit} may create its calendar feed")
    raw = secrets.token_urlsafe(32)
    token = FeedToken(
        unit=unit,
        token_hash=FeedToken.hash_of(raw),
        label=label.strip()[:100],
        created_by=actor,
        created_at=clock.now(),
    )
    token.save(force_insert=True)
    audit.record(
        actor=actor, action="feed.token_created", target=token, after={"unit": unit.pk, "label": token.label}
    )
    return token, raw


@transaction.atomic
def feed_token_revoke(*, actor: Any, token: FeedToken) -> FeedToken:
    """Revoke a calendar-feed token: its URL stops working at once."""
    if not FeedToken.objects.visible_to(actor).filter(pk=token.pk).exists():
        raise NotFound("no such calendar feed")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="feed.token_revoked", target=token)
    return token
