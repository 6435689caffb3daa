"""Manual supervision: notices (督办单 / 催办) with the unit's answer and their lifting,
extension requests (申请延期) and a unit returning an assignment before 签收 (退回交办)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from workplan.core import audit, clock
from workplan.core.errors import Invalid
from workplan.core.services import instance_update
from workplan.plans import services as plan_services
from workplan.progress import notify
from workplan.progress import status as rules_module
from workplan.progress.models import (
    EventKind,
    ExtensionRequest,
    ExtensionState,
    NoticeKind,
    NoticeState,
    NotificationKind,
    SupervisionNotice,
    Track,
    TrackState,
)
from workplan.progress.services._common import (
    _event,
    _locked_track,
    _planners_of,
    _require_planner,
    _require_reporter,
    _user_or_none,
)

MAX_TEXT = 2000
LONGEST_EXTENSION = dt.timedelta(days=3 * 366)


def _text(value: str, field: str) -> str:
    cleaned = (value or "").strip()
    # U+FEFF is whitespace to the API schema's pattern (ECMA \s) but not to str.strip().
    if not cleaned.replace("\ufeff", "").strip():
        raise Invalid(gettext("Give a reason."), details={field: ["required"]})
    if len(cleaned) > MAX_TEXT or "\x00" in cleaned:
        raise Invalid(
            gettext("The text is too long (at most %(count)d characters).") % {"count": MAX_TEXT},
            details={field: ["too long"]},
        )
    return cleaned


def _created(actor: Any, row: Any, action: str) -> None:
    audit.record(actor=actor, action=action, target=row, after=audit.snapshot(row))


@transaction.atomic
def notice_issue(
    *, actor: Any, track: Track, reason: str, reply_due: dt.date, kind: str = NoticeKind.NOTICE
) -> SupervisionNotice:
    """A planner issues a supervision notice (督办单) or reminder (催办) to the track's unit."""
    _require_planner(actor, track.item.plan)
    reason = _text(reason, "reason")
    if kind not in NoticeKind.values:
        raise Invalid(gettext("Unknown kind of notice."), details={"kind": ["unknown"]})
    if track.is_closed:
        raise Invalid(gettext("This unit's work on the item is closed."))
    if reply_due < clock.today():
        raise Invalid(gettext("The answer cannot be due in the past."), details={"reply_due": ["past"]})
    notice = SupervisionNotice.objects.create(
        track=track,
        item=track.item,
        unit=track.unit,
        kind=kind,
        reason=reason,
        reply_due=reply_due,
        issued_at=clock.now(),
        issued_by=_user_or_none(actor),
    )
    _created(actor, notice, "notice.issued")
    _event(
        actor=actor,
        item=track.item,
        kind=EventKind.NOTICE_ISSUED,
        track=track,
        text=reason,
        data={"notice": notice.pk, "reply_due": reply_due.isoformat(), "kind": kind},
    )
    notify.notify(
        recipients=notify.reporters_of(track.unit),
        units=[track.unit],
        kind=NotificationKind.NOTICE,
        title=lambda: gettext("Supervision notice: %(item)s") % {"item": track.item},
        body=lambda: (
            gettext("Answer by %(date)s: %(reason)s") % {"date": reply_due.isoformat(), "reason": reason}
        ),
        item=track.item,
    )
    return notice


@transaction.atomic
def notice_answer(*, actor: Any, notice: SupervisionNotice, answer: str) -> SupervisionNotice:
    """The unit answers a notice (情况说明); it may answer again until the notice is lifted."""
    _require_reporter(actor, notice.track)
    answer = _text(answer, "answer")
    notice = (
        SupervisionNotice.objects.select_for_update().select_related("track", "item__plan").get(pk=notice.pk)
    )
    if notice.state == NoticeState.LIFTED:
        raise Invalid(gettext("This notice is already lifted."))
    notice = instance_update(
        actor=actor,
        instance=notice,
        changes={
            "answer": answer,
            "answered_at": clock.now(),
            "answered_by": _user_or_none(actor),
            "state": NoticeState.ANSWERED,
        },
        action="notice.answered",
    )
    _event(
        actor=actor,
        item=notice.item,
        kind=EventKind.NOTICE_ANSWERED,
        track=notice.track,
        text=answer,
        data={"notice": notice.pk},
    )
    notify.notify(
        recipients=_planners_of(notice.item.plan),
        kind=NotificationKind.NOTICE,
        title=lambda: gettext("Notice answered: %(item)s") % {"item": notice.item},
        body=answer,
        item=notice.item,
    )
    return notice


@transaction.atomic
def notice_lift(*, actor: Any, notice: SupervisionNotice, reason: str) -> SupervisionNotice:
    """A planner lifts a notice, with the reason."""
    _require_planner(actor, notice.item.plan)
    reason = _text(reason, "reason")
    notice = SupervisionNotice.objects.select_for_update().select_related("track", "item").get(pk=notice.pk)
    if notice.state == NoticeState.LIFTED:
        raise Invalid(gettext("This notice is already lifted."))
    notice = instance_update(
        actor=actor,
        instance=notice,
        changes={
            "state": NoticeState.LIFTED,
            "lifted_at": clock.now(),
            "lifted_by": _user_or_none(actor),
            "lift_reason": reason,
        },
        action="notice.lifted",
        reason=reason,
    )
    _event(
        actor=actor,
        item=notice.item,
        kind=EventKind.NOTICE_LIFTED,
        track=notice.track,
        text=reason,
        data={"notice": notice.pk},
    )
    return notice


def _current_due(track: Track) -> dt.date:
    item = track.item
    return rules_module.window(start=item.start_date, due=item.due_date, year=item.plan.year)[1]


@transaction.atomic
def extension_request(*, actor: Any, track: Track, reason: str, requested_due: dt.date) -> ExtensionRequest:
    """The unit asks to move the item's deadline (申请延期); the current deadline is kept."""
    _require_reporter(actor, track)
    reason = _text(reason, "reason")
    track = _locked_track(track)
    if track.is_closed:
        raise Invalid(gettext("This unit's work on the item is closed."))
    original = _current_due(track)
    if requested_due <= original:
        raise Invalid(
            gettext("The new deadline must be after the current one (%(date)s).")
            % {"date": original.isoformat()},
            details={"requested_due": ["not later"]},
        )
    if requested_due - original > LONGEST_EXTENSION:
        raise Invalid(
            gettext("An extension of more than three years is not accepted."),
            details={"requested_due": ["too far"]},
        )
    if ExtensionRequest.objects.filter(track=track, state=ExtensionState.PENDING).exists():
        raise Invalid(gettext("An extension request for this task is already awaiting a decision."))
    extension = ExtensionRequest.objects.create(
        track=track,
        item=track.item,
        unit=track.unit,
        reason=reason,
        original_due=original,
        requested_due=requested_due,
        requested_at=clock.now(),
        requested_by=_user_or_none(actor),
    )
    _created(actor, extension, "extension.requested")
    _event(
        actor=actor,
        item=track.item,
        kind=EventKind.EXTENSION_REQUESTED,
        track=track,
        text=reason,
        data={"extension": extension.pk, "from": original.isoformat(), "to": requested_due.isoformat()},
    )
    notify.notify(
        recipients=_planners_of(track.item.plan),
        kind=NotificationKind.EXTENSION,
        title=lambda: gettext("Extension requested: %(item)s") % {"item": track.item},
        body=f"{original.isoformat()} → {requested_due.isoformat()}: {reason}",
        item=track.item,
    )
    return extension


@transaction.atomic
def extension_decide(
    *, actor: Any, extension: ExtensionRequest, approve: bool, note: str = ""
) -> ExtensionRequest:
    """A planner approves (the item's deadline moves; both dates stay on the request) or refuses."""
    _require_planner(actor, extension.item.plan)
    extension = (
        ExtensionRequest.objects.select_for_update()
        .select_related("track", "item__plan")
        .get(pk=extension.pk)
    )
    if extension.state != ExtensionState.PENDING:
        raise Invalid(gettext("This request is already decided."))
    note = (note or "").strip()
    if not approve:
        note = _text(note, "note")
    if len(note) > MAX_TEXT:
        raise Invalid(gettext("The text is too long (at most %(count)d characters).") % {"count": MAX_TEXT})
    extension = instance_update(
        actor=actor,
        instance=extension,
        changes={
            "state": ExtensionState.APPROVED if approve else ExtensionState.REFUSED,
            "decided_at": clock.now(),
            "decided_by": _user_or_none(actor),
            "decision_note": note,
        },
        action="extension.approved" if approve else "extension.refused",
        reason=note,
    )
    if approve:
        plan_services.item_update(actor=actor, item=extension.item, due_date=extension.requested_due)
    _event(
        actor=actor,
        item=extension.item,
        kind=EventKind.EXTENSION_APPROVED if approve else EventKind.EXTENSION_REFUSED,
        track=extension.track,
        text=note,
        data={
            "extension": extension.pk,
            "from": extension.original_due.isoformat(),
            "to": extension.requested_due.isoformat(),
        },
    )
    notify.notify(
        recipients=notify.reporters_of(extension.unit),
        kind=NotificationKind.EXTENSION,
        title=lambda: (
            (gettext("Extension approved: %(item)s") if approve else gettext("Extension refused: %(item)s"))
            % {"item": extension.item}
        ),
        body=note or f"{extension.original_due.isoformat()} → {extension.requested_due.isoformat()}",
        item=extension.item,
    )
    return extension


@transaction.atomic
def track_refuse(*, actor: Any, track: Track, reason: str) -> Track:
    """Before 签收, the unit returns a task that is not its own (退回交办), with the reason."""
    _require_reporter(actor, track)
    reason = _text(reason, "reason")
    track = _locked_track(track)
    if track.state != TrackState.ASSIGNED:
        raise Invalid(gettext("Only a task not yet acknowledged (签收) can be returned."))
    track = instance_update(
        actor=actor,
        instance=track,
        changes={
            "state": TrackState.REFUSED,
            "closed_at": clock.now(),
            "closed_by": _user_or_none(actor),
            "closed_reason": reason,
        },
        action="track.refused",
        reason=reason,
    )
    _event(actor=actor, item=track.item, kind=EventKind.REFUSED, track=track, text=reason)
    notify.notify(
        recipients=_planners_of(track.item.plan),
        kind=NotificationKind.REFUSED,
        title=lambda: gettext("Assignment returned: %(item)s") % {"item": track.item},
        body=f"{track.unit}: {reason}",
        item=track.item,
    )
    return track
