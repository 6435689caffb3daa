"""Filtered lists of a plan's items (the API's item list), with their progress state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q

from workplan.accounts.models import Unit
from workplan.plans.models import Assignment, Plan, PlanItem, PlanItemQuerySet
from workplan.plans.selectors import plan_items_for_user
from workplan.progress.models import ItemProgress, ItemState


def item_list_for_user(
    *,
    user: Any,
    plan: Plan,
    unit: Unit | None = None,
    include_subunits: bool = False,
    status: str | None = None,
    state: str | None = None,
    due_from: dt.date | None = None,
    due_to: dt.date | None = None,
    text: str | None = None,
    parent: PlanItem | None = None,
    depth: int | None = None,
) -> PlanItemQuerySet:
    """The plan's items the user may see, filtered, in document order, with owners and promises.

    A fixed number of queries whatever the plan's size (see ``plan_items_for_user``); the
    item's progress row comes in the same query.
    """
    items: PlanItemQuerySet = plan_items_for_user(user=user, plan=plan).select_related("progress")
    if unit is not None:
        owners = Assignment.objects.filter(item_id=OuterRef("pk"))
        owners = (
            owners.filter(unit__path__startswith=unit.path) if include_subunits else owners.filter(unit=unit)
        )
        items = items.filter(Exists(owners))
    if status:
        items = items.filter(status=status)
    if state == ItemState.OPEN:  # no progress row yet, or one still open
        closed = ItemProgress.objects.filter(item_id=OuterRef("pk")).exclude(state=ItemState.OPEN)
        items = items.exclude(Exists(closed))
    elif state:
        items = items.filter(Exists(ItemProgress.objects.filter(item_id=OuterRef("pk"), state=state)))
    if due_from is not None:
        items = items.filter(due_date__gte=due_from)
    if due_to is not None:
        items = items.filter(due_date__lte=due_to)
    if text:
        items = items.filter(
            Q(title__icontains=text) | Q(body__icontains=text) | Q(label__icontains=text) | Q(number=text)
        )
    if parent is not None:
        items = items.filter(path__startswith=parent.path, depth=parent.depth + 1)
    if depth is not None:
        items = items.filter(depth=depth)
    return items
