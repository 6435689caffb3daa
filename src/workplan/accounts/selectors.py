"""Reads of units and memberships."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch

from workplan.accounts.models import Membership, Unit, UnitQuerySet
from workplan.core.errors import NotFound, pk_or_not_found
from workplan.core.policy import Action


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


def unit_tree_for_user(*, user: Any) -> list[tuple[Unit, int]]:
    """Active and inactive units in tree order, each with its number of members (two queries)."""
    counts = dict(
        Membership.objects.values("unit_id")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("unit_id", "n")
    )
    return [(unit, counts.get(unit.pk, 0)) for unit in unit_list_for_user(user=user)]


def user_list_for_user(*, user: Any) -> list[Any]:
    """Every user with their memberships, for administrators; NotFound for anyone else."""
    from workplan import permissions
    from workplan.accounts.models import User

    if not permissions.is_admin(user):
        raise NotFound("no such page")
    return list(
        User.objects.exclude(username="workplan-system")
        .prefetch_related(Prefetch("memberships", queryset=Membership.objects.select_related("unit")))
        .order_by("username")
    )


def active_user_named(username: str) -> Any:
    """The active user with this username, or None: how a command names who it acts as (the
    command line is trusted like the machine's own operator)."""
    from workplan.accounts.models import User

    return User.objects.filter(username=username, is_active=True).first()


def top_unit_for_user(*, user: Any) -> Unit | None:
    """The first top-level unit ``user`` sees (the organisation, for a single-tree site)."""
    found: Unit | None = unit_list_for_user(user=user).filter(depth=1).first()
    return found


def unit_get_by_id_for_user(*, user: Any, unit_id: Any, action: Action = Action.VIEW) -> Unit:
    """The unit with this id (``accounts.selectors.unit_get_for_user`` finds units by code)."""
    unit: Unit | None = Unit.objects.visible_to(user, action).filter(pk=pk_or_not_found(unit_id)).first()
    if unit is None:
        raise NotFound("no such unit")
    return unit
