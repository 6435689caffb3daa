"""Permission policies of plans: plans, items, their promises, assignments and import drafts."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Exists, OuterRef, Q

from workplan.accounts.models import Role
from workplan.core.policy import NOTHING, Action, policy_for, register
from workplan.permissions import ASSIGNED_READER_ROLES, READER_ROLES, Scope, ScopedPolicy
from workplan.plans.models import (
    Assignment,
    AssignmentRole,
    Deadline,
    ImportDraft,
    Milestone,
    Plan,
    PlanItem,
    Target,
)


def _assigned_to(units: frozenset[int], item_ref: str) -> Exists:
    return Exists(Assignment.objects.filter(**{item_ref: OuterRef("pk")}, unit_id__in=units))


@register
class PlanPolicy(ScopedPolicy):
    """Planners of the owner unit (or above) edit a plan; readers of it and of units it is
    assigned to view it."""

    model = Plan

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        if action == Action.EDIT:
            return Q(owner_unit_id__in=scope.units(Role.PLANNER))
        rule = Q(owner_unit_id__in=scope.units(*READER_ROLES))
        assigned_units = scope.units(*ASSIGNED_READER_ROLES)
        return rule | Q(_assigned_to(assigned_units, "item__plan_id")) if assigned_units else rule


@register
class PlanItemPolicy(ScopedPolicy):
    """Items: planners of the plan edit them, reporters of an assigned unit report on them
    (EDIT), readers view them. A leader over the plan's owner or an owning unit writes
    instructions (批示); the item's planners, reporters and leaders comment."""

    model = PlanItem
    actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.EDIT, Action.INSTRUCT, Action.COMMENT)

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        if action == Action.INSTRUCT:
            return self._led(scope)
        if action == Action.COMMENT:
            return self.scope_rule(scope, Action.EDIT) | self._led(scope)
        if action == Action.EDIT:
            rule = Q(plan__owner_unit_id__in=scope.units(Role.PLANNER))
            reporter_units = scope.units(Role.REPORTER)
            return rule | Q(_assigned_to(reporter_units, "item_id")) if reporter_units else rule
        rule = Q(plan__owner_unit_id__in=scope.units(*READER_ROLES))
        assigned_units = scope.units(*ASSIGNED_READER_ROLES)
        return rule | Q(_assigned_to(assigned_units, "item_id")) if assigned_units else rule

    @staticmethod
    def _led(scope: Scope) -> Q:
        leader_units = scope.units(Role.LEADER)
        if not leader_units:
            return NOTHING
        owning = Assignment.objects.filter(
            item_id=OuterRef("pk"),
            unit_id__in=leader_units,
            role__in=(AssignmentRole.LEAD, AssignmentRole.RESPONSIBLE),
        )
        return Q(plan__owner_unit_id__in=leader_units) | Q(Exists(owning))


class ItemPartPolicy(ScopedPolicy):
    """Rows that belong to an item (``item``): seen with the item, changed by its plan's planners."""

    def rule(self, user: Any, action: Action) -> Q:
        if action == Action.EDIT:
            plans = policy_for(Plan).visible(Plan.objects.all(), user, Action.EDIT)
            return Q(item__plan__in=plans.values("pk"))
        items = policy_for(PlanItem).visible(PlanItem.objects.all(), user, Action.VIEW)
        return Q(item__in=items.values("pk"))


@register
class TargetPolicy(ItemPartPolicy):
    model = Target


@register
class DeadlinePolicy(ItemPartPolicy):
    model = Deadline


@register
class MilestonePolicy(ItemPartPolicy):
    model = Milestone


@register
class AssignmentPolicy(ScopedPolicy):
    """Assignments: planners of the plan change them; readers of the plan and of the
    assigned unit see them."""

    model = Assignment

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        if action == Action.EDIT:
            return Q(item__plan__owner_unit_id__in=scope.units(Role.PLANNER))
        return Q(item__plan__owner_unit_id__in=scope.units(*READER_ROLES)) | Q(
            unit_id__in=scope.units(*ASSIGNED_READER_ROLES)
        )


@register
class ImportDraftPolicy(ScopedPolicy):
    """A draft is the working copy of the planner who uploaded it (and administrators')."""

    model = ImportDraft

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        return Q(created_by_id=scope.user_id, owner_unit_id__in=scope.units(Role.PLANNER))
