"""Importing a plan document: upload → review the draft (preview, corrections, unit mapping) → confirm."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import File, Form, Router
from ninja.files import UploadedFile
from pydantic import Field, StringConstraints

from workplan.accounts import selectors as unit_selectors
from workplan.api.endpoints import actor, read_upload, status
from workplan.api.endpoints.plans import PlanTitle
from workplan.api.pagination import keyset_page
from workplan.api.schemas import (
    DEFAULT_LIMIT,
    MAX_ID,
    NO_NUL,
    Id,
    IdCursor,
    Input,
    Limit,
    Out,
    PathId,
    Title,
    Year,
    responses,
)
from workplan.plans import draft_review, drafts
from workplan.plans import selectors as plan_selectors
from workplan.plans.models import DraftStatus, ImportDraft
from workplan.tasks.models import TaskState

router = Router(tags=["imports"])

Key = Annotated[
    str, StringConstraints(pattern=r"^i[0-9]{1,9}$"), Field(description="An item's `key` in the draft.")
]


class DraftTargetOut(Out):
    text: str
    kind: str
    comparator: str | None
    value: float | None
    value_max: float | None
    unit: str | None
    accepted: bool


class DraftDeadlineOut(Out):
    text: str
    date: dt.date | None
    accepted: bool


class DraftMentionOut(Out):
    text: str
    role: str
    accepted: bool


class DraftItemOut(Out):
    key: str
    level: int
    number: str
    label: str
    title: str
    text: str
    confidence: float
    reasons: list[str] = Field(
        description="Why the parser is unsure of this item (codes: numbering_skipped, "
        "label_glued_to_text, numbered_sentences_in_body, long_body, …); empty when it is not."
    )
    targets: list[DraftTargetOut]
    deadlines: list[DraftDeadlineOut]
    units: list[DraftMentionOut]


class DraftUnitOut(Out):
    name: str = Field(description="The unit's name as the document writes it.")
    match: str = Field(description="exact, alias, suggestion, chosen or none.")
    unit_id: int | None
    suggestions: list[int]
    remember: bool = Field(description="Remember the name as an alias of the unit when confirming.")


class DraftDoubtOut(Out):
    key: str
    number: str
    title: str
    reasons: list[str] = Field(description="Item reasons, and unit_not_in_organisation.")


class DraftSummaryOut(Out):
    id: int
    title: str
    year: int | None
    year_source: Literal["given", "title", "guessed"] | None = Field(
        description="Where the year came from; 'guessed' (from the text's years) asks for a check."
    )
    language: str
    owner_unit_id: int
    source_name: str
    status: DraftStatus = Field(
        description="reading: a large document is being read by the background task `task_id`; "
        "unreadable: it was not a plan (`error` says why)."
    )
    plan_id: int | None
    item_count: int
    created_at: dt.datetime
    version: int
    task_id: int | None
    task_state: TaskState | None
    error: str


class DraftOut(DraftSummaryOut):
    items: list[DraftItemOut]
    units: list[DraftUnitOut]
    doubts: list[DraftDoubtOut] = Field(description="The places to check first, in document order.")


class DraftPage(Out):
    items: list[DraftSummaryOut]
    next_cursor: str | None


def _summary(draft: ImportDraft) -> dict[str, Any]:
    return {
        "id": draft.pk,
        "title": draft.title,
        "year": draft.year,
        "year_source": _year_source(draft),
        "language": draft.language,
        "owner_unit_id": draft.owner_unit_id,
        "source_name": draft.source_name,
        "status": DraftStatus(draft.status),
        "plan_id": draft.plan_id,
        "item_count": len(draft.data.get("items", [])),
        "created_at": draft.created_at,
        "version": draft.version,
        "task_id": draft.task_id,
        "task_state": TaskState(draft.task.state) if draft.task else None,
        "error": draft.error,
    }


def _year_source(draft: ImportDraft) -> Literal["given", "title", "guessed"] | None:
    source = draft.data.get("year_source")
    return source if source in ("given", "title", "guessed") else None


def _date(raw: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def _optional_float(raw: Any) -> float | None:
    return float(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else None


def draft_out(draft: ImportDraft) -> DraftOut:
    items = [
        DraftItemOut(
            key=str(item["key"]),
            level=int(item["level"]),
            number=str(item.get("number") or ""),
            label=str(item.get("label") or ""),
            title=str(item.get("title") or ""),
            text=str(item.get("text") or ""),
            confidence=float(item.get("confidence") or 0),
            reasons=[str(reason) for reason in item.get("reasons", [])],
            targets=[
                DraftTargetOut(
                    text=str(t.get("text") or ""),
                    kind=str(t.get("kind") or ""),
                    comparator=t.get("comparator") or None,
                    value=_optional_float(t.get("value")),
                    value_max=_optional_float(t.get("value_max")),
                    unit=t.get("unit") or None,
                    accepted=bool(t.get("accepted")),
                )
                for t in item.get("targets", [])
            ],
            deadlines=[
                DraftDeadlineOut(
                    text=str(d.get("text") or ""), date=_date(d.get("date")), accepted=bool(d.get("accepted"))
                )
                for d in item.get("deadlines", [])
            ],
            units=[
                DraftMentionOut(
                    text=str(u.get("text") or ""),
                    role=str(u.get("role") or ""),
                    accepted=bool(u.get("accepted")),
                )
                for u in item.get("units", [])
            ],
        )
        for item in draft.data.get("items", [])
    ]
    units = [
        DraftUnitOut(
            name=name,
            match=str(entry.get("match") or "none"),
            unit_id=entry.get("unit_id"),
            suggestions=[int(pk) for pk in entry.get("suggestions", [])],
            remember=bool(entry.get("remember")),
        )
        for name, entry in draft.data.get("units", {}).items()
    ]
    doubts = [DraftDoubtOut(**doubt) for doubt in draft_review.review_doubts(draft)]
    return DraftOut(**_summary(draft), items=items, units=units, doubts=doubts)


@router.get("/imports", response=responses(DraftPage), summary="Your import drafts (administrators: all)")
def draft_list(
    request: HttpRequest,
    status: DraftStatus | None = None,
    cursor: IdCursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> DraftPage:
    drafts_found = plan_selectors.draft_list_for_user(user=actor(request), status=status)
    rows, next_cursor = keyset_page(drafts_found, key="id", cursor=cursor, limit=limit, descending=True)
    return DraftPage(items=[DraftSummaryOut(**_summary(d)) for d in rows], next_cursor=next_cursor)


@router.post(
    "/imports",
    response=responses(DraftOut, 201),
    summary="Upload a plan document (.docx, .xlsx, .pdf, .txt, .md): it is read into a draft to review",
)
def draft_create(
    request: HttpRequest,
    owner_unit_id: Annotated[int, Form(ge=1, le=MAX_ID, description="The unit that will own the plan.")],
    file: File[UploadedFile] = None,  # type: ignore[assignment]
    # Not nullable in the schema: a multipart form cannot send null, it leaves the field out.
    year: Annotated[int, Form(ge=1990, le=2200, description="Default: read from the document.")] = None,  # type: ignore[assignment]  # noqa: RUF013
) -> Any:
    user = actor(request)
    owner = unit_selectors.unit_get_by_id_for_user(user=user, unit_id=owner_unit_id)
    name, data = read_upload(file)
    draft = drafts.draft_create(actor=user, data=data, filename=name, owner_unit=owner, year=year)
    return status(201, draft_out(draft))


@router.get(
    "/imports/{draft_id}", response=responses(DraftOut), summary="A draft: its items, promises and unit names"
)
def draft_get(request: HttpRequest, draft_id: PathId) -> DraftOut:
    return draft_out(drafts.draft_get_for_user(user=actor(request), draft_id=draft_id))


class RenameEdit(Input):
    action: Literal["rename"]
    key: Key
    title: Title


class IndentEdit(Input):
    action: Literal["indent"]
    key: Key


class OutdentEdit(Input):
    action: Literal["outdent"]
    key: Key


class MergeEdit(Input):
    action: Literal["merge"]
    key: Key


class SplitEdit(Input):
    action: Literal["split"]
    key: Key
    paragraph: int = Field(
        ge=0, le=100_000, description="The body paragraph (0-based) that starts the new item."
    )


class SplitNumberedEdit(Input):
    action: Literal["split_numbered"]
    key: Key


class YearEdit(Input):
    action: Literal["year"]
    year: Year


class PromiseEdit(Input):
    action: Literal["promise"]
    key: Key
    kind: Literal["targets", "deadlines", "units"]
    index: int = Field(ge=0, le=100_000)
    accepted: bool


DraftEdit = Annotated[
    RenameEdit
    | IndentEdit
    | OutdentEdit
    | MergeEdit
    | SplitEdit
    | SplitNumberedEdit
    | YearEdit
    | PromiseEdit,
    Field(discriminator="action"),
]


@router.post(
    "/imports/{draft_id}/edits",
    response=responses(DraftOut),
    summary="Correct the draft: rename, indent, outdent, merge or split an item (at a paragraph or at its "
    "numbered sentences); set the plan's year; accept or drop a promise",
)
def draft_edit(request: HttpRequest, draft_id: PathId, payload: DraftEdit) -> DraftOut:
    user = actor(request)
    draft = drafts.draft_get_for_user(user=user, draft_id=draft_id)
    if isinstance(payload, RenameEdit):
        draft = drafts.draft_rename(actor=user, draft=draft, key=payload.key, title=payload.title)
    elif isinstance(payload, IndentEdit):
        draft = drafts.draft_indent(actor=user, draft=draft, key=payload.key)
    elif isinstance(payload, OutdentEdit):
        draft = drafts.draft_outdent(actor=user, draft=draft, key=payload.key)
    elif isinstance(payload, MergeEdit):
        draft = drafts.draft_merge(actor=user, draft=draft, key=payload.key)
    elif isinstance(payload, SplitEdit):
        draft = drafts.draft_split(actor=user, draft=draft, key=payload.key, paragraph=payload.paragraph)
    elif isinstance(payload, SplitNumberedEdit):
        draft = draft_review.draft_split_numbered(actor=user, draft=draft, key=payload.key)
    elif isinstance(payload, YearEdit):
        draft = draft_review.draft_set_year(actor=user, draft=draft, year=payload.year)
    else:
        draft = drafts.draft_set_promise(
            actor=user,
            draft=draft,
            key=payload.key,
            kind=payload.kind,
            index=payload.index,
            accepted=payload.accepted,
        )
    return draft_out(draft)


class UnitMapIn(Input):
    name: Annotated[str, StringConstraints(max_length=300, pattern=NO_NUL)]
    unit_id: Id | None = Field(description="The unit the name means; null leaves it unassigned.")
    remember: bool = Field(True, description="Remember the name as the unit's alias when confirming.")


@router.post(
    "/imports/{draft_id}/units",
    response=responses(DraftOut),
    summary="Map a unit name found in the document to a unit",
)
def draft_map_unit(request: HttpRequest, draft_id: PathId, payload: UnitMapIn) -> DraftOut:
    user = actor(request)
    draft = drafts.draft_get_for_user(user=user, draft_id=draft_id)
    unit = (
        unit_selectors.unit_get_by_id_for_user(user=user, unit_id=payload.unit_id)
        if payload.unit_id is not None
        else None
    )
    return draft_out(
        drafts.draft_map_unit(
            actor=user, draft=draft, name=payload.name, unit=unit, remember=payload.remember
        )
    )


class ConfirmIn(Input):
    title: PlanTitle | None = Field(None, description="Default: the draft's title.")
    year: Year | None = Field(None, description="Default: the draft's year.")


class ImportResultOut(Out):
    plan_id: int
    items: int
    targets: int
    deadlines: int
    assignments: int
    unmatched_units: list[str]


@router.post(
    "/imports/{draft_id}/confirm",
    response=responses(ImportResultOut, 201),
    summary="Store the reviewed draft as a plan (in one transaction)",
)
def draft_confirm(request: HttpRequest, draft_id: PathId, payload: ConfirmIn) -> Any:
    user = actor(request)
    draft = drafts.draft_get_for_user(user=user, draft_id=draft_id)
    result = drafts.draft_confirm(actor=user, draft=draft, title=payload.title, year=payload.year)
    return status(
        201,
        ImportResultOut(
            plan_id=result.plan.pk,
            items=result.items,
            targets=result.targets,
            deadlines=result.deadlines,
            assignments=result.assignments,
            unmatched_units=list(result.unmatched_units),
        ),
    )


@router.post("/imports/{draft_id}/discard", response=responses(DraftSummaryOut), summary="Discard a draft")
def draft_discard(request: HttpRequest, draft_id: PathId) -> DraftSummaryOut:
    user = actor(request)
    draft = drafts.draft_get_for_user(user=user, draft_id=draft_id)
    return DraftSummaryOut(**_summary(drafts.draft_discard(actor=user, draft=draft)))
