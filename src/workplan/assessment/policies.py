"""Who may see and change what in assessment.

* Rubrics and their criteria are read with their plan and defined by its planners (plan edit).
* Scoring — runs, results, manual scores, bonus points, answering objections — is the work of
  the **assessors** of the plan's owner unit (or a parent unit); administrators may too.
* Planners, leaders, assessors and viewers of the owner unit read every run and result.
* A unit (anyone with a role in it or above it) sees its own result and breakdown, draft or
  published, and the inputs about it (manual scores, bonus points, its objections); once a
  run is published everyone who may see the plan sees its ranking.
* A unit's members file objections to its published result (``allows_create``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from workplan.accounts.models import Role
from workplan.assessment.models import (
    Bonus,
    Criterion,
    ManualScore,
    Objection,
    Result,
    Rubric,
    Run,
    RunStatus,
)
from workplan.core.policy import NOTHING, Action, policy_for, register
from workplan.permissions import READER_ROLES, Scope, ScopedPolicy, scope_for
from workplan.plans.models import Plan


def _plans(user: Any, action: Action) -> Any:
    return policy_for(Plan).visible(Plan.objects.all(), user, action).values("pk")


def assessor_rule(scope: Scope, prefix: str) -> Q:
    """Rows whose plan is owned by a unit the user assesses (``prefix`` reaches the rubric)."""
    return Q(**{f"{prefix}plan__owner_unit_id__in": scope.units(Role.ASSESSOR)})


def reader_rule(scope: Scope, prefix: str) -> Q:
    """Rows whose plan is owned by a unit the user reads as planner, leader, assessor or viewer."""
    return Q(**{f"{prefix}plan__owner_unit_id__in": scope.units(*READER_ROLES)})


@register
class RubricPolicy(ScopedPolicy):
    """Read with the plan, defined by its planners."""

    model = Rubric

    def rule(self, user: Any, action: Action) -> Q:
        return Q(plan__in=_plans(user, action))

    def allows_create(self, actor: Any, **values: Any) -> bool:
        plan = values.get("plan")
        if plan is None:
            # May the actor define rubrics at all (the "new" button)? Planners and admins.
            scope = scope_for(actor)
            return scope.admin_over_data or bool(scope.units(Role.PLANNER))
        return policy_for(Plan).allows(actor, Action.EDIT, plan)


@register
class CriterionPolicy(ScopedPolicy):
    model = Criterion

    def rule(self, user: Any, action: Action) -> Q:
        return Q(rubric__plan__in=_plans(user, action))


class _ScoringPolicy(ScopedPolicy):
    """Inputs and outputs of scoring: assessors write; readers of the owner unit and the
    scored unit read."""

    prefix = "rubric__"
    unit_field = "unit_id"

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        if action == Action.EDIT:
            return assessor_rule(scope, self.prefix)
        return reader_rule(scope, self.prefix) | Q(**{f"{self.unit_field}__in": scope.all_units})


@register
class ManualScorePolicy(_ScoringPolicy):
    model = ManualScore


@register
class BonusPolicy(_ScoringPolicy):
    model = Bonus


@register
class RunPolicy(_ScoringPolicy):
    """A unit sees the runs it has a result in; a published run is seen with its plan."""

    model = Run

    def rule(self, user: Any, action: Action) -> Q:
        base = super().rule(user, action)
        if action == Action.VIEW:
            scope = scope_for(user)
            if not scope.signed_in:
                return NOTHING
            mine = Result.objects.filter(unit_id__in=scope.all_units).values("run_id")
            return (
                base | Q(pk__in=mine) | Q(status=RunStatus.PUBLISHED, rubric__plan__in=_plans(user, action))
            )
        return base

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        if action == Action.EDIT:
            return assessor_rule(scope, self.prefix)
        return reader_rule(scope, self.prefix)

    def scope_allows_create(self, scope: Scope, **values: Any) -> bool:
        """Scoring a rubric (a run, manual scores, bonus points): its plan's assessors."""
        rubric = values.get("rubric")
        return rubric is not None and rubric.plan.owner_unit_id in scope.units(Role.ASSESSOR)


@register
class ResultPolicy(_ScoringPolicy):
    model = Result
    prefix = "run__rubric__"

    def rule(self, user: Any, action: Action) -> Q:
        base = super().rule(user, action)
        if action == Action.VIEW and scope_for(user).signed_in and not scope_for(user).is_admin:
            published = Q(run__status=RunStatus.PUBLISHED, run__rubric__plan__in=_plans(user, action))
            return base | published
        return base


@register
class ObjectionPolicy(_ScoringPolicy):
    """Filed by the result's unit; answered (EDIT) by the assessors."""

    model = Objection
    prefix = "result__run__rubric__"

    def scope_allows_create(self, scope: Scope, **values: Any) -> bool:
        result = values.get("result")
        return result is not None and result.unit_id is not None and result.unit_id in scope.all_units
