"""Template filters: display labels and formats only (no queries, no permission logic)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from workplan.progress.status import STATUS_LABELS as STATUS

register = template.Library()

STATUS_LABELS: dict[str, Any] = {str(status): label for status, label in STATUS.items()}
WARNING_LABELS = {"blue": _("Blue warning"), "yellow": _("Yellow warning"), "red": _("Red warning")}
ROLE_LABELS = {"lead": _("Lead"), "responsible": _("Responsible"), "cooperating": _("Cooperating")}


@register.filter
def status_label(value: Any) -> Any:
    return STATUS_LABELS.get(str(value), value)


@register.filter
def warning_label(value: Any) -> Any:
    return WARNING_LABELS.get(str(value), value)


@register.filter
def role_label(value: Any) -> Any:
    return ROLE_LABELS.get(str(value), value)


@register.filter
def percent(value: Any) -> str:
    return "—" if value is None else f"{round(float(value))}%"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
