"""Formatting for the public pages (numbers, attainment, the status tally in display order)."""

from __future__ import annotations

from typing import Any

from django import template

from workplan.ledgers.attainment import label
from workplan.progress.dashboard import STATUS_ORDER

register = template.Library()


@register.filter
def figure(value: Any) -> str:
    """A target or a computed value: whole numbers without decimals, others to two places."""
    if value is None:
        return "—"
    number = float(value)
    return f"{number:.0f}" if number.is_integer() else f"{number:.2f}".rstrip("0")


@register.filter
def attainment_percent(value: Any) -> str:
    return "—" if value is None else f"{100 * float(value):.0f}%"


@register.filter
def attainment_label(value: Any) -> str:
    return label(str(value))


@register.filter
def depth_class(value: Any) -> int:
    return min(int(value), 4)


@register.filter
def status_counts(counts: dict[str, int]) -> list[tuple[str, int]]:
    """(status, count) in the dashboard's order, the statuses with no item left out."""
    return [(str(s), counts[str(s)]) for s in STATUS_ORDER if counts.get(str(s))]
