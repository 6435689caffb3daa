"""Permission policies of the organisation: units, users and memberships."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Q

from workplan.accounts.models import Membership, Role, Unit, User
from workplan.core.policy import EVERYTHING, NOTHING, Action, register
from workplan.permissions import Scope, ScopedPolicy, scope_for


@register
class UnitPolicy(ScopedPolicy):
    """Units: everyone signed in reads the tree; administrators change it.

    ``PLAN``: the units whose plans the user may create and import (planners of the unit or a
    parent unit). ``ADD_ALIAS``: any planner may remember another name for a unit while mapping
    the names of an imported document (an alias only helps later imports match).
    ``MEMBER``: units where the user holds any role (or above). ``REPORT``: units the user
    reports for — a personal work list, so administrators pass it only through a reporter role.
    """

    model = Unit
    user_administration = True
    actions: ClassVar[tuple[Action, ...]] = (
        Action.VIEW,
        Action.EDIT,
        Action.PLAN,
        Action.ADD_ALIAS,
        Action.MEMBER,
        Action.REPORT,
    )

    def rule(self, user: Any, action: Action) -> Q:
        if action == Action.REPORT:
            return Q(pk__in=scope_for(user).units(Role.REPORTER))
        return super().rule(user, action)

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        if action == Action.VIEW:
            return EVERYTHING
        if action == Action.MEMBER:
            return Q(pk__in=scope.all_units)
        if action == Action.PLAN:
            return Q(pk__in=scope.units(Role.PLANNER))
        if action == Action.ADD_ALIAS:
            return EVERYTHING if scope.units(Role.PLANNER) else NOTHING
        return NOTHING


@register
class UserPolicy(ScopedPolicy):
    """People: administrators see and manage every account; everyone else only their own."""

    model = User
    user_administration = True
    actions: ClassVar[tuple[Action, ...]] = (Action.VIEW, Action.EDIT, Action.ACT_AS)

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        return Q(pk=scope.user_id) if action in (Action.VIEW, Action.ACT_AS) else NOTHING


@register
class MembershipPolicy(ScopedPolicy):
    """Roles in units: administrators grant and withdraw them; a user reads their own."""

    model = Membership
    user_administration = True

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        return Q(user_id=scope.user_id) if action == Action.VIEW else NOTHING
