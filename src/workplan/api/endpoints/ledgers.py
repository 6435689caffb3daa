"""Ledgers (the generic register resource), their fields and their records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query
from pydantic import Field, StrictBool, StringConstraints

from workplan.accounts import selectors as unit_selectors
from workplan.api.endpoints import actor, changes_of, status
from workplan.api.pagination import keyset_page
from workplan.api.resources import resource_router
from workplan.api.schemas import (
    DEFAULT_LIMIT,
    NO_NUL,
    SOME_TEXT,
    IdCursor,
    Input,
    Limit,
    Out,
    PathId,
    QueryId,
    RefId,
    Version,
    responses,
)
from workplan.core.policy import Action
from workplan.ledgers import selectors, services
from workplan.ledgers.models import FieldKind, Ledger, LedgerField, LedgerRecord
from workplan.ledgers.registers import LEDGERS

Code = Annotated[str, StringConstraints(max_length=50, pattern=r"^[A-Za-z0-9_-]+$")]
LedgerName = Annotated[str, StringConstraints(max_length=200, pattern=SOME_TEXT)]
Description = Annotated[str, StringConstraints(max_length=5000, pattern=NO_NUL)]
FieldKey = Annotated[str, StringConstraints(max_length=40, pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Choice = Annotated[str, StringConstraints(max_length=200, pattern=SOME_TEXT)]
MeasureUnit = Annotated[str, StringConstraints(max_length=40, pattern=NO_NUL)]
Value = str | float | bool | list[str] | None
Values = Annotated[
    dict[Annotated[str, StringConstraints(max_length=40)], Value],
    Field(max_length=200, description="Values by field key, checked against the ledger's fields."),
]


class FieldOut(Out):
    id: int
    key: str
    label: str
    kind: FieldKind
    required: bool
    choices: list[str]
    measure_unit: str
    position: int
    retired: bool
    version: int


def field_out(field: LedgerField) -> FieldOut:
    return FieldOut(
        id=field.pk,
        key=field.key,
        label=field.label,
        kind=FieldKind(field.kind),
        required=field.required,
        choices=[str(c) for c in field.choices],
        measure_unit=field.measure_unit,
        position=field.position,
        retired=field.retired,
        version=field.version,
    )


class LedgerOut(Out):
    id: int
    code: str
    name: str
    description: str
    owner_unit_id: int
    keeping_unit_ids: list[int]
    is_active: bool
    fields: list[FieldOut]
    version: int


def ledgers_out(request: HttpRequest, rows: Sequence[Ledger]) -> list[LedgerOut]:
    """A page of ledgers with their fields and keeping units (two queries for the page)."""
    fields, keeping = selectors.ledger_page_details(user=actor(request), ledger_ids=[row.pk for row in rows])
    return [
        LedgerOut(
            id=row.pk,
            code=row.code,
            name=row.name,
            description=row.description,
            owner_unit_id=row.owner_unit_id,
            keeping_unit_ids=sorted(keeping[row.pk]),
            is_active=row.is_active,
            fields=[field_out(f) for f in fields[row.pk]],
            version=row.version,
        )
        for row in rows
    ]


class LedgerIn(Input):
    code: Code
    name: LedgerName
    owner_unit_id: RefId
    keeping_unit_ids: list[RefId] = Field(default_factory=list, max_length=500)
    description: Description = ""


class LedgerPatch(Input):
    version: Version
    name: LedgerName | None = None
    description: Description | None = None
    is_active: StrictBool | None = None
    keeping_unit_ids: list[RefId] | None = Field(None, max_length=500)


def _units(request: HttpRequest, ids: list[int]) -> list[Any]:
    return [unit_selectors.unit_get_by_id_for_user(user=actor(request), unit_id=pk) for pk in ids]


def _create_values(request: HttpRequest, payload: LedgerIn) -> dict[str, Any]:
    return {
        "code": payload.code,
        "name": payload.name,
        "description": payload.description,
        "owner_unit": unit_selectors.unit_get_by_id_for_user(
            user=actor(request), unit_id=payload.owner_unit_id
        ),
        "keeping_units": _units(request, payload.keeping_unit_ids),
    }


def _update_values(request: HttpRequest, payload: LedgerPatch) -> dict[str, Any]:
    values = {k: v for k, v in changes_of(payload, exclude={"keeping_unit_ids"}).items() if v is not None}
    if payload.keeping_unit_ids is not None:
        values["keeping_units"] = _units(request, payload.keeping_unit_ids)
    return values


router = resource_router(
    LEDGERS,
    tag="ledgers",
    noun="ledger",
    id_param="ledger_id",
    out=LedgerOut,
    to_out=ledgers_out,
    create_in=LedgerIn,
    update_in=LedgerPatch,
    create_values=_create_values,
    update_values=_update_values,
)


# --- fields ---------------------------------------------------------------------------------


class FieldIn(Input):
    label: LedgerName
    kind: FieldKind
    key: FieldKey | None = None
    required: StrictBool = False
    choices: list[Choice] = Field(default_factory=list, max_length=200)
    measure_unit: MeasureUnit = ""


class FieldPatch(Input):
    version: Version
    label: LedgerName | None = None
    kind: FieldKind | None = None
    required: StrictBool | None = None
    choices: list[Choice] | None = Field(None, max_length=200)
    measure_unit: MeasureUnit | None = None
    retired: StrictBool | None = None


@router.post(
    "/ledgers/{ledger_id}/fields",
    response=responses(FieldOut, 201),
    summary="Add a field to a ledger (its planners)",
)
def field_create(request: HttpRequest, ledger_id: PathId, payload: FieldIn) -> Any:
    user = actor(request)
    ledger = selectors.ledger_get_for_user(user=user, key=ledger_id, by="pk", action=Action.EDIT)
    values = payload.model_dump()
    values["key"] = values["key"] or ""
    return status(201, field_out(services.field_add(actor=user, ledger=ledger, **values)))


@router.patch(
    "/ledger-fields/{field_id}",
    response=responses(FieldOut),
    summary="Rename, retire or change a field (refused when it would orphan recorded values)",
)
def field_update(request: HttpRequest, field_id: PathId, payload: FieldPatch) -> FieldOut:
    user = actor(request)
    field = selectors.field_get_for_user(user=user, field_id=field_id, action=Action.EDIT)
    changes = {k: v for k, v in changes_of(payload).items() if v is not None}
    return field_out(
        services.field_update(actor=user, field=field, expected_version=payload.version, **changes)
    )


@router.delete(
    "/ledger-fields/{field_id}", response=responses(None, 204), summary="Delete a field that holds no values"
)
def field_delete(request: HttpRequest, field_id: PathId) -> Any:
    user = actor(request)
    services.field_delete(
        actor=user, field=selectors.field_get_for_user(user=user, field_id=field_id, action=Action.EDIT)
    )
    return status(204, None)


# --- records --------------------------------------------------------------------------------


class RecordOut(Out):
    id: int
    ledger_id: int
    unit_id: int
    item_id: int | None
    occurrence_id: int | None
    values: dict[str, Any]
    version: int


class RecordPage(Out):
    items: list[RecordOut]
    next_cursor: str | None


def record_out(record: LedgerRecord) -> RecordOut:
    return RecordOut(
        id=record.pk,
        ledger_id=record.ledger_id,
        unit_id=record.unit_id,
        item_id=record.item_id,
        occurrence_id=record.occurrence_id,
        values=dict(record.values),
        version=record.version,
    )


class RecordIn(Input):
    unit_id: RefId
    values: Values
    item_id: RefId | None = None
    occurrence_id: RefId | None = Field(
        None, description="An occurrence of a recurring obligation this record meets."
    )


class RecordPatch(Input):
    version: Version
    unit_id: RefId | None = None
    values: Values | None = None
    item_id: RefId | None = None
    occurrence_id: RefId | None = None


@router.get(
    "/ledgers/{ledger_id}/records", response=responses(RecordPage), summary="A ledger's records you may see"
)
def record_list(
    request: HttpRequest,
    ledger_id: PathId,
    unit_id: QueryId = None,
    indicator: Annotated[str | None, Query(max_length=50, pattern=r"^[A-Za-z0-9_-]+$")] = None,
    cursor: IdCursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> RecordPage:
    user = actor(request)
    ledger = selectors.ledger_get_for_user(user=user, key=ledger_id, by="pk")
    unit = unit_selectors.unit_get_by_id_for_user(user=user, unit_id=unit_id) if unit_id else None
    measured = selectors.indicator_get_for_user(user=user, key=indicator) if indicator else None
    rows = selectors.record_rows(user=user, ledger=ledger, unit=unit, indicator=measured)
    page, next_cursor = keyset_page(rows, key="id", cursor=cursor, limit=limit)
    return RecordPage(items=[record_out(r) for r in page], next_cursor=next_cursor)


def _links(request: HttpRequest, payload: Any) -> dict[str, Any]:
    user, links = actor(request), {}
    if payload.item_id is not None:
        links["item"] = selectors.item_get_for_user(user=user, item_id=payload.item_id)
    if payload.occurrence_id is not None:
        links["occurrence"] = selectors.occurrence_get_for_user(
            user=user, occurrence_id=payload.occurrence_id
        )
    return links


@router.post("/ledgers/{ledger_id}/records", response=responses(RecordOut, 201), summary="Add a record")
def record_create(request: HttpRequest, ledger_id: PathId, payload: RecordIn) -> Any:
    user = actor(request)
    ledger = selectors.ledger_get_for_user(user=user, key=ledger_id, by="pk")
    unit = unit_selectors.unit_get_by_id_for_user(user=user, unit_id=payload.unit_id)
    record = services.record_create(
        actor=user, ledger=ledger, unit=unit, values=payload.values, **_links(request, payload)
    )
    return status(201, record_out(record))


@router.get("/ledger-records/{record_id}", response=responses(RecordOut), summary="One record")
def record_get(request: HttpRequest, record_id: PathId) -> RecordOut:
    return record_out(selectors.record_get_for_user(user=actor(request), record_id=record_id))


@router.patch("/ledger-records/{record_id}", response=responses(RecordOut), summary="Change a record")
def record_update(request: HttpRequest, record_id: PathId, payload: RecordPatch) -> RecordOut:
    user = actor(request)
    record = selectors.record_get_for_user(user=user, record_id=record_id, action=Action.EDIT)
    changes: dict[str, Any] = _links(request, payload)
    if payload.values is not None:
        changes["values"] = payload.values
    if payload.unit_id is not None:
        changes["unit"] = unit_selectors.unit_get_by_id_for_user(user=user, unit_id=payload.unit_id)
    return record_out(
        services.record_update(actor=user, record=record, expected_version=payload.version, **changes)
    )


@router.delete("/ledger-records/{record_id}", response=responses(None, 204), summary="Delete a record")
def record_delete(request: HttpRequest, record_id: PathId) -> Any:
    user = actor(request)
    services.record_delete(
        actor=user, record=selectors.record_get_for_user(user=user, record_id=record_id, action=Action.EDIT)
    )
    return status(204, None)
