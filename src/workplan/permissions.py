"""The one permission module: who may see and change what, for web, API, CLI and jobs.

A user's *scope* is, per role, the set of units they act for: the unit of each membership
and all its sub-units. Rules are expressed as ``Q`` objects over field paths, so every
list, detail and write applies the same rule in the database:

* admin (membership role, or a superuser): everything;
* planner: view and edit plans owned by a unit in scope, with their items and assignments;
* leader, assessor, viewer: read plans owned in scope and items assigned to units in scope;
* reporter: read and edit (report on) items assigned to a unit in scope; read the plans
  they belong to; never edit the plan or its assignments.

Progress (``track_rule``): tracks, reports and warnings are read like assignments and
written (reported on) by reporters of the unit; planners review them through plan edit.

Reads use ``Model.objects.visible_to(user)``; a missing and a forbidden object look the
same (``NotFound``). Writes call :func:`require`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db.models import Exists, OuterRef, Q

from workplan.accounts.models import Membership, Role, Unit
from workplan.core.errors import Forbidden
from workplan.plans.models import Assignment

# Roles that read every plan owned by a unit in their scope.
READER_ROLES = (Role.PLANNER, Role.LEADER, Role.ASSESSOR, Role.VIEWER)
# Roles that read the items assigned to a unit in their scope, whoever owns the plan.
ASSIGNED_READER_ROLES = (Role.REPORTER, Role.LEADER, Role.ASSESSOR, Role.VIEWER)


class Action(StrEnum):
    VIEW = "view"
    EDIT = "edit"


@dataclass(frozen=True)
class Scope:
    """The units a user acts for, by role (memberships expanded to their subtrees)."""

    user_id: int | None
    is_admin: bool = False
    units_by_role: dict[str, frozenset[int]] = field(default_factory=dict)

    def units(self, *roles: str) -> frozenset[int]:
        found: set[int] = set()
        for role in roles:
            found |= self.units_by_role.get(role, frozenset())
        return frozenset(found)

    @property
    def all_units(self) -> frozenset[int]:
        return self.units(*Role.values)


NOBODY = Scope(user_id=None)
_CACHE_ATTR = "_workplan_scope"


def scope_for(user: Any) -> Scope:
    """The user's scope, computed with two queries and cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return NOBODY
    cached = getattr(user, _CACHE_ATTR, None)
    if isinstance(cached, Scope):
        return cached
    memberships = list(Membership.objects.filter(user_id=user.pk).values_list("role", "unit__path"))
    is_admin = bool(user.is_superuser) or any(role == Role.ADMIN for role, _ in memberships)
    by_role: dict[str, set[int]] = defaultdict(set)
    if memberships:
        subtree = Q()
        for _, path in memberships:
            subtree |= Q(path__startswith=path)
        for unit_id, unit_path in Unit.objects.filter(subtree).values_list("id", "path"):
            for role, path in memberships:
                if unit_path.startswith(path):
                    by_role[role].add(unit_id)
    scope = Scope(
        user_id=user.pk, is_admin=is_admin, units_by_role={r: frozenset(ids) for r, ids in by_role.items()}
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: Any) -> None:
    """Drop the cached scope after the user's memberships changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


_EVERYTHING = ~Q(pk__in=[])
_NOTHING = Q(pk__in=[])


def _assigned_to(units: frozenset[int], item_ref: str) -> Exists:
    return Exists(Assignment.objects.filter(**{item_ref: OuterRef("pk")}, unit_id__in=units))


def plan_rule(scope: Scope, action: Action) -> Q:
    """Which plans the scope may view or edit."""
    if scope.is_admin:
        return _EVERYTHING
    if action == Action.EDIT:
        return Q(owner_unit_id__in=scope.units(Role.PLANNER))
    rule = Q(owner_unit_id__in=scope.units(*READER_ROLES))
    assigned_units = scope.units(*ASSIGNED_READER_ROLES)
    return rule | Q(_assigned_to(assigned_units, "item__plan_id")) if assigned_units else rule


def item_rule(scope: Scope, action: Action) -> Q:
    """Which plan items the scope may view or edit (reporters edit = report on them)."""
    if scope.is_admin:
        return _EVERYTHING
    if action == Action.EDIT:
        rule = Q(plan__owner_unit_id__in=scope.units(Role.PLANNER))
        reporter_units = scope.units(Role.REPORTER)
        return rule | Q(_assigned_to(reporter_units, "item_id")) if reporter_units else rule
    rule = Q(plan__owner_unit_id__in=scope.units(*READER_ROLES))
    assigned_units = scope.units(*ASSIGNED_READER_ROLES)
    return rule | Q(_assigned_to(assigned_units, "item_id")) if assigned_units else rule


def assignment_rule(scope: Scope, action: Action) -> Q:
    """Which assignments the scope may view or edit (edit: planners of the plan only)."""
    if scope.is_admin:
        return _EVERYTHING
    if action == Action.EDIT:
        return Q(item__plan__owner_unit_id__in=scope.units(Role.PLANNER))
    return Q(item__plan__owner_unit_id__in=scope.units(*READER_ROLES)) | Q(
        unit_id__in=scope.units(*ASSIGNED_READER_ROLES)
    )


def track_rule(scope: Scope, action: Action, prefix: str = "") -> Q:
    """Progress tracks, reports (with their evidence) and warnings: one unit's work on one item.

    View as for assignments: readers of the plan's owner unit, and reporters, leaders,
    assessors and viewers of the reporting unit (or a parent unit). Edit (acknowledge, write
    the unit's reports, request completion): reporters of the unit or a parent unit. Review,
    completion and reassignment are plan edits (planners), checked on the plan. ``prefix``
    reaches the track-like row from another model (``"report__"`` for evidence).
    """
    if scope.is_admin:
        return _EVERYTHING
    if action == Action.EDIT:
        return Q(**{f"{prefix}unit_id__in": scope.units(Role.REPORTER)})
    return Q(**{f"{prefix}item__plan__owner_unit_id__in": scope.units(*READER_ROLES)}) | Q(
        **{f"{prefix}unit_id__in": scope.units(*ASSIGNED_READER_ROLES)}
    )


def working_day_rule(scope: Scope, action: Action) -> Q:
    """The holiday and make-up-day list: everyone signed in reads it; administrators change it."""
    return unit_rule(scope, action)


def unit_rule(scope: Scope, action: Action) -> Q:
    """Units: everyone signed in reads the tree; only admins change it."""
    if scope.is_admin:
        return _EVERYTHING
    if action == Action.EDIT or scope.user_id is None:
        return _NOTHING
    return _EVERYTHING


def require(user: Any, action: Action, obj: Any) -> None:
    """Raise :class:`Forbidden` unless ``user`` may do ``action`` to ``obj``.

    The rule is checked in the database (one ``EXISTS`` query) so that it is exactly the
    rule the querysets apply.
    """
    manager = type(obj)._default_manager
    queryset = manager.visible_to(user, action) if hasattr(manager, "visible_to") else None
    if queryset is None:
        raise TypeError(f"{type(obj).__name__} has no visible_to(); it cannot be permission-checked")
    if not queryset.filter(pk=obj.pk).exists():
        raise Forbidden(f"you may not {action.value} {obj}")


def can(user: Any, action: Action, obj: Any) -> bool:
    """True when :func:`require` would pass (for flags such as ``can_edit`` in templates)."""
    try:
        require(user, action, obj)
    except Forbidden:
        return False
    return True
