"""Template filters: display labels and formats only (no queries, no permission logic)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from workplan.progress.status import STATUS_LABELS as STATUS

register = template.Library()

STATUS_LABELS: dict[str, Any] = {str(status): label for status, label in STATUS.items()}
WARNING_LABELS = {"blue": _("Blue warning"), "yellow": _("Yellow warning"), "red": _("Red warning")}
REVISION_KIND_LABELS = {
    "added": _("added"),
    "removed": _("removed (archived)"),
    "moved": _("moved"),
    "reworded": _("reworded"),
    "unchanged": _("unchanged"),
}
MATCH_LABELS = {
    "exact": _("exact name"),
    "alias": _("alias"),
    "suggestion": _("suggestion"),
    "none": _("not found"),
    "chosen": _("chosen by you"),
}
# The parser's canonical frequency units (parsing/promises): shown in the reader's language.
FREQUENCY_UNITS = {
    "per day": _("per day"),
    "per week": _("per week"),
    "per month": _("per month"),
    "per quarter": _("per quarter"),
    "per half-year": _("per half-year"),
    "per semester": _("per semester"),
    "per year": _("per year"),
}
ROLE_LABELS = {"lead": _("Lead"), "responsible": _("Responsible"), "cooperating": _("Cooperating")}


@register.filter
def status_label(value: Any) -> Any:
    return STATUS_LABELS.get(str(value), value)


@register.filter
def warning_label(value: Any) -> Any:
    return WARNING_LABELS.get(str(value), value)


@register.filter
def revision_kind(value: Any) -> Any:
    return REVISION_KIND_LABELS.get(str(value), value)


@register.filter
def match_label(value: Any) -> Any:
    return MATCH_LABELS.get(str(value), value)


@register.filter
def target_unit(value: Any) -> Any:
    return FREQUENCY_UNITS.get(str(value), value)


@register.filter
def role_label(value: Any) -> Any:
    return ROLE_LABELS.get(str(value), value)


@register.filter
def percent(value: Any) -> str:
    return "—" if value is None else f"{round(float(value))}%"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
