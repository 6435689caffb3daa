"""Scoping helpers the progress querysets share (they apply the permission policy)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q

from workplan.plans.models import Plan, PlanItem

if TYPE_CHECKING:
    from workplan.permissions import Action

USER = settings.AUTH_USER_MODEL


def _item_visible(user: Any, action: Action | None, path: str = "item") -> Q:
    return Q(**{f"{path}__in": PlanItem.objects.visible_to(user, action).values("pk")})


def _plan_visible(user: Any, action: Action | None) -> Q:
    return Q(plan__in=Plan.objects.visible_to(user, action).values("pk"))


def _track_rule(user: Any, action: Action | None, prefix: str = "") -> Q:
    from workplan import permissions

    return permissions.track_rule(permissions.scope_for(user), action or permissions.Action.VIEW, prefix)
