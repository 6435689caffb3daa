"""Permission policy of the messaging channels: robots and their messages are administrators'
business (they hold a group's credentials); a mail preference is its user's own."""

from __future__ import annotations

from django.db.models import Q

from workplan.channels.models import Delivery, MailPreference, WebhookEndpoint
from workplan.core.policy import Action, register
from workplan.permissions import NOTHING, Scope, ScopedPolicy


@register
class WebhookEndpointPolicy(ScopedPolicy):
    """Only administrators see and configure group robots."""

    model = WebhookEndpoint

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        return NOTHING


@register
class DeliveryPolicy(ScopedPolicy):
    """Only administrators read the robots' delivery records."""

    model = Delivery

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        return NOTHING


@register
class MailPreferencePolicy(ScopedPolicy):
    """Each user reads and sets their own mail preference (administrators included)."""

    model = MailPreference
    admin_passes = False

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        return Q(user_id=scope.user_id)
