"""Commitment integrity: how a unit kept its word over a window.

For each unit: its tasks (tracks) and the reports due; **deadlines moved** (an item's due
date changed while the unit held it, read from the audit log, with the days moved);
**late reports** (due and not submitted by the due date, missing ones included); and
**returned reports**. ``commitments = tasks + reports due``; ``broken = deadlines moved +
late reports + returns``. A few queries per window, none per unit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count
from django.db.models.functions import Cast

from workplan.assessment import scoring
from workplan.core.models import AuditEntry
from workplan.plans.models import PlanItem


@dataclass
class Integrity:
    """One unit's figures over one window."""

    tasks: int = 0
    reports_due: int = 0
    late_reports: int = 0
    returned: int = 0
    deadlines_moved: int = 0
    days_moved: int = 0
    sources: dict[str, list[list[Any]]] = field(default_factory=dict)

    @property
    def commitments(self) -> int:
        return self.tasks + self.reports_due

    @property
    def broken(self) -> int:
        return self.deadlines_moved + self.late_reports + self.returned

    def as_json(self) -> dict[str, Any]:
        return {
            "tasks": self.tasks,
            "reports_due": self.reports_due,
            "late_reports": self.late_reports,
            "returned": self.returned,
            "deadlines_moved": self.deadlines_moved,
            "days_moved": self.days_moved,
            "commitments": self.commitments,
            "broken": self.broken,
        }


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def deadline_moves(window: scoring.Window) -> list[tuple[int, int, int]]:
    """(audit entry id, item id, days moved) for every change of an item's due date in the
    window (one query over the audit log)."""
    item_type = ContentType.objects.get_for_model(PlanItem)
    items = (
        PlanItem.objects.filter(plan_id=window.plan.pk).annotate(key=Cast("pk", CharField())).values("key")
    )
    entries = AuditEntry.objects.filter(
        target_type=item_type,
        target_id__in=items,
        at__gte=window.since,
        at__lt=window.until,
        after__has_key="due_date",
    ).values_list("id", "target_id", "before", "after")
    moves = []
    for entry_id, target_id, before, after in entries:
        old = _date((before or {}).get("due_date"))
        new = _date((after or {}).get("due_date"))
        if old is not None and old != new:
            moves.append((entry_id, int(target_id), (new - old).days if new else 0))
    return moves


def integrity_by_unit(window: scoring.Window) -> dict[int, Integrity]:
    """Every unit's :class:`Integrity` over ``window``."""
    found: dict[int, Integrity] = defaultdict(Integrity)
    tracks = scoring.open_tracks(window)
    for row in tracks.values("unit_id").annotate(n=Count("id")):
        found[row["unit_id"]].tasks = row["n"]
    on_time = scoring.on_time_by_unit(window)
    for unit_id, due in scoring.reports_due_by_unit(window).items():
        found[unit_id].reports_due = due
        found[unit_id].late_reports = max(0, due - on_time.get(unit_id, 0))
    for unit_id, n in scoring.returns_by_unit(window).items():
        found[unit_id].returned = n
    moves = deadline_moves(window)
    if moves:
        holders: dict[int, list[int]] = defaultdict(list)
        moved_items = {item_id for _, item_id, _ in moves}
        for unit_id, item_id in tracks.filter(item_id__in=moved_items).values_list("unit_id", "item_id"):
            holders[item_id].append(unit_id)
        for entry_id, item_id, days in moves:
            for unit_id in holders.get(item_id, []):
                figures = found[unit_id]
                figures.deadlines_moved += 1
                figures.days_moved += abs(days)
                figures.sources.setdefault("deadline_moves", []).append([entry_id, item_id, days])
    late = scoring.due_reports(window).exclude(scoring.ON_TIME)
    for unit_id, report_id, item_id in late.values_list("unit_id", "id", "item_id").order_by("unit_id", "id"):
        found[unit_id].sources.setdefault("late_reports", []).append([report_id, item_id, 0])
    for unit_id, event_id, item_id, report_id in (
        scoring.returns_in(window)
        .values_list("unit_id", "id", "item_id", "report_id")
        .order_by("unit_id", "id")
    ):
        found[unit_id].sources.setdefault("returns", []).append([event_id, item_id, report_id])
    return dict(found)
