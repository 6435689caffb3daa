"""Indicator panels for the item page and the plan dashboard, and figure formatting."""

from __future__ import annotations

from typing import Any

from django import template

from workplan.ledgers import attainment, selectors
from workplan.ledgers import proposals as proposals_module

register = template.Library()


@register.filter
def indicator_figure(value: Any) -> str:
    """A computed figure for people: one decimal at most, "—" for no data."""
    if value is None:
        return "—"
    number = round(float(value), 1)
    return str(int(number)) if number.is_integer() else f"{number:.1f}"


@register.filter
def attainment_percent(ratio: Any) -> str:
    return "—" if ratio is None else f"{100 * float(ratio):.0f}%"


@register.filter
def comparator_sign(comparator: str) -> str:
    """A target's comparator as a sign ("between" shows as the range itself)."""
    return {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}.get(comparator or "", "")


@register.filter
def attainment_label(code: str) -> str:
    return attainment.label(code)


@register.inclusion_tag("ledgers/_indicators.html", takes_context=True)
def item_indicators(context: Any, item: Any) -> dict[str, Any]:
    user = context["request"].user
    return {
        "rows": selectors.item_indicators(item, user=user),
        "item": item,
        "occurrences": selectors.open_occurrences(user=user, item_id=item.pk, limit=20),
        "ledgers": list(selectors.ledgers_kept_by(user=user)),
        "proposals": selectors.indicator_proposals(item.plan, user=user, item_id=item.pk),
        "show_item": False,
    }


@register.inclusion_tag("ledgers/_indicators.html", takes_context=True)
def plan_indicators(context: Any, plan: Any, as_of: Any = None) -> dict[str, Any]:
    user = context["request"].user
    rows = selectors.indicator_attainments(plan, user=user, as_of=as_of)
    # Bounded: the first targets in plan order, the first few proposals (each item's page lists its own).
    proposals = selectors.indicator_proposals(plan, user=user, scanned=proposals_module.SCANNED)
    return {
        "rows": rows,
        "show_item": True,
        "occurrences": [],
        "proposals": proposals[: proposals_module.SHOWN],
        "more_proposals": len(proposals) > proposals_module.SHOWN,
    }
