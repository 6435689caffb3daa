"""The organisation's unit tree: read by everyone signed in, changed by administrators."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Router
from pydantic import Field, StringConstraints

from workplan.accounts import services
from workplan.accounts.models import Unit, UnitKind, UnitQuerySet
from workplan.accounts.selectors import unit_list_for_user
from workplan.api import selectors
from workplan.api.endpoints import actor, changes_of, status
from workplan.api.pagination import keyset_page
from workplan.api.schemas import (
    DEFAULT_LIMIT,
    NO_NUL,
    SOME_TEXT,
    Id,
    Input,
    Limit,
    Out,
    PathCursor,
    PathId,
    QueryId,
    SearchText,
    responses,
)

router = Router(tags=["units"])

Code = Annotated[str, StringConstraints(max_length=50, pattern=r"^[^\x00\s]+$")]
UnitName = Annotated[str, StringConstraints(max_length=200, pattern=SOME_TEXT)]
Alias = Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)]
ShortName = Annotated[str, StringConstraints(max_length=100, pattern=NO_NUL)]


class UnitOut(Out):
    id: int
    code: str
    name: str
    short_name: str
    aliases: list[str]
    kind: UnitKind
    is_active: bool
    parent_id: int | None = Field(description="The parent unit (null for a top unit).")
    depth: int
    version: int


class UnitPage(Out):
    items: list[UnitOut]
    next_cursor: str | None


def unit_out(unit: Unit, parents: dict[str, int]) -> UnitOut:
    return UnitOut(
        id=unit.pk,
        code=unit.code,
        name=unit.name,
        short_name=unit.short_name,
        aliases=[str(a) for a in unit.aliases],
        kind=UnitKind(unit.kind),
        is_active=unit.is_active,
        parent_id=parents.get(unit.path[: -Unit.steplen]) if unit.depth > 1 else None,
        depth=unit.depth,
        version=unit.version,
    )


def _one(request: HttpRequest, unit: Unit) -> UnitOut:
    visible = unit_list_for_user(user=actor(request))
    return unit_out(unit, selectors.tree_parent_ids(Unit, [unit], visible))


@router.get("/units", response=responses(UnitPage), summary="Units, in tree order")
def unit_list(
    request: HttpRequest,
    parent_id: QueryId = None,
    active: bool | None = None,
    q: SearchText = None,
    cursor: PathCursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> UnitPage:
    user = actor(request)
    units: UnitQuerySet = unit_list_for_user(user=user)
    if parent_id is not None:
        parent = selectors.unit_get_by_id_for_user(user=user, unit_id=parent_id)
        units = units.filter(path__startswith=parent.path, depth=parent.depth + 1)
    if active is not None:
        units = units.filter(is_active=active)
    if q:
        units = units.filter(Q(name__icontains=q) | Q(code__icontains=q))
    rows: list[Unit]
    rows, next_cursor = keyset_page(units, key="path", cursor=cursor, limit=limit)
    parents = selectors.tree_parent_ids(Unit, rows, unit_list_for_user(user=user))
    return UnitPage(items=[unit_out(u, parents) for u in rows], next_cursor=next_cursor)


@router.get("/units/{unit_id}", response=responses(UnitOut), summary="One unit")
def unit_get(request: HttpRequest, unit_id: PathId) -> UnitOut:
    return _one(request, selectors.unit_get_by_id_for_user(user=actor(request), unit_id=unit_id))


class UnitIn(Input):
    code: Code
    name: UnitName
    parent_id: Id | None = None
    short_name: ShortName = ""
    aliases: list[Alias] = Field(default_factory=list, max_length=50)
    kind: UnitKind = UnitKind.OTHER


@router.post("/units", response=responses(UnitOut, 201), summary="Add a unit (administrators)")
def unit_create(request: HttpRequest, payload: UnitIn) -> Any:
    user = actor(request)
    parent = (
        selectors.unit_get_by_id_for_user(user=user, unit_id=payload.parent_id)
        if payload.parent_id is not None
        else None
    )
    unit = services.unit_create(
        actor=user,
        code=payload.code,
        name=payload.name,
        parent=parent,
        short_name=payload.short_name,
        aliases=list(payload.aliases),
        kind=payload.kind,
    )
    return status(201, _one(request, unit))


class UnitPatch(Input):
    version: int = Field(
        ge=0, le=2**31, description="The `version` you read: a stale write is refused (409)."
    )
    code: Code | None = None
    name: UnitName | None = None
    short_name: ShortName | None = None
    aliases: list[Alias] | None = Field(None, max_length=50)
    kind: UnitKind | None = None
    is_active: bool | None = None


@router.patch("/units/{unit_id}", response=responses(UnitOut), summary="Change a unit (administrators)")
def unit_update(request: HttpRequest, unit_id: PathId, payload: UnitPatch) -> UnitOut:
    user = actor(request)
    unit = selectors.unit_get_by_id_for_user(user=user, unit_id=unit_id)
    changes = {k: v for k, v in changes_of(payload).items() if v is not None}
    unit = services.unit_update(actor=user, unit=unit, expected_version=payload.version, **changes)
    return _one(request, unit)
