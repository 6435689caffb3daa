"""Permission policy of background tasks."""

from __future__ import annotations

from django.db.models import Q

from workplan.core.policy import Action, register
from workplan.permissions import Scope, ScopedPolicy
from workplan.tasks.models import Task


@register
class TaskPolicy(ScopedPolicy):
    """A user sees the tasks they asked for (and may retry them); administrators all tasks."""

    model = Task

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        return Q(created_by_id=scope.user_id)
