"""Permission policy of personal API tokens."""

from __future__ import annotations

from django.db.models import Q

from workplan.api.models import ApiToken
from workplan.core.policy import Action, register
from workplan.permissions import Scope, ScopedPolicy


@register
class ApiTokenPolicy(ScopedPolicy):
    """A user sees and revokes their own tokens; administrators all tokens."""

    model = ApiToken
    user_administration = True

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        return Q(user_id=scope.user_id)
