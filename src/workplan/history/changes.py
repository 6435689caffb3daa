"""The plan's items as plain values on a day, and what changed between two days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from workplan.history.selectors import plan_board_at
from workplan.plans.models import Plan
from workplan.progress.selectors import ItemStatusRow

COMPARED = ("number", "title", "due", "status", "percent", "warning", "state", "units")


def row_values(row: ItemStatusRow) -> dict[str, Any]:
    """One item of the board as JSON-safe values (the CLI's and the API's item)."""
    return {
        "id": row.item.pk,
        "number": row.item.label or row.item.number,
        "title": row.item.title,
        "depth": row.item.depth,
        "due": row.due.isoformat(),
        "status": str(row.status),
        "percent": row.percent,
        "warning": row.warning_level,
        "state": row.state,
        "units": [
            {
                "unit": t.track.unit.short_name or t.track.unit.name,
                "state": t.track.state,
                "percent": t.percent,
            }
            for t in row.tracks
        ],
    }


def plan_items_at(*, user: Any, plan: Plan, day: dt.date) -> list[dict[str, Any]]:
    """Every item the user may see, as values at the end of ``day``, in document order."""
    return [row_values(row) for row in plan_board_at(user=user, plan=plan, day=day)]


@dataclass
class ItemChange:
    """One item that differs between the two days: added, removed, or which fields changed."""

    item_id: int
    number: str
    title: str
    kind: str  # "added", "removed", "changed"
    fields: list[tuple[str, Any, Any]] = field(
        default_factory=list
    )  # (name, on the first day, on the second)


def plan_changes(*, user: Any, plan: Plan, since: dt.date, until: dt.date) -> list[ItemChange]:
    """What changed from the end of ``since`` to the end of ``until`` ("what changed this month").

    The days come checked from ``dates.change_window``."""
    before = {v["id"]: v for v in plan_items_at(user=user, plan=plan, day=since)}
    after = plan_items_at(user=user, plan=plan, day=until)
    changes: list[ItemChange] = []
    seen = set()
    for now in after:
        seen.add(now["id"])
        then = before.get(now["id"])
        if then is None:
            changes.append(ItemChange(now["id"], now["number"], now["title"], "added"))
            continue
        differs = [(name, then[name], now[name]) for name in COMPARED if then[name] != now[name]]
        if differs:
            changes.append(ItemChange(now["id"], now["number"], now["title"], "changed", differs))
    changes.extend(
        ItemChange(then["id"], then["number"], then["title"], "removed")
        for then in before.values()
        if then["id"] not in seen
    )
    return changes
