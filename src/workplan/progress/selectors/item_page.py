"""The item page's read model: everything one item's page shows, read in one place.

The view renders :class:`ItemPage` and decides nothing: the flags (``can_plan``,
``can_instruct``, ``can_comment``, and per track whether the user may act on it) come from
the permission policies here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from workplan import permissions
from workplan.core import clock
from workplan.core.formatting import marked_runs
from workplan.core.policy import Action
from workplan.plans import selectors as plan_selectors
from workplan.plans.models import Assignment, Deadline, Milestone, Plan, PlanItem, Target
from workplan.progress.models import (
    ExtensionRequest,
    ItemEvent,
    Period,
    ProgressReport,
    SupervisionNotice,
    Track,
)
from workplan.progress.selectors.calendar import period_for_date, plan_periods
from workplan.progress.selectors.obligations import OccurrenceRow, occurrence_list
from workplan.progress.selectors.status import ItemStatusRow, item_status
from workplan.progress.selectors.supervision import extension_list, notice_list, reports_meeting_candidates
from workplan.progress.selectors.timeline import item_timeline
from workplan.progress.selectors.tracks import item_reports, item_tracks


def default_as_of(plan: Plan) -> dt.date:
    """Today, or the first day of a future plan's year.

    Never clamped to a past plan's last day: work unfinished after its due date is overdue
    on the tree and the dashboard exactly as it is in My tasks (one status, one date).
    """
    today = clock.today()
    return max(today, dt.date(plan.year, 1, 1))


@dataclass(frozen=True)
class ItemPage:
    item: PlanItem
    plan: Plan
    as_of: dt.date
    status: ItemStatusRow
    ancestors: list[PlanItem]
    children: list[PlanItem]
    assignments: list[Assignment]
    targets: list[Target]
    deadlines: list[Deadline]
    milestones: list[Milestone]
    # The item's stretch of the plan's text, in runs with its targets and deadlines marked.
    source: list[dict[str, Any]]
    # Each track with whether the user may act on it (acknowledge, report, request completion).
    tracks: list[tuple[Track, bool]]
    periods: list[Period]
    current_period: Period | None
    reports: list[ProgressReport]
    timeline: list[ItemEvent]
    occurrences: list[OccurrenceRow]
    can_plan: bool
    can_instruct: bool
    can_comment: bool
    notices: list[SupervisionNotice]
    extensions: list[ExtensionRequest]
    # Submitted/accepted reports that may meet an occurrence, and whether the user may mark it.
    meeting_reports: list[ProgressReport]
    can_mark_met: bool

    def context(self) -> dict[str, Any]:
        """The page's template context."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def _marked_source(item: PlanItem, targets: list[Target], deadlines: list[Deadline]) -> list[dict[str, Any]]:
    text = item.plan.source_text
    if item.source_start is None or item.source_end is None or not text:
        return []
    marks = [
        (promise.source_start, promise.source_end, kind, "")
        for kind, promises in (("targets", targets), ("deadlines", deadlines))
        for promise in promises
        if promise.source_start is not None and promise.source_end is not None
    ]
    return marked_runs(text, marks, item.source_start, item.source_end)


def _supervision(user: Any, item: PlanItem, occurrences: list[OccurrenceRow]) -> dict[str, Any]:
    return {
        "notices": notice_list(user=user, item=item),
        "extensions": extension_list(user=user, item=item),
        "meeting_reports": reports_meeting_candidates(user=user, item=item) if occurrences else [],
        "can_mark_met": bool(occurrences) and permissions.can(user, Action.EDIT, occurrences[0].occurrence),
    }


def item_page(*, user: Any, item_id: Any, as_of: dt.date | None = None) -> ItemPage:
    """The item page of ``item_id`` as ``user`` may see it (``NotFound`` otherwise)."""
    item = plan_selectors.item_get_for_user(user=user, item_id=item_id)
    plan = item.plan
    as_of = as_of or default_as_of(plan)
    tracks = item_tracks(user=user, item=item)
    editable = set(Track.objects.visible_to(user, Action.EDIT).filter(item=item).values_list("pk", flat=True))
    periods = plan_periods(user=user, plan=plan)
    targets = list(item.targets.all())
    deadlines = list(item.deadlines.all())
    occurrences = occurrence_list(user=user, item=item, today=as_of)
    return ItemPage(
        item=item,
        plan=plan,
        as_of=as_of,
        status=item_status(user=user, item=item, today=as_of),
        ancestors=list(item.get_ancestors()),
        children=list(item.get_children()),
        assignments=list(item.assignments.select_related("unit").order_by("role", "unit__path")),
        targets=targets,
        deadlines=deadlines,
        milestones=list(item.milestones.all()),
        source=_marked_source(item, targets, deadlines),
        tracks=[(track, track.pk in editable) for track in tracks],
        periods=periods,
        current_period=period_for_date(periods=periods, day=clock.today())
        or (periods[-1] if periods else None),
        reports=list(item_reports(user=user, item=item)),
        timeline=item_timeline(user=user, item=item),
        occurrences=occurrences,
        can_plan=permissions.can(user, Action.EDIT, plan),
        can_instruct=permissions.can(user, Action.INSTRUCT, item),
        can_comment=permissions.can(user, Action.COMMENT, item),
        **_supervision(user, item, occurrences),
    )
