"""Indicators: defined by planners of the owner unit, checked against their ledger's fields."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from workplan import permissions
from workplan.accounts.models import Unit
from workplan.core.errors import Invalid
from workplan.core.policy import Action, policy_for
from workplan.core.services import instance_create, instance_delete, instance_update
from workplan.ledgers.compute import FIELD_MEASURES, OPERATORS
from workplan.ledgers.fields import KEY_PATTERN
from workplan.ledgers.models import Direction, FieldKind, Indicator, IndicatorValue, Ledger, Measure
from workplan.plans.models import Comparator, PlanItem, Target

NUMERIC = (FieldKind.NUMBER, FieldKind.INTEGER)
MAX_FILTERS = 20


def _refused() -> str:
    return gettext("Only planners of the indicator's owner unit may change it.")


def _problem(message: str, name: str) -> Invalid:
    return Invalid(message, details={name: [message]})


def _check_filters(ledger: Ledger | None, filters: Any, name: str) -> list[dict[str, Any]]:
    if filters in (None, ""):
        return []
    if not isinstance(filters, list) or len(filters) > MAX_FILTERS:
        raise _problem(gettext("Filters are a list of at most 20 conditions."), name)
    keys = set(ledger.fields.values_list("key", flat=True)) if ledger else set()
    checked = []
    for one in filters:
        if not isinstance(one, Mapping) or set(one) - {"field", "op", "value"}:
            raise _problem(gettext("A filter is an object with field, op and value."), name)
        key, op = one.get("field"), one.get("op", "eq")
        if op not in OPERATORS:
            raise _problem(gettext("Unknown filter operator: %(op)s") % {"op": str(op)[:20]}, name)
        if key != "unit" and key not in keys:
            raise _problem(gettext("No field %(key)s in the ledger.") % {"key": str(key)[:40]}, name)
        value = one.get("value")
        if not isinstance(value, str | int | float | bool | list | type(None)) or (
            isinstance(value, float) and not math.isfinite(value)
        ):
            raise _problem(gettext("A filter value is a text, a number, yes/no or a list."), name)
        if isinstance(value, str) and ("\x00" in value or len(value) > 200):
            raise _problem(gettext("A filter value is a text, a number, yes/no or a list."), name)
        checked.append({"field": key, "op": op, "value": value})
    return checked


def _check_definition(values: dict[str, Any]) -> dict[str, Any]:
    """The indicator's definition made consistent, or :class:`Invalid` naming the field."""
    ledger: Ledger | None = values.get("ledger")
    measure = values.get("measure") or Measure.COUNT
    if measure not in Measure.values:
        raise _problem(gettext("Unknown measure."), "measure")
    if measure != Measure.MANUAL and ledger is None:
        raise _problem(gettext("A computed indicator needs a ledger."), "ledger")
    kinds = dict(ledger.fields.values_list("key", "kind")) if ledger else {}
    key = values.get("field_key") or ""
    if measure in FIELD_MEASURES and kinds.get(key) not in NUMERIC:
        raise _problem(gettext("Sum, average, minimum and maximum need a number field."), "field_key")
    if measure == Measure.RATIO and key and kinds.get(key) not in NUMERIC:
        raise _problem(gettext("A ratio of sums needs a number field."), "field_key")
    if measure in (Measure.COUNT, Measure.MANUAL):
        key = ""
    date_field = values.get("date_field") or ""
    if date_field and kinds.get(date_field) != FieldKind.DATE:
        raise _problem(gettext("The date field must be a date field of the ledger."), "date_field")
    values["filters"] = _check_filters(ledger, values.get("filters"), "filters")
    values["condition"] = _check_filters(ledger, values.get("condition"), "condition")
    if measure == Measure.RATIO and not values["condition"]:
        raise _problem(gettext("A ratio needs the condition its numerator meets."), "condition")
    if values.get("direction", Direction.HIGHER) not in Direction.values:
        raise _problem(gettext("Unknown direction."), "direction")
    if values.get("comparator") and values["comparator"] not in Comparator.values:
        raise _problem(gettext("Unknown comparator."), "comparator")
    for name in ("target_value", "target_max"):
        number = values.get(name)
        if number is not None and (
            isinstance(number, bool) or not isinstance(number, int | float) or not math.isfinite(number)
        ):
            raise _problem(gettext("A target value is a number."), name)
    values.update(measure=measure, field_key=key, date_field=date_field)
    return values


def _check_links(actor: Any, item: PlanItem | None, target: Target | None) -> None:
    if item is not None:
        permissions.require(actor, Action.VIEW, item)
    if target is not None and (item is None or target.item_id != item.pk):
        raise _problem(gettext("The target belongs to another item."), "target")


@transaction.atomic
def indicator_create(
    *,
    actor: Any,
    code: str,
    name: str,
    owner_unit: Unit,
    ledger: Ledger | None = None,
    item: PlanItem | None = None,
    target: Target | None = None,
    **definition: Any,
) -> Indicator:
    """A new indicator (``definition``: measure, field_key, filters, condition, date_field,
    measure_unit, direction, comparator, target_value, target_max)."""
    policy_for(Indicator).require_create(actor, _refused(), owner_unit=owner_unit)
    code = (code or "").strip()
    if not KEY_PATTERN.match(code.lower().replace("-", "_")) or len(code) > 50:
        raise _problem(gettext("An indicator code is letters, digits, - and _."), "code")
    if Indicator.objects.filter(code=code).exists():
        raise _problem(gettext("An indicator with this code already exists."), "code")
    name = (name or "").strip()
    if not name or len(name) > 300 or "\x00" in name:
        raise _problem(gettext("Give the indicator a name of at most 300 characters."), "name")
    if ledger is not None:
        permissions.require(actor, Action.VIEW, ledger)
    _check_links(actor, item, target)
    if target is not None and Indicator.objects.filter(target=target).exists():
        raise _problem(gettext("Another indicator already measures this target."), "target")
    values = _check_definition({"ledger": ledger, **definition})
    return instance_create(
        actor=actor,
        instance=Indicator(code=code, name=name, owner_unit=owner_unit, item=item, target=target, **values),
        action="indicator.created",
    )


@transaction.atomic
def indicator_update(
    *, actor: Any, indicator: Indicator, expected_version: int | None = None, **changes: Any
) -> Indicator:
    """Change an indicator's name, definition, links or target."""
    permissions.require(actor, Action.EDIT, indicator, _refused())
    if "code" in changes and changes.pop("code") != indicator.code:
        raise _problem(gettext("An indicator's code does not change."), "code")
    if "name" in changes:
        name = changes["name"].strip() if isinstance(changes["name"], str) else ""
        if not name or len(name) > 300 or "\x00" in name:
            raise _problem(gettext("Give the indicator a name of at most 300 characters."), "name")
        changes["name"] = name
    names = (
        "ledger",
        "measure",
        "field_key",
        "filters",
        "condition",
        "date_field",
        "direction",
        "comparator",
    )
    current = {n: getattr(indicator, n) for n in (*names, "target_value", "target_max")}
    merged = _check_definition({**current, **changes})
    changes.update({n: merged[n] for n in changes if n in merged})
    _check_links(actor, changes.get("item", indicator.item), changes.get("target", indicator.target))
    return instance_update(
        actor=actor,
        instance=indicator,
        changes=changes,
        action="indicator.updated",
        expected_version=expected_version,
    )


@transaction.atomic
def indicator_delete(*, actor: Any, indicator: Indicator) -> None:
    permissions.require(actor, Action.EDIT, indicator, _refused())
    instance_delete(actor=actor, instance=indicator, action="indicator.deleted")


@transaction.atomic
def indicator_value_set(
    *, actor: Any, indicator: Indicator, as_of: dt.date, value: float, unit: Unit | None = None
) -> IndicatorValue:
    """Enter a hand-kept value of an indicator with no ledger, as of a date (per unit or all)."""
    permissions.require(actor, Action.EDIT, indicator, _refused())
    if indicator.measure != Measure.MANUAL:
        raise _problem(gettext("Only a hand-entered indicator takes values by hand."), "value")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _problem(gettext("A value is a number."), "value")
    existing = IndicatorValue.objects.filter(indicator=indicator, as_of=as_of, unit=unit).first()
    if existing is not None:
        changed: IndicatorValue = instance_update(
            actor=actor, instance=existing, changes={"value": float(value)}, action="indicator.value_changed"
        )
        return changed
    return instance_create(
        actor=actor,
        instance=IndicatorValue(indicator=indicator, as_of=as_of, unit=unit, value=float(value)),
        action="indicator.value_set",
    )
