"""Manual supervision: notices (督办单 / 催办) answered and lifted, extension requests (申请延期)
decided, assignments returned before 签收 (退回交办), occurrences of recurring obligations met."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router
from pydantic import StringConstraints

from workplan.api.endpoints import actor, status
from workplan.api.endpoints.progress import TrackOut, track_out
from workplan.api.schemas import Id, Input, IsoDate, Out, PathId, responses
from workplan.core.errors import NotFound
from workplan.plans import selectors as plan_selectors
from workplan.progress import selectors, services
from workplan.progress.models import (
    ExtensionRequest,
    ExtensionState,
    NoticeKind,
    NoticeState,
    SupervisionNotice,
)
from workplan.progress.services.supervision import MAX_TEXT

router = Router(tags=["supervision"])
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT * 2, pattern=r"^[^\x00]*[^\x00\s][^\x00]*$")]
OptionalText = Annotated[str, StringConstraints(max_length=MAX_TEXT, pattern=r"^[^\x00]*$")]


class NoticeOut(Out):
    id: int
    item_id: int
    track_id: int
    unit_id: int
    kind: NoticeKind
    state: NoticeState
    reason: str
    reply_due: dt.date
    issued_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None
    lifted_at: dt.datetime | None
    lift_reason: str
    version: int


def notice_out(n: SupervisionNotice) -> NoticeOut:
    return NoticeOut(
        id=n.pk,
        item_id=n.item_id,
        track_id=n.track_id,
        unit_id=n.unit_id,
        kind=NoticeKind(n.kind),
        state=NoticeState(n.state),
        reason=n.reason,
        reply_due=n.reply_due,
        issued_at=n.issued_at,
        answer=n.answer,
        answered_at=n.answered_at,
        lifted_at=n.lifted_at,
        lift_reason=n.lift_reason,
        version=n.version,
    )


class NoticeIn(Input):
    track_id: Id
    kind: NoticeKind = NoticeKind.NOTICE
    reason: Text
    reply_due: IsoDate


class NoticeAnswerIn(Input):
    answer: Text


class ReasonIn(Input):
    reason: Text


@router.get("/items/{item_id}/notices", response=responses(list[NoticeOut]), summary="An item's notices")
def notice_list(request: HttpRequest, item_id: PathId) -> list[NoticeOut]:
    user = actor(request)
    item = plan_selectors.item_get_for_user(user=user, item_id=item_id)
    return [notice_out(n) for n in selectors.notice_list(user=user, item=item)]


@router.post(
    "/items/{item_id}/notices",
    response=responses(NoticeOut, 201),
    summary="Issue a supervision notice (督办单) or reminder (催办) to a unit (planners)",
)
def notice_issue(request: HttpRequest, item_id: PathId, payload: NoticeIn) -> Any:
    user = actor(request)
    item = plan_selectors.item_get_for_user(user=user, item_id=item_id)
    track = selectors.track_get_for_user(user=user, track_id=payload.track_id)
    if track.item_id != item.pk:
        raise NotFound("no such task on this item")
    notice = services.notice_issue(
        actor=user, track=track, reason=payload.reason, reply_due=payload.reply_due, kind=payload.kind
    )
    return status(201, notice_out(notice))


@router.get("/notices/{notice_id}", response=responses(NoticeOut), summary="One supervision notice")
def notice_get(request: HttpRequest, notice_id: PathId) -> NoticeOut:
    return notice_out(selectors.notice_get_for_user(user=actor(request), notice_id=notice_id))


@router.post(
    "/notices/{notice_id}/answer",
    response=responses(NoticeOut),
    summary="Answer a notice (情况说明; the unit)",
)
def notice_answer(request: HttpRequest, notice_id: PathId, payload: NoticeAnswerIn) -> NoticeOut:
    user = actor(request)
    notice = selectors.notice_get_for_user(user=user, notice_id=notice_id)
    return notice_out(services.notice_answer(actor=user, notice=notice, answer=payload.answer))


@router.post("/notices/{notice_id}/lift", response=responses(NoticeOut), summary="Lift a notice (planners)")
def notice_lift(request: HttpRequest, notice_id: PathId, payload: ReasonIn) -> NoticeOut:
    user = actor(request)
    notice = selectors.notice_get_for_user(user=user, notice_id=notice_id)
    return notice_out(services.notice_lift(actor=user, notice=notice, reason=payload.reason))


class ExtensionOut(Out):
    id: int
    item_id: int
    track_id: int
    unit_id: int
    state: ExtensionState
    reason: str
    original_due: dt.date
    requested_due: dt.date
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str
    version: int


def extension_out(x: ExtensionRequest) -> ExtensionOut:
    return ExtensionOut(
        id=x.pk,
        item_id=x.item_id,
        track_id=x.track_id,
        unit_id=x.unit_id,
        state=ExtensionState(x.state),
        reason=x.reason,
        original_due=x.original_due,
        requested_due=x.requested_due,
        requested_at=x.requested_at,
        decided_at=x.decided_at,
        decision_note=x.decision_note,
        version=x.version,
    )


class ExtensionIn(Input):
    track_id: Id
    requested_due: IsoDate
    reason: Text


class ApproveIn(Input):
    note: OptionalText = ""


class RefuseIn(Input):
    note: Text


@router.get(
    "/items/{item_id}/extensions",
    response=responses(list[ExtensionOut]),
    summary="An item's extension requests",
)
def extension_list(request: HttpRequest, item_id: PathId) -> list[ExtensionOut]:
    user = actor(request)
    item = plan_selectors.item_get_for_user(user=user, item_id=item_id)
    return [extension_out(x) for x in selectors.extension_list(user=user, item=item)]


@router.post(
    "/items/{item_id}/extensions",
    response=responses(ExtensionOut, 201),
    summary="Ask to move the item's deadline (申请延期; the unit); the current deadline is kept",
)
def extension_request(request: HttpRequest, item_id: PathId, payload: ExtensionIn) -> Any:
    user = actor(request)
    item = plan_selectors.item_get_for_user(user=user, item_id=item_id)
    track = selectors.track_get_for_user(user=user, track_id=payload.track_id)
    if track.item_id != item.pk:
        raise NotFound("no such task on this item")
    extension = services.extension_request(
        actor=user, track=track, reason=payload.reason, requested_due=payload.requested_due
    )
    return status(201, extension_out(extension))


@router.get("/extensions/{extension_id}", response=responses(ExtensionOut), summary="One extension request")
def extension_get(request: HttpRequest, extension_id: PathId) -> ExtensionOut:
    return extension_out(selectors.extension_get_for_user(user=actor(request), extension_id=extension_id))


@router.post(
    "/extensions/{extension_id}/approve",
    response=responses(ExtensionOut),
    summary="Approve an extension: the item's deadline moves, both dates stay on the request (planners)",
)
def extension_approve(request: HttpRequest, extension_id: PathId, payload: ApproveIn) -> ExtensionOut:
    user = actor(request)
    extension = selectors.extension_get_for_user(user=user, extension_id=extension_id)
    return extension_out(
        services.extension_decide(actor=user, extension=extension, approve=True, note=payload.note)
    )


@router.post(
    "/extensions/{extension_id}/refuse",
    response=responses(ExtensionOut),
    summary="Refuse an extension, with the reason (planners)",
)
def extension_refuse(request: HttpRequest, extension_id: PathId, payload: RefuseIn) -> ExtensionOut:
    user = actor(request)
    extension = selectors.extension_get_for_user(user=user, extension_id=extension_id)
    return extension_out(
        services.extension_decide(actor=user, extension=extension, approve=False, note=payload.note)
    )


@router.post(
    "/tracks/{track_id}/refuse",
    response=responses(TrackOut),
    summary="Return a task before 签收 (退回交办), with the reason (the unit)",
)
def track_refuse(request: HttpRequest, track_id: PathId, payload: ReasonIn) -> TrackOut:
    user = actor(request)
    track = selectors.track_get_for_user(user=user, track_id=track_id)
    return track_out(services.track_refuse(actor=user, track=track, reason=payload.reason))


class OccurrenceOut(Out):
    id: int
    item_id: int
    index: int
    window_start: dt.date
    window_end: dt.date
    state: str
    met_by_report_id: int | None


class MeetIn(Input):
    report_id: Id


def occurrence_out(row: Any) -> OccurrenceOut:
    o = row.occurrence
    return OccurrenceOut(
        id=o.pk,
        item_id=o.item_id,
        index=o.index,
        window_start=o.window_start,
        window_end=o.window_end,
        state=row.state,
        met_by_report_id=o.met_by_id,
    )


@router.get(
    "/items/{item_id}/occurrences",
    response=responses(list[OccurrenceOut]),
    summary="The expected occurrences of an item's recurring obligations (met, missed, open, upcoming)",
)
def occurrence_list(request: HttpRequest, item_id: PathId) -> list[OccurrenceOut]:
    user = actor(request)
    item = plan_selectors.item_get_for_user(user=user, item_id=item_id)
    return [occurrence_out(row) for row in selectors.occurrence_list(user=user, item=item)]


def _occurrence_row(user: Any, occurrence_id: int) -> OccurrenceOut:
    occurrence = selectors.occurrence_get_for_user(user=user, occurrence_id=occurrence_id)
    row = next(
        r
        for r in selectors.occurrence_list(user=user, item=occurrence.item)
        if r.occurrence.pk == occurrence.pk
    )
    return occurrence_out(row)


@router.post(
    "/occurrences/{occurrence_id}/met",
    response=responses(OccurrenceOut),
    summary="Mark an occurrence met by a submitted or accepted report in its window",
)
def occurrence_met(request: HttpRequest, occurrence_id: PathId, payload: MeetIn) -> OccurrenceOut:
    user = actor(request)
    occurrence = selectors.occurrence_get_for_user(user=user, occurrence_id=occurrence_id)
    report = selectors.report_get_for_user(user=user, report_id=payload.report_id)
    services.occurrence_mark_met(actor=user, occurrence=occurrence, report=report)
    return _occurrence_row(user, occurrence_id)


@router.post(
    "/occurrences/{occurrence_id}/unmark",
    response=responses(OccurrenceOut),
    summary="Withdraw a report's claim to meet an occurrence, with the reason (planners)",
)
def occurrence_unmark(request: HttpRequest, occurrence_id: PathId, payload: ReasonIn) -> OccurrenceOut:
    user = actor(request)
    occurrence = selectors.occurrence_get_for_user(user=user, occurrence_id=occurrence_id)
    services.occurrence_unmark(actor=user, occurrence=occurrence, reason=payload.reason)
    return _occurrence_row(user, occurrence_id)
