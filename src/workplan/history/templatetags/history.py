"""Labels for the pages of the past (review states then, what changed between two days)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from workplan.web.templatetags.workplan import STATUS_LABELS

register = template.Library()

REVIEW_STATES = {"submitted": _("awaiting review"), "accepted": _("accepted"), "returned": _("returned")}
CHANGE_KINDS = {"added": _("added"), "removed": _("removed"), "changed": _("changed")}
FIELDS = {
    "number": _("number"),
    "title": _("title"),
    "due": _("due date"),
    "status": _("status"),
    "percent": _("progress"),
    "warning": _("warning"),
    "state": _("state"),
    "units": _("units"),
}


@register.filter
def review_state_label(value: Any) -> Any:
    return REVIEW_STATES.get(str(value), value)


@register.filter
def change_kind_label(value: Any) -> Any:
    return CHANGE_KINDS.get(str(value), value)


@register.filter
def change_field_label(value: Any) -> Any:
    return FIELDS.get(str(value), value)


@register.filter
def change_value(value: Any) -> Any:
    """A compared value for a cell: statuses by their label, units as "name (percent)", none as —."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return (
            "、".join(f"{u['unit']} ({u['percent'] if u['percent'] is not None else '—'}%)" for u in value)
            or "—"
        )
    if isinstance(value, str) and value in STATUS_LABELS:
        return STATUS_LABELS[value]
    return value
