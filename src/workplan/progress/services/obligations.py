"""Recurring obligations: generated from frequency targets, their occurrences marked met or unmarked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from workplan import permissions
from workplan.core import audit, clock
from workplan.core.errors import Invalid
from workplan.core.services import instance_update
from workplan.permissions import Action
from workplan.plans.models import Plan, PlanItem, Target, TargetKind
from workplan.progress import recurrence
from workplan.progress import status as rules_module
from workplan.progress.models import (
    EventKind,
    Obligation,
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
    permissions.require(actor, Action.VIEW, report)
    permissions.require(
        actor,
        Action.EDIT,
        occurrence,
        gettext("Only the item's units and the plan's planners may mark what a report meets."),
    )
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


@transaction.atomic
def obligation_generate(*, actor: Any, plan: Plan, items: Iterable[PlanItem] | None = None) -> int:
    """Turn the plan's frequency targets (or those of ``items``) into dated occurrences.

    Targets that already have an obligation are left alone; returns how many were made.
    """
    _require_planner(actor, plan)
    targets = Target.objects.filter(item__plan=plan, kind=TargetKind.FREQUENCY, obligation__isnull=True)
    if items is not None:
        targets = targets.filter(item__in=list(items))
    default_unit = rules_module.rules().default_frequency_unit
    made = 0
    for target in targets.select_related("item").order_by("id"):
        spec = recurrence.obligation_spec(value=target.value, unit=target.unit, default_unit=default_unit)
        obligation = Obligation.objects.create(
            target=target,
            item=target.item,
            rrule=spec.rrule,
            per_window=spec.per_window,
            assumed=spec.assumed,
            description=spec.description,
        )
        windows = recurrence.windows(
            spec.rrule, year=plan.year, start=target.item.start_date, end=target.item.due_date
        )
        occurrences = [
            Occurrence(obligation=obligation, item=target.item, index=number, window_start=lo, window_end=hi)
            for number, (lo, hi) in enumerate(
                ((lo, hi) for lo, hi in windows for _ in range(spec.per_window)), start=1
            )
        ]
        Occurrence.objects.bulk_create(occurrences)
        audit.record(
            actor=actor,
            action="obligation.created",
            target=obligation,
            after={**audit.snapshot(obligation), "occurrences": len(occurrences)},
        )
        made += 1
    return made
