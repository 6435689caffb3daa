"""Record values checked against a ledger's fields, with the ids they name looked up at once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext

from workplan.accounts.models import Unit
from workplan.core.errors import Invalid
from workplan.ledgers.fields import clean_values
from workplan.ledgers.models import FieldKind, Ledger, LedgerField
from workplan.plans.models import PlanItem


def referenced_ids(fields: Iterable[LedgerField], rows: Iterable[Mapping[str, Any]]) -> dict[str, set[int]]:
    """The unit and item ids that ``rows`` name in reference fields (for one lookup each)."""
    wanted: dict[str, set[int]] = {"unit": set(), "item": set()}
    keys = {f.key: f.kind for f in fields if f.kind in (FieldKind.UNIT, FieldKind.ITEM)}
    for row in rows:
        for key, kind in keys.items():
            raw = row.get(key)
            text = str(raw).strip() if isinstance(raw, int | str) and not isinstance(raw, bool) else ""
            if text.isdigit() and len(text) <= 18:
                wanted[kind].add(int(text))
    return wanted


def known_ids(actor: Any, wanted: Mapping[str, set[int]]) -> dict[str, set[int]]:
    """Which of ``wanted`` exist (units) or ``actor`` may see (plan items)."""
    units = set(Unit.objects.filter(pk__in=wanted.get("unit", set())).values_list("pk", flat=True))
    items = set(
        PlanItem.objects.visible_to(actor)
        .filter(pk__in=wanted.get("item", set()))
        .values_list("pk", flat=True)
    )
    return {"unit": units, "item": items}


def checked_values(
    actor: Any, ledger: Ledger, raw: Mapping[str, Any], previous: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise Invalid(gettext("Values are an object of field keys."), details={"values": ["invalid"]})
    fields = list(ledger.fields.all())
    known = known_ids(actor, referenced_ids(fields, [raw]))
    values, problems = clean_values(fields, raw, previous=previous, known=known)
    if problems:
        labels = {f.key: f.label for f in fields}
        first_key, first = next(iter(problems.items()))
        raise Invalid(
            gettext("%(field)s: %(problem)s")
            % {"field": labels.get(first_key, first_key), "problem": first[0]},
            details=problems,
        )
    return values
