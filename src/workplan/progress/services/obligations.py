"""Recurring obligations: marking an occurrence met or unmarking it."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from workplan import permissions
from workplan.core import clock
from workplan.core.errors import Forbidden, Invalid
from workplan.core.services import instance_update
from workplan.permissions import Action
from workplan.progress.models import (
    EventKind,
    Occurrence,
    ProgressReport,
    ReportStatus,
)
from workplan.progress.services._common import (
    _event,
    _require_planner,
    _required_reason,
    _user_or_none,
)


@transaction.atomic
def occurrence_mark_met(*, actor: Any, occurrence: Occurrence, report: ProgressReport) -> Occurrence:
    """Mark an expected occurrence as met by a submitted or accepted report in its window."""
    if not (
        permissions.can(actor, Action.EDIT, report) or permissions.can(actor, Action.EDIT, report.item.plan)
    ):
        raise Forbidden("only the report's unit or the plan's planners may mark what it meets")
    occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
    if report.item_id != occurrence.item_id:
        raise Invalid("the report is about another item")
    if report.status not in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
        raise Invalid(f"a {report.get_status_display()} report cannot meet an obligation; submit it first")
    period = report.period
    if period.start > occurrence.window_end or period.end < occurrence.window_start:
        raise Invalid(
            f"the report for {period.label} falls outside this occurrence's window "
            f"({occurrence.window_start}–{occurrence.window_end})"
        )
    if occurrence.met_by_id is not None and occurrence.met_by_id != report.pk:
        raise Invalid("this occurrence is already met by another report; unmark it first")
    occurrence = instance_update(
        actor=actor,
        instance=occurrence,
        changes={"met_by": report, "met_at": clock.now(), "met_marked_by": _user_or_none(actor)},
        action="occurrence.met",
    )
    _event(
        actor=actor,
        item=report.item,
        kind=EventKind.OCCURRENCE_MET,
        track=report.track,
        report=report,
        data={"occurrence": occurrence.pk, "window_end": occurrence.window_end.isoformat()},
    )
    return occurrence


@transaction.atomic
def occurrence_unmark(*, actor: Any, occurrence: Occurrence, reason: str) -> Occurrence:
    """The planner withdraws a report's claim to meet an occurrence, with the reason."""
    _require_planner(actor, occurrence.item.plan)
    reason = _required_reason(reason, "unmarking an occurrence")
    occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
    return instance_update(
        actor=actor,
        instance=occurrence,
        changes={"met_by": None, "met_at": None, "met_marked_by": None},
        action="occurrence.unmarked",
        reason=reason,
    )
