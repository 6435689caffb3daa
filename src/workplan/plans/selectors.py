"""Reads of plans and items, always scoped to the user asking."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from workplan.accounts.models import Unit
from workplan.core.errors import NotFound, pk_or_not_found
from workplan.permissions import Action
from workplan.plans.models import (
    Assignment,
    AssignmentQuerySet,
    ImportDraft,
    ImportDraftQuerySet,
    Milestone,
    Plan,
    PlanItem,
    PlanItemQuerySet,
    PlanQuerySet,
)


def plan_list_for_user(*, user: Any) -> PlanQuerySet:
    """Plans the user may see, with their item counts."""
    return (
        Plan.objects.visible_to(user)
        .select_related("owner_unit")
        .annotate(item_count=Count("items", distinct=True))
        .order_by("-year", "title")
    )


def plan_get_for_user(*, user: Any, plan_id: Any, action: Action = Action.VIEW) -> Plan:
    """The plan, if ``user`` may see (or edit) it; otherwise NotFound, whichever the reason."""
    try:
        return Plan.objects.visible_to(user, action).select_related("owner_unit").get(pk=int(plan_id))
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise NotFound("no such plan") from None


def item_get_for_user(*, user: Any, item_id: Any, action: Action = Action.VIEW) -> PlanItem:
    """The item, if ``user`` may see (or edit) it; otherwise NotFound."""
    try:
        item: PlanItem = PlanItem.objects.visible_to(user, action).select_related("plan").get(pk=int(item_id))
    except (PlanItem.DoesNotExist, ValueError, TypeError):
        raise NotFound("no such item") from None
    return item


def plan_items_for_user(*, user: Any, plan: Plan) -> PlanItemQuerySet:
    """The plan's items the user may see, in document order, with owners and promises.

    A fixed number of queries whatever the plan's size: one for the items, one each for
    assignments (with units), targets and deadlines.
    """
    items: PlanItemQuerySet = (
        PlanItem.objects.visible_to(user)
        .filter(plan=plan)
        .order_by("path")
        .prefetch_related(
            Prefetch(
                "assignments", queryset=Assignment.objects.select_related("unit").order_by("role", "id")
            ),
            "targets",
            "deadlines",
        )
    )
    return items


def item_subtree(*, user: Any, item: PlanItem) -> QuerySet[PlanItem]:
    """``item`` and its descendants visible to ``user``, in one query."""
    subtree: QuerySet[PlanItem] = PlanItem.objects.visible_to(user).filter(
        plan_id=item.plan_id, path__startswith=item.path
    )
    return subtree.order_by("path")


@dataclass(frozen=True)
class Owner:
    """A unit's name and role on an item, for lists that show many items at once."""

    unit_id: int
    name: str
    role: str


def plan_owners(*, user: Any, plan: Plan) -> dict[int, list[Owner]]:
    """Item id -> its owning units, for the whole plan in one query (no model instances)."""
    owners: dict[int, list[Owner]] = defaultdict(list)
    rows = (
        Assignment.objects.visible_to(user)
        .filter(item__plan=plan)
        .order_by("item_id", "role", "unit__path")
        .values_list("item_id", "unit_id", "unit__short_name", "unit__name", "role")
    )
    for item_id, unit_id, short_name, name, role in rows:
        owners[item_id].append(Owner(unit_id=unit_id, name=short_name or name, role=role))
    return owners


def plan_item_search(*, user: Any, plan: Plan, text: str) -> set[str]:
    """Paths of the plan's items whose number, title or body contains ``text`` (any script)."""
    query = Q(title__icontains=text) | Q(body__icontains=text) | Q(label__icontains=text)
    found = PlanItem.objects.visible_to(user).filter(plan=plan).filter(query).values_list("path", flat=True)
    return set(found)


def milestone_get_for_user(*, user: Any, milestone_id: Any, action: Action = Action.VIEW) -> Milestone:
    """A milestone of an item the user may see (or edit); otherwise NotFound."""
    try:
        milestone: Milestone = (
            Milestone.objects.visible_to(user, action).select_related("item__plan").get(pk=int(milestone_id))
        )
    except (Milestone.DoesNotExist, ValueError, TypeError):
        raise NotFound("no such milestone") from None
    return milestone


def assignment_list_for_user(
    *, user: Any, plan: Plan | None = None, item: PlanItem | None = None, unit: Unit | None = None
) -> AssignmentQuerySet:
    assignments = Assignment.objects.visible_to(user).select_related("unit")
    if plan is not None:
        assignments = assignments.filter(item__plan=plan)
    if item is not None:
        assignments = assignments.filter(item=item)
    if unit is not None:
        assignments = assignments.filter(unit=unit)
    return assignments


def assignment_get_for_user(*, user: Any, assignment_id: Any) -> Assignment:
    assignment = (
        Assignment.objects.visible_to(user)
        .select_related("unit", "item__plan")
        .filter(pk=pk_or_not_found(assignment_id))
        .first()
    )
    if assignment is None:
        raise NotFound("no such assignment")
    return assignment


def draft_list_for_user(*, user: Any, status: str | None = None) -> ImportDraftQuerySet:
    """The import drafts the user is reviewing (their own; administrators: all)."""
    drafts = ImportDraft.objects.visible_to(user).select_related("task")
    return drafts.filter(status=status) if status else drafts
