"""Who may see and change what, for web, API, CLI and jobs: scopes and the policy registry.

A user's *scope* is, per role, the set of units they act for: the unit of each membership
and all its sub-units (:func:`scope_for`). Every scoped model has one policy object that
states its rule once over that scope (``<app>/policies.py``; the audit log's is here,
since ``core`` has no domain nouns). In short:

* admin (membership role, or a superuser): everything — unless duties are separated
  (``WORKPLAN_SEPARATE_DUTIES``): then administrators manage units, users, roles, tokens and
  the holiday list, and read everything else without editing it (plans are the planners');
* auditor (audit administrator): reads, searches and exports the audit log, and nothing else;
* planner: view and edit plans owned by a unit in scope, with their items and assignments;
* leader, assessor, viewer: read plans owned in scope and items assigned to units in scope;
* reporter: read and edit (report on) items assigned to a unit in scope; read the plans
  they belong to; never edit the plan or its assignments.

Reads use ``Model.objects.visible_to(user, action)``; a missing and a forbidden object look
the same (``NotFound``). Writes call :func:`require` (or the policy's own ``require``).
Templates get flags from views (:func:`flags`), never decide themselves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext

from workplan.accounts.models import SYSTEM_USERNAME, Membership, Role, Unit
from workplan.core.errors import Forbidden
from workplan.core.models import AuditEntry
from workplan.core.policy import EVERYTHING, NOTHING, Action, Policy, policy_for, register

__all__ = [
    "ASSIGNED_READER_ROLES",
    "EVERYTHING",
    "NOBODY",
    "NOTHING",
    "READER_ROLES",
    "Action",
    "Scope",
    "ScopedPolicy",
    "can",
    "flags",
    "forget_scope",
    "is_admin",
    "may_read_audit_log",
    "policy_for",
    "require",
    "require_admin",
    "require_audit_reader",
    "scope_for",
]

# Roles that read every plan owned by a unit in their scope.
READER_ROLES = (Role.PLANNER, Role.LEADER, Role.ASSESSOR, Role.VIEWER)
# Roles that read the items assigned to a unit in their scope, whoever owns the plan.
ASSIGNED_READER_ROLES = (Role.REPORTER, Role.LEADER, Role.ASSESSOR, Role.VIEWER)


@dataclass(frozen=True)
class Scope:
    """The units a user acts for, by role (memberships expanded to their subtrees)."""

    user_id: int | None
    is_admin: bool = False
    # False when duties are separated: an administrator then edits no plan data.
    admin_over_data: bool = False
    is_auditor: bool = False
    units_by_role: dict[str, frozenset[int]] = field(default_factory=dict)

    def units(self, *roles: str) -> frozenset[int]:
        found: set[int] = set()
        for role in roles:
            found |= self.units_by_role.get(role, frozenset())
        return frozenset(found)

    @property
    def all_units(self) -> frozenset[int]:
        """The units of every role that works with plan data (not the audit administrator's)."""
        return self.units(*(role for role in Role.values if role != Role.AUDITOR))

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None


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
    admin = bool(user.is_superuser) or any(role == Role.ADMIN for role, _ in memberships)
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
        user_id=user.pk,
        is_admin=admin,
        # The system actor (jobs, setup commands) keeps every right whatever the switch says.
        admin_over_data=admin and (not settings.WORKPLAN_SEPARATE_DUTIES or user.username == SYSTEM_USERNAME),
        is_auditor=any(role == Role.AUDITOR for role, _ in memberships),
        units_by_role={r: frozenset(ids) for r, ids in by_role.items()},
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: Any) -> None:
    """Drop the cached scope after the user's memberships changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


class ScopedPolicy(Policy):
    """A policy whose rule is written over the user's :class:`Scope`.

    Subclasses implement :meth:`scope_rule`; administrators pass every rule unless the
    subclass sets ``admin_passes = False`` (personal lists such as "units I report for").
    With duties separated, administrators pass only the rules of ``user_administration``
    policies (units, users, roles, tokens, holidays) and the VIEW rule of the others.
    """

    admin_passes: ClassVar[bool] = True
    user_administration: ClassVar[bool] = False

    def _admin_passes(self, scope: Scope, action: Action | None) -> bool:
        if not (scope.is_admin and self.admin_passes):
            return False
        return scope.admin_over_data or self.user_administration or action == Action.VIEW

    def rule(self, user: Any, action: Action) -> Q:
        scope = scope_for(user)
        if self._admin_passes(scope, action):
            return EVERYTHING
        if not scope.signed_in:
            return NOTHING
        return self.scope_rule(scope, action)

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        raise NotImplementedError

    def allows_create(self, actor: Any, **values: Any) -> bool:
        scope = scope_for(actor)
        if self._admin_passes(scope, None):
            return True
        return scope.signed_in and self.scope_allows_create(scope, **values)

    def scope_allows_create(self, scope: Scope, **values: Any) -> bool:
        """Who besides administrators may create a row with ``values``; nobody by default."""
        return False


def is_admin(user: Any) -> bool:
    """Administrators manage units, users, the holiday list and the scheduled jobs."""
    return scope_for(user).is_admin


def require_admin(user: Any, what: str) -> None:
    """Raise :class:`Forbidden` unless ``user`` is an administrator (``what``: the refused act)."""
    if not is_admin(user):
        raise Forbidden(gettext("Only administrators may %(what)s.") % {"what": what})


def may_read_audit_log(user: Any) -> bool:
    """The whole audit log: audit administrators, and administrators unless duties are separated."""
    scope = scope_for(user)
    return scope.is_auditor or scope.admin_over_data


def require_audit_reader(user: Any, what: str) -> None:
    """Raise :class:`Forbidden` unless ``user`` may read the whole audit log."""
    if not may_read_audit_log(user):
        raise Forbidden(gettext("Only audit administrators may %(what)s.") % {"what": what})


def require(user: Any, action: Action | str, obj: Any, message: str | None = None) -> None:
    """Raise :class:`Forbidden` unless ``user`` may do ``action`` to ``obj`` (its model's policy)."""
    policy_for(obj).require(user, action, obj, message)


def can(user: Any, action: Action | str, obj: Any) -> bool:
    """True when :func:`require` would pass."""
    return policy_for(obj).allows(user, action, obj)


def flags(user: Any, obj: Any) -> dict[str, bool]:
    """``can_<action>`` for every action of ``obj``'s policy, for a template."""
    return policy_for(obj).flags(user, obj)


@register
class AuditEntryPolicy(ScopedPolicy):
    """The audit log: audit administrators (and administrators, unless duties are separated)
    read all of it; others the entries about objects they see.

    Entries about deleted objects, users and memberships are for administrators only.
    Nobody edits it (there is no EDIT rule that passes; no interface writes it but
    ``core.audit``).
    """

    model = AuditEntry
    # Models whose entries a non-administrator may read when they may see the object.
    readable_models: ClassVar[tuple[str, ...]] = (
        "accounts.Unit",
        "plans.ImportDraft",
        "progress.ReportingCalendar",
        "progress.Period",
        "plans.Plan",
        "plans.PlanItem",
        "plans.Target",
        "plans.Deadline",
        "plans.Assignment",
        "plans.Milestone",
        "progress.ItemProgress",
        "progress.Track",
        "progress.ProgressReport",
        "progress.Evidence",
        "progress.ItemEvent",
        "progress.Occurrence",
        "progress.Notification",
        "api.ApiToken",
    )

    def rule(self, user: Any, action: Action) -> Q:
        if action != Action.VIEW:
            return NOTHING
        if may_read_audit_log(user):
            return EVERYTHING
        scope = scope_for(user)
        return self.scope_rule(scope, action) if scope.signed_in else NOTHING

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        from django.apps import apps

        user = _ScopeUser(scope)
        models = [apps.get_model(label) for label in self.readable_models]
        rule = NOTHING
        for model, content_type in ContentType.objects.get_for_models(*models).items():
            visible = policy_for(model).visible(model._default_manager.all(), user, Action.VIEW)
            keys = visible.annotate(_key=Cast("pk", CharField())).values("_key")
            rule |= Q(target_type=content_type, target_id__in=keys)
        return rule


class _ScopeUser:
    """Stands for a user whose scope is already known, so nested rules reuse it."""

    is_authenticated = True
    is_active = True
    is_superuser = False

    def __init__(self, scope: Scope) -> None:
        self.pk = scope.user_id
        setattr(self, _CACHE_ATTR, scope)
