"""Permission policies of ledgers, their fields and records, and indicators.

* Ledgers: planners of the owner unit (or a parent unit) define and change them; readers of
  the owner unit and members of a keeping unit see them. Their fields follow the ledger.
* Records: a unit sees its own and its sub-units' records (any role there) and edits them
  (reporters and planners there); planners, leaders, assessors and viewers of the owner
  unit see all of the ledger's records, and its planners edit them.
* Indicators: seen by readers of the owner unit and by whoever sees the plan item they
  measure; changed by planners of the owner unit. Hand-entered values follow the indicator.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from workplan.accounts.models import Role, Unit
from workplan.core.policy import NOTHING, Action, policy_for, register
from workplan.ledgers.models import Indicator, IndicatorValue, Ledger, LedgerField, LedgerRecord
from workplan.permissions import READER_ROLES, Scope, ScopedPolicy, scope_for
from workplan.plans.models import PlanItem


@register
class LedgerPolicy(ScopedPolicy):
    model = Ledger

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        if action == Action.EDIT:
            return Q(owner_unit_id__in=scope.units(Role.PLANNER))
        kept = Ledger.keeping_units.through.objects.filter(unit_id__in=scope.all_units).values("ledger_id")
        return Q(owner_unit_id__in=scope.units(*READER_ROLES)) | Q(pk__in=kept)

    def scope_allows_create(self, scope: Scope, **values: Any) -> bool:
        owner = values.get("owner_unit")
        if owner is None:  # "may this user create any?" (the list's Add button)
            return bool(scope.units(Role.PLANNER))
        return owner.pk in scope.units(Role.PLANNER)


@register
class LedgerFieldPolicy(ScopedPolicy):
    model = LedgerField

    def rule(self, user: Any, action: Action) -> Q:
        return Q(ledger__in=policy_for(Ledger).visible(Ledger.objects.all(), user, action).values("pk"))


def keeping_subtree(ledger: Ledger) -> Q:
    """The units that may keep records of ``ledger``: its keeping units and their sub-units
    (the owner unit's subtree when it names none)."""
    roots = list(ledger.keeping_units.values_list("path", flat=True)) or [ledger.owner_unit.path]
    subtree = Q()
    for path in roots:
        subtree |= Q(path__startswith=path)
    return subtree


def record_units_for(user: Any, ledger: Ledger) -> Any:
    """The active units ``user`` may add records of ``ledger`` for (the create rule, as rows)."""
    rows = Unit.objects.filter(keeping_subtree(ledger), is_active=True).order_by("path")
    scope = scope_for(user)
    if scope.admin_over_data or ledger.owner_unit_id in scope.units(Role.PLANNER):
        return rows
    return rows.filter(pk__in=scope.units(Role.REPORTER, Role.PLANNER))


@register
class LedgerRecordPolicy(ScopedPolicy):
    model = LedgerRecord

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        if action == Action.EDIT:
            return Q(unit_id__in=scope.units(Role.REPORTER, Role.PLANNER)) | Q(
                ledger__owner_unit_id__in=scope.units(Role.PLANNER)
            )
        return Q(unit_id__in=scope.all_units) | Q(ledger__owner_unit_id__in=scope.units(*READER_ROLES))

    def scope_allows_create(self, scope: Scope, **values: Any) -> bool:
        ledger, unit = values.get("ledger"), values.get("unit")
        if ledger is None or unit is None:
            return False
        if unit.pk not in scope.units(
            Role.REPORTER, Role.PLANNER
        ) and ledger.owner_unit_id not in scope.units(Role.PLANNER):
            return False
        return bool(Unit.objects.filter(keeping_subtree(ledger), pk=unit.pk).exists())

    def allows_create(self, actor: Any, **values: Any) -> bool:
        # Administrators too may only add records for units that keep the ledger.
        scope = scope_for(actor)
        if scope.admin_over_data:
            ledger, unit = values.get("ledger"), values.get("unit")
            return (
                ledger is not None
                and unit is not None
                and Unit.objects.filter(keeping_subtree(ledger), pk=unit.pk).exists()
            )
        return super().allows_create(actor, **values)


@register
class IndicatorPolicy(ScopedPolicy):
    model = Indicator

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        if action == Action.EDIT:
            return Q(owner_unit_id__in=scope.units(Role.PLANNER))
        return Q(owner_unit_id__in=scope.units(*READER_ROLES))

    def rule(self, user: Any, action: Action) -> Q:
        base = super().rule(user, action)
        if action != Action.VIEW or not scope_for(user).signed_in or scope_for(user).is_admin:
            return base
        items = policy_for(PlanItem).visible(PlanItem.objects.all(), user, Action.VIEW).values("pk")
        return base | Q(item__in=items)

    def scope_allows_create(self, scope: Scope, **values: Any) -> bool:
        owner = values.get("owner_unit")
        if owner is None:  # "may this user create any?" (the list's Add button)
            return bool(scope.units(Role.PLANNER))
        return owner.pk in scope.units(Role.PLANNER)


@register
class IndicatorValuePolicy(ScopedPolicy):
    model = IndicatorValue

    def rule(self, user: Any, action: Action) -> Q:
        if not scope_for(user).signed_in:
            return NOTHING
        visible = policy_for(Indicator).visible(Indicator.objects.all(), user, action)
        return Q(indicator__in=visible.values("pk"))


def ledgers_writable_by(user: Any) -> Any:
    """The ledgers for which ``user`` may add records for some unit (the create rule, as rows)."""
    scope = scope_for(user)
    rows = policy_for(Ledger).visible(Ledger.objects.all(), user, Action.VIEW)
    if scope.admin_over_data:
        return rows
    paths = Unit.objects.filter(pk__in=scope.units(Role.REPORTER, Role.PLANNER)).values_list(
        "path", flat=True
    )
    step = Unit.steplen
    # A keeping unit (or, without any, the owner) at or above one of the user's units.
    above = {path[:end] for path in paths for end in range(step, len(path) + 1, step)}
    kept = Ledger.keeping_units.through.objects.filter(unit__path__in=above).values("ledger_id")
    return rows.filter(
        Q(owner_unit_id__in=scope.units(Role.PLANNER))
        | Q(pk__in=kept)
        | Q(keeping_units__isnull=True, owner_unit__path__in=above)
    ).distinct()
