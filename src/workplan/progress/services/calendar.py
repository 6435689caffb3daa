"""Reporting calendars and periods, and the holiday list (working days)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from workplan import permissions
from workplan.core import audit, clock
from workplan.core.errors import Invalid
from workplan.core.services import instance_create, instance_delete, instance_update
from workplan.plans.models import Plan, PlanStatus
from workplan.progress.models import (
    Frequency,
    Period,
    ProgressReport,
    ReportingCalendar,
    SpecialDay,
)
from workplan.progress.selectors import working_days
from workplan.progress.services._common import _require_planner
from workplan.progress.workdays import WorkingDays, generate_periods


def _validate_calendar(frequency: str, due_day: int, remind_before_days: int, remind_after_days: int) -> None:
    if frequency not in Frequency.values:
        raise Invalid(f"unknown reporting frequency {frequency!r}; use {', '.join(Frequency.values)}")
    if not 1 <= due_day <= 31:
        raise Invalid(f"the due day must be a day of the month (1–31), not {due_day}")
    if not 0 <= remind_before_days <= 30 or not 1 <= remind_after_days <= 30:
        raise Invalid("reminders go 0–30 working days before and 1–30 working days after the due date")


@transaction.atomic
def calendar_configure(
    *,
    actor: Any,
    plan: Plan,
    frequency: str = Frequency.MONTHLY,
    due_day: int = 25,
    remind_before_days: int = 3,
    remind_after_days: int = 1,
    expected_version: int | None = None,
) -> ReportingCalendar:
    """Set how often and when the plan's units report; (re)generates the year's periods.

    The frequency can change only while no report exists; changing the due day moves the
    due dates of the open periods.
    """
    _require_planner(actor, plan)
    _validate_calendar(frequency, due_day, remind_before_days, remind_after_days)
    fields = {
        "frequency": frequency,
        "due_day": due_day,
        "remind_before_days": remind_before_days,
        "remind_after_days": remind_after_days,
    }
    calendar = ReportingCalendar.objects.filter(plan=plan).first()
    if calendar is None:
        calendar = instance_create(
            actor=actor, instance=ReportingCalendar(plan=plan, **fields), action="calendar.configured"
        )
    else:
        if frequency != calendar.frequency and ProgressReport.objects.filter(period__plan=plan).exists():
            raise Invalid(
                f"{plan} already has reports for its {calendar.get_frequency_display()} periods; "
                "the reporting frequency can no longer change"
            )
        calendar = instance_update(
            actor=actor,
            instance=calendar,
            changes=fields,
            action="calendar.updated",
            expected_version=expected_version,
        )
    _sync_periods(actor, calendar, working_days())
    return calendar


@transaction.atomic
def calendar_ensure(*, actor: Any, plan: Plan) -> ReportingCalendar:
    """The plan's reporting calendar, created with the defaults (monthly, due on the 25th) if missing."""
    existing = ReportingCalendar.objects.filter(plan=plan).first()
    if existing is not None:
        return existing
    return calendar_configure(actor=actor, plan=plan)


def _sync_periods(actor: Any, calendar: ReportingCalendar, days: WorkingDays) -> None:
    """Make the plan's periods match its calendar: recreate them when the frequency changed
    (only possible without reports), else move the due dates of open periods."""
    plan = calendar.plan
    specs = generate_periods(
        year=plan.year, frequency=calendar.frequency, due_day=calendar.due_day, days=days
    )
    periods = list(Period.objects.filter(plan=plan).order_by("index"))
    if [p.label for p in periods] != [s.label for s in specs]:
        for period in periods:
            audit.record(actor=actor, action="period.deleted", target=period, before=audit.snapshot(period))
        Period.objects.filter(plan=plan).delete()
        created = Period.objects.bulk_create(
            [
                Period(plan=plan, index=s.index, label=s.label, start=s.start, end=s.end, due_date=s.due_date)
                for s in specs
            ]
        )
        audit.record_many(actor=actor, action="period.created", targets=created)
        return
    for period, spec in zip(periods, specs, strict=True):
        if not period.is_closed and period.due_date != spec.due_date:
            instance_update(
                actor=actor,
                instance=period,
                changes={"due_date": spec.due_date},
                action="period.due_date_moved",
            )


@transaction.atomic
def period_close(*, actor: Any, period: Period, expected_version: int | None = None) -> Period:
    """Close a reporting period: it takes no more reports or evidence."""
    _require_planner(actor, period.plan)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.is_closed:
        raise Invalid(f"the period {period.label} is already closed")
    return instance_update(
        actor=actor,
        instance=period,
        changes={"closed_at": clock.now(), "closed_by": actor if getattr(actor, "pk", None) else None},
        action="period.closed",
        expected_version=expected_version,
    )


@transaction.atomic
def period_reopen(*, actor: Any, period: Period, reason: str) -> Period:
    """Reopen a closed period (for a late correction), with the reason."""
    _require_planner(actor, period.plan)
    if not reason.strip():
        raise Invalid("reopening a period needs a reason", details={"reason": ["required"]})
    period = Period.objects.select_for_update().get(pk=period.pk)
    if not period.is_closed:
        raise Invalid(f"the period {period.label} is open")
    return instance_update(
        actor=actor,
        instance=period,
        changes={"closed_at": None, "closed_by": None},
        action="period.reopened",
        reason=reason.strip(),
    )


def _refresh_due_dates(actor: Any) -> None:
    days = working_days()
    for calendar in ReportingCalendar.objects.select_related("plan").exclude(plan__status=PlanStatus.CLOSED):
        _sync_periods(actor, calendar, days)


@transaction.atomic
def holiday_set(*, actor: Any, date: dt.date, is_working: bool, name: str = "") -> SpecialDay:
    """Mark ``date`` as a holiday (``is_working=False``) or a make-up working day (``True``).

    Due dates of open periods move accordingly.
    """
    permissions.require_admin(actor, gettext("edit the holiday list"))
    day = SpecialDay.objects.filter(date=date).first()
    if day is None:
        day = instance_create(
            actor=actor,
            instance=SpecialDay(date=date, is_working=is_working, name=name.strip()),
            action="holiday.set",
        )
    else:
        day = instance_update(
            actor=actor,
            instance=day,
            changes={"is_working": is_working, "name": name.strip()},
            action="holiday.set",
        )
    _refresh_due_dates(actor)
    return day


@transaction.atomic
def holiday_delete(*, actor: Any, day: SpecialDay) -> None:
    """Remove a date from the holiday list (it becomes an ordinary weekday or weekend day)."""
    permissions.require_admin(actor, gettext("edit the holiday list"))
    instance_delete(actor=actor, instance=day, action="holiday.deleted")
    _refresh_due_dates(actor)
