"""Commitment integrity: how a unit kept its word over a window.

For each unit: its tasks (tracks) and the reports due; **deadlines moved** (an item's due
date changed while the unit held it, read from the audit log, with the days moved);
**late reports** (due and not submitted by the due date, missing ones included); and
**returned reports**. ``commitments = tasks + reports due``; ``broken = deadlines moved +
late reports + returns``. The rows are those of ``assessment.rows`` (shared with the
scoring run) plus one query over the audit log; none per unit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField
from django.db.models.functions import Cast

from workplan.assessment import rows
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
    sources: dict[str, Any] = field(default_factory=dict)

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


def deadline_moves(window: rows.Window) -> list[tuple[int, int, int]]:
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


def integrity_by_unit(window: rows.Window) -> dict[int, Integrity]:
    """Every unit's :class:`Integrity` over ``window``."""
    found: dict[int, Integrity] = defaultdict(Integrity)
    holders: dict[int, list[int]] = defaultdict(list)
    for row in rows.track_rows(window):
        figures = found[row.unit_id]
        figures.tasks += 1
        figures.reports_due += row.reports_due
        figures.late_reports += row.reports_due
        holders[row.item_id].append(row.unit_id)
    for unit_id, reports in rows.reports_by_unit(window).items():
        found[unit_id].late_reports -= len(reports.on_time)
        if reports.late:
            found[unit_id].sources["late_reports"] = {"late": reports.late}
    for unit_id, event_id, item_id, returned_report in rows.return_rows(window):
        found[unit_id].returned += 1
        found[unit_id].sources.setdefault("returns", []).append([event_id, item_id, returned_report])
    for entry_id, item_id, days in deadline_moves(window):
        for unit_id in holders.get(item_id, []):
            figures = found[unit_id]
            figures.deadlines_moved += 1
            figures.days_moved += abs(days)
            figures.sources.setdefault("deadline_moves", []).append([entry_id, item_id, days])
    for figures in found.values():
        figures.late_reports = max(0, figures.late_reports)
    return dict(found)
