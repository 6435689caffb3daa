"""Reads of units and memberships."""

from __future__ import annotations

from typing import Any

from workplan.accounts.models import Membership, Unit, UnitQuerySet
from workplan.core.errors import NotFound


def unit_list_for_user(*, user: Any) -> UnitQuerySet:
    units: UnitQuerySet = Unit.objects.visible_to(user).order_by("path")
    return units


def unit_get_for_user(*, user: Any, code: str) -> Unit:
    try:
        unit: Unit = Unit.objects.visible_to(user).get(code=code)
    except Unit.DoesNotExist:
        raise NotFound(f"no unit with code {code!r}") from None
    return unit


def memberships_of(*, user: Any) -> list[Membership]:
    return list(
        Membership.objects.filter(user_id=user.pk).select_related("unit").order_by("unit__path", "role")
    )
