"""The organisation's unit tree, served by the generic register resource (``api.resources``):
read by everyone signed in, changed by administrators."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from django.http import HttpRequest
from pydantic import Field, StringConstraints

from workplan.accounts import selectors as unit_selectors
from workplan.accounts.models import Unit, UnitKind
from workplan.accounts.registers import UNITS
from workplan.accounts.selectors import unit_list_for_user
from workplan.api.endpoints import actor, changes_of
from workplan.api.resources import resource_router
from workplan.api.schemas import (
    NO_NUL,
    SOME_TEXT,
    Id,
    Input,
    Out,
)
from workplan.core import tree

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


def units_out(request: HttpRequest, rows: Sequence[Unit]) -> list[UnitOut]:
    """A page of units, with their parents' ids found in one query."""
    parents = tree.tree_parent_ids(Unit, rows, unit_list_for_user(user=actor(request)))
    return [unit_out(unit, parents) for unit in rows]


class UnitIn(Input):
    code: Code
    name: UnitName
    parent_id: Id | None = None
    short_name: ShortName = ""
    aliases: list[Alias] = Field(default_factory=list, max_length=50)
    kind: UnitKind = UnitKind.OTHER


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


def _create_values(request: HttpRequest, payload: UnitIn) -> dict[str, Any]:
    values = payload.model_dump(exclude={"parent_id"})
    if payload.parent_id is not None:
        values["parent"] = unit_selectors.unit_get_by_id_for_user(
            user=actor(request), unit_id=payload.parent_id
        )
    return values


def _update_values(request: HttpRequest, payload: UnitPatch) -> dict[str, Any]:
    return {k: v for k, v in changes_of(payload).items() if v is not None}


router = resource_router(
    UNITS,
    tag="units",
    noun="unit",
    id_param="unit_id",
    out=UnitOut,
    to_out=units_out,
    create_in=UnitIn,
    update_in=UnitPatch,
    create_values=_create_values,
    update_values=_update_values,
)
