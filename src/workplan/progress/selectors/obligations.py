"""Recurring obligations: the occurrences of an item and their state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from workplan.core import clock
from workplan.plans.models import Plan, PlanItem
from workplan.progress.models import (
    Occurrence,
)

STATE_LABELS = {
    "met": _("met"),
    "missed": _("missed"),
    "open": _("due now"),
    "upcoming": _("upcoming"),
}


@dataclass
class OccurrenceRow:
    occurrence: Occurrence
    state: str  # "met", "missed", "open" (window now), "upcoming"

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


def occurrence_state(occurrence: Occurrence, today: dt.date) -> str:
    """Met when a report (or a ledger record, which sets only ``met_at``) meets it; missed
    once its window has passed unmet."""
    if occurrence.met_by_id is not None or occurrence.met_at is not None:
        return "met"
    if occurrence.window_end < today:
        return "missed"
    return "open" if occurrence.window_start <= today else "upcoming"


def occurrence_list(
    *, user: Any, item: PlanItem | None = None, plan: Plan | None = None, today: dt.date | None = None
) -> list[OccurrenceRow]:
    """Expected occurrences of recurring obligations with their state, by item and window."""
    today = today or clock.today()
    occurrences = Occurrence.objects.visible_to(user).select_related(
        "obligation__target", "item", "met_by__period"
    )
    if item is not None:
        occurrences = occurrences.filter(item=item)
    if plan is not None:
        occurrences = occurrences.filter(item__plan=plan)
    ordered = occurrences.order_by("item__path", "obligation_id", "index")
    return [OccurrenceRow(o, occurrence_state(o, today)) for o in ordered]
