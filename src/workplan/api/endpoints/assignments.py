"""Assignments: which unit leads, is responsible for, or cooperates on an item."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router
from pydantic import Field, StringConstraints

from workplan.accounts import selectors as unit_selectors
from workplan.api.endpoints import actor, status
from workplan.api.pagination import keyset_page
from workplan.api.schemas import (
    DEFAULT_LIMIT,
    NO_NUL,
    Id,
    IdCursor,
    Input,
    Limit,
    Out,
    PathId,
    QueryId,
    responses,
)
from workplan.plans import selectors as plan_selectors
from workplan.plans import services
from workplan.plans.models import Assignment, AssignmentRole

router = Router(tags=["assignments"])


class AssignmentOut(Out):
    id: int
    item_id: int
    unit_id: int
    unit_name: str
    role: AssignmentRole
    source_text: str = Field(description="The unit's name as the plan document wrote it.")
    version: int


class AssignmentPage(Out):
    items: list[AssignmentOut]
    next_cursor: str | None


def assignment_out(assignment: Assignment) -> AssignmentOut:
    return AssignmentOut(
        id=assignment.pk,
        item_id=assignment.item_id,
        unit_id=assignment.unit_id,
        unit_name=assignment.unit.name,
        role=AssignmentRole(assignment.role),
        source_text=assignment.source_text,
        version=assignment.version,
    )


@router.get("/assignments", response=responses(AssignmentPage), summary="Assignments you may see")
def assignment_list(
    request: HttpRequest,
    plan_id: QueryId = None,
    item_id: QueryId = None,
    unit_id: QueryId = None,
    cursor: IdCursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> AssignmentPage:
    user = actor(request)
    assignments = plan_selectors.assignment_list_for_user(
        user=user,
        plan=plan_selectors.plan_get_for_user(user=user, plan_id=plan_id) if plan_id is not None else None,
        item=plan_selectors.item_get_for_user(user=user, item_id=item_id) if item_id is not None else None,
        unit=unit_selectors.unit_get_by_id_for_user(user=user, unit_id=unit_id)
        if unit_id is not None
        else None,
    )
    rows, next_cursor = keyset_page(assignments, key="id", cursor=cursor, limit=limit)
    return AssignmentPage(items=[assignment_out(a) for a in rows], next_cursor=next_cursor)


class AssignmentIn(Input):
    item_id: Id
    unit_id: Id
    role: AssignmentRole
    source_text: Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)] = ""


@router.post(
    "/assignments", response=responses(AssignmentOut, 201), summary="Assign a unit to an item (planners)"
)
def assignment_create(request: HttpRequest, payload: AssignmentIn) -> Any:
    user = actor(request)
    item = plan_selectors.item_get_for_user(user=user, item_id=payload.item_id)
    unit = unit_selectors.unit_get_by_id_for_user(user=user, unit_id=payload.unit_id)
    assignment = services.assignment_create(
        actor=user, item=item, unit=unit, role=payload.role, source_text=payload.source_text
    )
    return status(201, assignment_out(assignment))


@router.get("/assignments/{assignment_id}", response=responses(AssignmentOut), summary="One assignment")
def assignment_get(request: HttpRequest, assignment_id: PathId) -> AssignmentOut:
    return assignment_out(
        plan_selectors.assignment_get_for_user(user=actor(request), assignment_id=assignment_id)
    )


class AssignmentPatch(Input):
    role: AssignmentRole


@router.patch(
    "/assignments/{assignment_id}",
    response=responses(AssignmentOut),
    summary="Change a unit's role (planners)",
)
def assignment_update(request: HttpRequest, assignment_id: PathId, payload: AssignmentPatch) -> AssignmentOut:
    user = actor(request)
    assignment = plan_selectors.assignment_get_for_user(user=user, assignment_id=assignment_id)
    return assignment_out(services.assignment_update(actor=user, assignment=assignment, role=payload.role))


@router.delete(
    "/assignments/{assignment_id}",
    response=responses(None, 204),
    summary="Remove a unit from an item (planners)",
)
def assignment_delete(request: HttpRequest, assignment_id: PathId) -> Any:
    user = actor(request)
    assignment = plan_selectors.assignment_get_for_user(user=user, assignment_id=assignment_id)
    services.assignment_delete(actor=user, assignment=assignment)
    return status(204, None)
