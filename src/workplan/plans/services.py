"""Writes to plans, items, promises and assignments; every one checked and audited.

Each service takes the acting user first, checks the permission module, changes the rows
and writes the audit entry in one transaction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from workplan import permissions
from workplan.accounts.models import Unit
from workplan.core import audit
from workplan.core.errors import Invalid
from workplan.core.services import instance_create, instance_delete, instance_update
from workplan.core.tree import lock_forest
from workplan.permissions import Action
from workplan.plans.models import (
    Assignment,
    AssignmentRole,
    Deadline,
    Milestone,
    Plan,
    PlanItem,
    PlanStatus,
    Target,
)

PLAN_FIELDS = frozenset({"title", "year", "status", "owner_unit", "language"})
ITEM_FIELDS = frozenset({"number", "label", "title", "body", "weight", "start_date", "due_date", "status"})
TARGET_FIELDS = frozenset({"text", "kind", "comparator", "value", "value_max", "unit"})
DEADLINE_FIELDS = frozenset({"text", "date"})


def require_planner_of(actor: Any, owner_unit: Unit) -> None:
    permissions.require(
        actor,
        Action.PLAN,
        owner_unit,
        gettext("You are not a planner of %(unit)s, so you cannot create its plans.") % {"unit": owner_unit},
    )


def _only(changes: dict[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise Invalid(f"these fields cannot be changed here: {', '.join(unknown)}")
    return changes


def plan_create(
    *,
    actor: Any,
    title: str,
    year: int,
    owner_unit: Unit,
    status: str = PlanStatus.DRAFT,
    language: str = "zh",
) -> Plan:
    """Create an empty plan owned by ``owner_unit``."""
    require_planner_of(actor, owner_unit)
    plan = Plan(
        title=title.strip(),
        year=year,
        owner_unit=owner_unit,
        status=status,
        language=language,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    return instance_create(actor=actor, instance=plan, action="plan.created")


def plan_update(*, actor: Any, plan: Plan, expected_version: int | None = None, **changes: Any) -> Plan:
    """Change a plan's title, year, status, owner or language."""
    permissions.require(actor, Action.EDIT, plan)
    if "owner_unit" in changes:
        require_planner_of(actor, changes["owner_unit"])
    return instance_update(
        actor=actor,
        instance=plan,
        changes=_only(changes, PLAN_FIELDS),
        action="plan.updated",
        expected_version=expected_version,
    )


def _refuse_if_worked_on(items: Any, what: str) -> None:
    """Work recorded against items (units' progress reports, and so their evidence and the
    timeline) is history: deleting would cascade it away, so the item must be archived."""
    # Reached through the reverse relations by name: plans does not import progress.
    if items.filter(tracks__reports__isnull=False).exists():
        raise Invalid(
            gettext(
                "%(what)s has progress reports and evidence: it cannot be deleted. "
                "Archive it instead (set its status to archived, or close the plan)."
            )
            % {"what": what},
            details={"reports": ["exist"]},
        )


@transaction.atomic
def plan_delete(*, actor: Any, plan: Plan) -> None:
    """Delete a plan and its items (each item's deletion is in the audit log too).

    Refused once units have reported on any of its items: close the plan instead.
    """
    permissions.require(actor, Action.EDIT, plan)
    _refuse_if_worked_on(PlanItem.objects.filter(plan=plan), str(plan))
    items = list(PlanItem.objects.filter(plan=plan))
    for item in items:
        audit.record(actor=actor, action="item.deleted", target=item, before=audit.snapshot(item))
    PlanItem.objects.filter(plan=plan).delete()
    instance_delete(actor=actor, instance=plan, action="plan.deleted")


def _item_fields(
    *,
    number: str,
    label: str,
    title: str,
    body: str,
    weight: Decimal | float | int,
    start_date: dt.date | None,
    due_date: dt.date | None,
) -> dict[str, Any]:
    title = title.strip()
    if not title:
        raise Invalid("an item needs a title", details={"title": ["required"]})
    if start_date and due_date and start_date > due_date:
        raise Invalid("the start date is after the due date", details={"start_date": ["after due date"]})
    return {
        "number": number.strip(),
        "label": label.strip(),
        "title": title,
        "body": body,
        "weight": Decimal(str(weight)),
        "start_date": start_date,
        "due_date": due_date,
    }


@transaction.atomic
def item_create(
    *,
    actor: Any,
    plan: Plan,
    title: str,
    parent: PlanItem | None = None,
    number: str = "",
    label: str = "",
    body: str = "",
    weight: Decimal | float | int = 1,
    start_date: dt.date | None = None,
    due_date: dt.date | None = None,
) -> PlanItem:
    """Append an item to ``plan``, under ``parent`` or as a new top-level part."""
    permissions.require(actor, Action.EDIT, plan)
    if parent is not None and parent.plan_id != plan.pk:
        raise Invalid("the parent item belongs to another plan")
    fields = _item_fields(
        number=number,
        label=label,
        title=title,
        body=body,
        weight=weight,
        start_date=start_date,
        due_date=due_date,
    )
    with transaction.atomic():
        lock_forest(PlanItem)
        if parent is not None:
            parent = PlanItem.objects.get(pk=parent.pk)  # its last child as of the lock
        item: PlanItem = (
            parent.add_child(plan=plan, **fields) if parent else PlanItem.add_root(plan=plan, **fields)
        )
        audit.record(actor=actor, action="item.created", target=item, after=audit.snapshot(item))
    return item


def item_update(
    *, actor: Any, item: PlanItem, expected_version: int | None = None, **changes: Any
) -> PlanItem:
    """Change an item's text, number, weight or dates (planners of its plan only)."""
    permissions.require(actor, Action.EDIT, item.plan)
    changes = _only(changes, ITEM_FIELDS)
    start = changes.get("start_date", item.start_date)
    due = changes.get("due_date", item.due_date)
    if start and due and start > due:
        raise Invalid("the start date is after the due date", details={"start_date": ["after due date"]})
    return instance_update(
        actor=actor, instance=item, changes=changes, action="item.updated", expected_version=expected_version
    )


@transaction.atomic
def item_move(*, actor: Any, item: PlanItem, target: PlanItem, position: str) -> PlanItem:
    """Move ``item`` (with its subtree) relative to ``target``: treebeard positions such as
    'first-child', 'last-child', 'left', 'right'."""
    permissions.require(actor, Action.EDIT, item.plan)
    if target.plan_id != item.plan_id:
        raise Invalid("items can only move within their plan")
    if position not in {"first-child", "last-child", "left", "right"}:
        raise Invalid(f"unknown position {position!r}")
    if target.path.startswith(item.path):
        raise Invalid("an item cannot move into its own subtree")
    before = {"parent_id": getattr(item.get_parent(), "pk", None), "path": item.path}
    item.move(target, pos=position)
    item.refresh_from_db()
    after = {"parent_id": getattr(item.get_parent(), "pk", None), "path": item.path}
    audit.record(actor=actor, action="item.moved", target=item, before=before, after=after)
    return item


@transaction.atomic
def item_delete(*, actor: Any, item: PlanItem) -> None:
    """Delete an item and its subtree, auditing each deleted item.

    Refused once a unit has reported on the item or a sub-item: archive it instead.
    """
    permissions.require(actor, Action.EDIT, item.plan)
    _refuse_if_worked_on(PlanItem.get_tree(item), str(item))
    subtree = list(PlanItem.get_tree(item))
    for node in reversed(subtree):
        audit.record(actor=actor, action="item.deleted", target=node, before=audit.snapshot(node))
    PlanItem.objects.get(pk=item.pk).delete()


def _require_item_editor(actor: Any, item: PlanItem) -> None:
    permissions.require(actor, Action.EDIT, item.plan)


def target_create(*, actor: Any, item: PlanItem, text: str, kind: str, **fields: Any) -> Target:
    """Add a target to an item (planners of its plan only)."""
    _require_item_editor(actor, item)
    _only(fields, TARGET_FIELDS | {"source_start", "source_end"})
    target = Target(item=item, text=text, kind=kind, **fields)
    return instance_create(actor=actor, instance=target, action="target.created")


def target_update(*, actor: Any, target: Target, **changes: Any) -> Target:
    _require_item_editor(actor, target.item)
    return instance_update(
        actor=actor, instance=target, changes=_only(changes, TARGET_FIELDS), action="target.updated"
    )


def target_delete(*, actor: Any, target: Target) -> None:
    _require_item_editor(actor, target.item)
    instance_delete(actor=actor, instance=target, action="target.deleted")


def deadline_create(
    *, actor: Any, item: PlanItem, text: str, date: dt.date | None = None, **fields: Any
) -> Deadline:
    """Add a deadline to an item (planners of its plan only)."""
    _require_item_editor(actor, item)
    _only(fields, frozenset({"source_start", "source_end"}))
    deadline = Deadline(item=item, text=text, date=date, **fields)
    return instance_create(actor=actor, instance=deadline, action="deadline.created")


def deadline_update(*, actor: Any, deadline: Deadline, **changes: Any) -> Deadline:
    _require_item_editor(actor, deadline.item)
    return instance_update(
        actor=actor, instance=deadline, changes=_only(changes, DEADLINE_FIELDS), action="deadline.updated"
    )


def deadline_delete(*, actor: Any, deadline: Deadline) -> None:
    _require_item_editor(actor, deadline.item)
    instance_delete(actor=actor, instance=deadline, action="deadline.deleted")


def milestone_create(*, actor: Any, item: PlanItem, title: str, due_date: dt.date) -> Milestone:
    """Add a dated checkpoint to an item (planners of its plan only)."""
    _require_item_editor(actor, item)
    if item.plan.year and not (item.plan.year - 1 <= due_date.year <= item.plan.year + 5):
        raise Invalid(f"{due_date} is far from the plan's year {item.plan.year}")
    return instance_create(
        actor=actor,
        instance=Milestone(item=item, title=title.strip(), due_date=due_date),
        action="milestone.created",
    )


def milestone_update(*, actor: Any, milestone: Milestone, **changes: Any) -> Milestone:
    """Rename, re-date or tick off (``done_on``) a milestone."""
    _require_item_editor(actor, milestone.item)
    return instance_update(
        actor=actor,
        instance=milestone,
        changes=_only(changes, frozenset({"title", "due_date", "done_on"})),
        action="milestone.updated",
    )


def milestone_delete(*, actor: Any, milestone: Milestone) -> None:
    _require_item_editor(actor, milestone.item)
    instance_delete(actor=actor, instance=milestone, action="milestone.deleted")


def assignment_create(
    *, actor: Any, item: PlanItem, unit: Unit, role: str, source_text: str = ""
) -> Assignment:
    """Make ``unit`` the lead, responsible or cooperating unit of ``item``."""
    _require_item_editor(actor, item)
    if role not in AssignmentRole.values:
        raise Invalid(f"unknown role {role!r}; use lead, responsible or cooperating")
    if Assignment.objects.filter(item=item, unit=unit).exists():
        raise Invalid(f"{unit} is already assigned to this item")
    assignment = Assignment(item=item, unit=unit, role=role, source_text=source_text)
    return instance_create(actor=actor, instance=assignment, action="assignment.created")


def assignment_update(*, actor: Any, assignment: Assignment, role: str) -> Assignment:
    _require_item_editor(actor, assignment.item)
    if role not in AssignmentRole.values:
        raise Invalid(f"unknown role {role!r}; use lead, responsible or cooperating")
    return instance_update(
        actor=actor, instance=assignment, changes={"role": role}, action="assignment.updated"
    )


def assignment_delete(*, actor: Any, assignment: Assignment) -> None:
    _require_item_editor(actor, assignment.item)
    instance_delete(actor=actor, instance=assignment, action="assignment.deleted")


@transaction.atomic
def items_bulk_update(
    *,
    actor: Any,
    items: list[PlanItem],
    unit: Unit | None = None,
    role: str | None = None,
    due_date: dt.date | None = None,
    weight: Decimal | None = None,
) -> int:
    """Apply one unit assignment, due date or weight to a selection of items; returns how many changed."""
    if unit is not None and role not in AssignmentRole.values:
        raise Invalid("choose the role the unit takes: lead, responsible or cooperating")
    changed = 0
    for item in items:
        touched = False
        if unit is not None and role is not None:
            existing = Assignment.objects.filter(item=item, unit=unit).first()
            if existing is None:
                assignment_create(actor=actor, item=item, unit=unit, role=role)
                touched = True
            elif existing.role != role:
                assignment_update(actor=actor, assignment=existing, role=role)
                touched = True
        changes: dict[str, Any] = {}
        if due_date is not None and item.due_date != due_date:
            changes["due_date"] = due_date
        if weight is not None and item.weight != weight:
            changes["weight"] = weight
        if changes:
            item_update(actor=actor, item=item, **changes)
            touched = True
        changed += touched
    return changed
