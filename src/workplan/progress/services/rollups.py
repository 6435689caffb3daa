"""Repair of the stored roll-up state (``progress.rollup_state``) after writes that bypassed it."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from workplan.core import audit
from workplan.plans.models import Plan
from workplan.progress import rollup_state
from workplan.progress.services._common import _require_planner


@transaction.atomic
def rollups_repair(*, actor: Any, plan: Plan) -> int:
    """Recompute every track's and item's status inputs and the report tallies of ``plan``; how
    many items changed."""
    _require_planner(actor, plan)
    tracks, items, tallies = rollup_state.drift(plan)
    changed = rollup_state.refresh_plan(plan)
    audit.record(
        actor=actor,
        action="rollups.repaired",
        target=plan,
        before={"tracks_drifted": tracks, "items_drifted": items, "tallies_drifted": tallies},
        after={"items_changed": changed},
    )
    return changed
