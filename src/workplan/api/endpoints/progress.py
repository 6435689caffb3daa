"""The supervision chain: tracks (one unit's work on one item), progress reports, evidence files."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import File, Router
from ninja.files import UploadedFile
from pydantic import Field

from workplan.accounts import selectors as unit_selectors
from workplan.api.endpoints import actor, read_upload, status
from workplan.api.pagination import keyset_page
from workplan.api.schemas import (
    DEFAULT_LIMIT,
    ERRORS,
    ErrorOut,
    Id,
    IdCursor,
    Input,
    Limit,
    LongText,
    Note,
    Out,
    PathId,
    QueryId,
    Reason,
    responses,
)
from workplan.plans import selectors as plan_selectors
from workplan.progress import evidence as evidence_files
from workplan.progress import selectors as progress_selectors
from workplan.progress import services
from workplan.progress.models import Evidence, ProgressReport, ReportStatus, SelfStatus, Track, TrackState

router = Router(tags=["progress"])


def _version() -> Any:
    return Field(None, ge=0, le=2**31, description="The `version` you read: a stale write is refused (409).")


class TrackOut(Out):
    id: int
    item_id: int
    unit_id: int
    unit_name: str
    role: str
    state: TrackState
    assigned_at: dt.datetime
    acknowledged_at: dt.datetime | None
    started_at: dt.datetime | None
    completion_requested_at: dt.datetime | None
    closed_at: dt.datetime | None
    closed_reason: str
    latest_percent: int | None
    version: int


class TrackPage(Out):
    items: list[TrackOut]
    next_cursor: str | None


def track_out(track: Track) -> TrackOut:
    return TrackOut(
        id=track.pk,
        item_id=track.item_id,
        unit_id=track.unit_id,
        unit_name=track.unit.name,
        role=track.role,
        state=TrackState(track.state),
        assigned_at=track.assigned_at,
        acknowledged_at=track.acknowledged_at,
        started_at=track.started_at,
        completion_requested_at=track.completion_requested_at,
        closed_at=track.closed_at,
        closed_reason=track.closed_reason,
        latest_percent=track.latest_percent,
        version=track.version,
    )


def _filters(user: Any, plan_id: int | None, item_id: int | None, unit_id: int | None) -> dict[str, Any]:
    return {
        "plan": plan_selectors.plan_get_for_user(user=user, plan_id=plan_id) if plan_id is not None else None,
        "item": plan_selectors.item_get_for_user(user=user, item_id=item_id) if item_id is not None else None,
        "unit": unit_selectors.unit_get_by_id_for_user(user=user, unit_id=unit_id)
        if unit_id is not None
        else None,
    }


@router.get("/tracks", response=responses(TrackPage), summary="Units' tracks (交办 → 办结) you may see")
def track_list(
    request: HttpRequest,
    plan_id: QueryId = None,
    item_id: QueryId = None,
    unit_id: QueryId = None,
    state: TrackState | None = None,
    cursor: IdCursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> TrackPage:
    user = actor(request)
    tracks = progress_selectors.track_list_for_user(
        user=user, state=state, **_filters(user, plan_id, item_id, unit_id)
    )
    rows, next_cursor = keyset_page(tracks, key="id", cursor=cursor, limit=limit)
    return TrackPage(items=[track_out(t) for t in rows], next_cursor=next_cursor)


@router.get("/tracks/{track_id}", response=responses(TrackOut), summary="One unit's track on an item")
def track_get(request: HttpRequest, track_id: PathId) -> TrackOut:
    return track_out(progress_selectors.track_get_for_user(user=actor(request), track_id=track_id))


class StepIn(Input):
    note: Note = ""
    version: int | None = _version()


@router.post(
    "/tracks/{track_id}/acknowledge", response=responses(TrackOut), summary="Acknowledge (签收) a task"
)
def track_acknowledge(request: HttpRequest, track_id: PathId, payload: StepIn) -> TrackOut:
    user = actor(request)
    track = progress_selectors.track_get_for_user(user=user, track_id=track_id)
    return track_out(
        services.track_acknowledge(
            actor=user, track=track, note=payload.note, expected_version=payload.version
        )
    )


@router.post("/tracks/{track_id}/start", response=responses(TrackOut), summary="Start work (办理) on a task")
def track_start(request: HttpRequest, track_id: PathId, payload: StepIn) -> TrackOut:
    user = actor(request)
    track = progress_selectors.track_get_for_user(user=user, track_id=track_id)
    return track_out(
        services.track_start(actor=user, track=track, note=payload.note, expected_version=payload.version)
    )


@router.post(
    "/tracks/{track_id}/request-completion",
    response=responses(TrackOut),
    summary="Report the unit's part done and ask the planner to complete the item",
)
def track_request_completion(request: HttpRequest, track_id: PathId, payload: StepIn) -> TrackOut:
    user = actor(request)
    track = progress_selectors.track_get_for_user(user=user, track_id=track_id)
    return track_out(
        services.track_request_completion(
            actor=user, track=track, note=payload.note, expected_version=payload.version
        )
    )


class ReassignIn(Input):
    unit_id: Id
    reason: Reason
    version: int | None = _version()


@router.post(
    "/tracks/{track_id}/reassign",
    response=responses(TrackOut),
    summary="Move a unit's task to another unit (改派) (planners); returns the new track",
)
def track_reassign(request: HttpRequest, track_id: PathId, payload: ReassignIn) -> TrackOut:
    user = actor(request)
    track = progress_selectors.track_get_for_user(user=user, track_id=track_id)
    unit = unit_selectors.unit_get_by_id_for_user(user=user, unit_id=payload.unit_id)
    return track_out(
        services.track_reassign(
            actor=user, track=track, unit=unit, reason=payload.reason, expected_version=payload.version
        )
    )


class EvidenceOut(Out):
    id: int
    report_id: int
    original_name: str
    size: int
    kind: str
    content_type: str
    sha256: str
    uploaded_at: dt.datetime
    download: str = Field(description="The path to download the file from.")


def evidence_out(evidence: Evidence) -> EvidenceOut:
    return EvidenceOut(
        id=evidence.pk,
        report_id=evidence.report_id,
        original_name=evidence.original_name,
        size=evidence.size,
        kind=evidence.kind,
        content_type=evidence.content_type,
        sha256=evidence.sha256,
        uploaded_at=evidence.uploaded_at,
        download=f"/api/v1/evidence/{evidence.pk}/file",
    )


class ReportOut(Out):
    id: int
    track_id: int
    period_id: int
    item_id: int
    unit_id: int
    narrative: str
    percent: int
    self_status: SelfStatus
    status: ReportStatus
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    review_note: str
    version: int
    evidence: list[EvidenceOut]


class ReportPage(Out):
    items: list[ReportOut]
    next_cursor: str | None


def report_out(report: ProgressReport) -> ReportOut:
    return ReportOut(
        id=report.pk,
        track_id=report.track_id,
        period_id=report.period_id,
        item_id=report.item_id,
        unit_id=report.unit_id,
        narrative=report.narrative,
        percent=report.percent,
        self_status=SelfStatus(report.self_status),
        status=ReportStatus(report.status),
        submitted_at=report.submitted_at,
        reviewed_at=report.reviewed_at,
        review_note=report.review_note,
        version=report.version,
        evidence=[evidence_out(e) for e in report.evidence.all()],
    )


def _report(user: Any, report_id: int) -> ReportOut:
    return report_out(progress_selectors.report_get_for_user(user=user, report_id=report_id))


@router.get("/reports", response=responses(ReportPage), summary="Progress reports you may see")
def report_list(
    request: HttpRequest,
    plan_id: QueryId = None,
    item_id: QueryId = None,
    unit_id: QueryId = None,
    period_id: QueryId = None,
    status: ReportStatus | None = None,
    cursor: IdCursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> ReportPage:
    user = actor(request)
    period = (
        progress_selectors.period_get_for_user(user=user, period_id=period_id)
        if period_id is not None
        else None
    )
    reports = progress_selectors.report_list_for_user(
        user=user, period=period, status=status, **_filters(user, plan_id, item_id, unit_id)
    )
    rows, next_cursor = keyset_page(reports, key="id", cursor=cursor, limit=limit)
    return ReportPage(items=[report_out(r) for r in rows], next_cursor=next_cursor)


class ReportFields(Input):
    narrative: LongText = ""
    percent: int = Field(ge=0, le=100)
    self_status: SelfStatus = SelfStatus.ON_TRACK
    submit: bool = Field(True, description="Submit for review (false: keep it as a draft).")


class ReportIn(ReportFields):
    track_id: Id
    period_id: Id


@router.post(
    "/reports",
    response=responses(ReportOut, 201),
    summary="Write the unit's report (反馈) on a task for a period (its reporters)",
    description="One report per track and period: if one exists already the answer is 409 with the "
    "current report; edit it with PUT /reports/{report_id}.",
)
def report_create(request: HttpRequest, payload: ReportIn) -> Any:
    user = actor(request)
    track = progress_selectors.track_get_for_user(user=user, track_id=payload.track_id)
    period = progress_selectors.period_get_for_user(user=user, period_id=payload.period_id)
    report = services.report_save(
        actor=user,
        track=track,
        period=period,
        narrative=payload.narrative,
        percent=payload.percent,
        self_status=payload.self_status,
        submit=payload.submit,
        expected_version=0,
    )
    return status(201, _report(user, report.pk))


class ReportPut(ReportFields):
    version: int = Field(
        ge=0, le=2**31, description="The `version` you read: a stale write is refused (409)."
    )


@router.get("/reports/{report_id}", response=responses(ReportOut), summary="One progress report")
def report_get(request: HttpRequest, report_id: PathId) -> ReportOut:
    return _report(actor(request), report_id)


@router.put(
    "/reports/{report_id}",
    response=responses(ReportOut),
    summary="Edit (and resubmit) a report that is not yet accepted (its reporters)",
)
def report_update(request: HttpRequest, report_id: PathId, payload: ReportPut) -> ReportOut:
    user = actor(request)
    report = progress_selectors.report_get_for_user(user=user, report_id=report_id)
    services.report_save(
        actor=user,
        track=report.track,
        period=report.period,
        narrative=payload.narrative,
        percent=payload.percent,
        self_status=payload.self_status,
        submit=payload.submit,
        expected_version=payload.version,
    )
    return _report(user, report.pk)


class AcceptIn(Input):
    note: Note = ""
    version: int | None = _version()


class ReturnIn(Input):
    reason: Reason
    version: int | None = _version()


@router.post(
    "/reports/{report_id}/accept",
    response=responses(ReportOut),
    summary="Accept (审核通过) a report (planners)",
)
def report_accept(request: HttpRequest, report_id: PathId, payload: AcceptIn) -> ReportOut:
    user = actor(request)
    report = progress_selectors.report_get_for_user(user=user, report_id=report_id)
    services.report_accept(actor=user, report=report, note=payload.note, expected_version=payload.version)
    return _report(user, report.pk)


@router.post(
    "/reports/{report_id}/return",
    response=responses(ReportOut),
    summary="Return (退回) a report with the reason (planners)",
)
def report_return(request: HttpRequest, report_id: PathId, payload: ReturnIn) -> ReportOut:
    user = actor(request)
    report = progress_selectors.report_get_for_user(user=user, report_id=report_id)
    services.report_return(actor=user, report=report, reason=payload.reason, expected_version=payload.version)
    return _report(user, report.pk)


@router.post(
    "/reports/{report_id}/evidence",
    response=responses(EvidenceOut, 201),
    summary="Attach an evidence file to a report (its reporters)",
    description="PDF, Word, Excel, JPEG, PNG or plain text, judged by content; within the size limit.",
)
def evidence_add(request: HttpRequest, report_id: PathId, file: File[UploadedFile] = None) -> Any:  # type: ignore[assignment]
    user = actor(request)
    report = progress_selectors.report_get_for_user(user=user, report_id=report_id)
    name, data = read_upload(file)
    return status(
        201, evidence_out(services.evidence_add(actor=user, report=report, filename=name, data=data))
    )


@router.get("/evidence/{evidence_id}", response=responses(EvidenceOut), summary="One evidence file's details")
def evidence_get(request: HttpRequest, evidence_id: PathId) -> EvidenceOut:
    return evidence_out(
        progress_selectors.evidence_get_for_user(user=actor(request), evidence_id=evidence_id)
    )


FILE_TYPES = sorted({content_type for content_type, _ in evidence_files.KINDS.values()})


@router.get(
    "/evidence/{evidence_id}/file",
    response={ERRORS: ErrorOut},
    summary="Download an evidence file (only for those who may see its report)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, with its content type.",
                "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in FILE_TYPES},
            }
        }
    },
)
def evidence_download(request: HttpRequest, evidence_id: PathId) -> FileResponse:
    found = progress_selectors.evidence_open(user=actor(request), evidence_id=evidence_id)
    response = FileResponse(
        found.open(), as_attachment=True, filename=found.filename, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.delete(
    "/evidence/{evidence_id}",
    response=responses(None, 204),
    summary="Detach an evidence file (its reporters)",
)
def evidence_remove(request: HttpRequest, evidence_id: PathId) -> Any:
    user = actor(request)
    evidence = progress_selectors.evidence_get_for_user(user=user, evidence_id=evidence_id)
    services.evidence_remove(actor=user, evidence=evidence)
    return status(204, None)
