"""Reads of the calendar: working days, holidays, a plan's periods."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from workplan.core.errors import NotFound
from workplan.permissions import Action
from workplan.plans.models import Plan
from workplan.progress.models import (
    Period,
    SpecialDay,
)
from workplan.progress.workdays import WorkingDays


def working_days() -> WorkingDays:
    """Weekends plus the administrators' holiday and make-up-day list."""
    return WorkingDays(dict(SpecialDay.objects.values_list("date", "is_working")))


def holiday_list(*, user: Any, year: int | None = None) -> QuerySet[SpecialDay]:
    days = SpecialDay.objects.visible_to(user)
    return days.filter(date__year=year) if year is not None else days


def plan_periods(*, user: Any, plan: Plan) -> list[Period]:
    """The plan's reporting periods in order (empty until the plan has a calendar)."""
    return list(Period.objects.visible_to(user).filter(plan=plan).order_by("index"))


def period_for_date(*, periods: list[Period], day: dt.date) -> Period | None:
    """The period containing ``day`` among ``periods`` (as returned by :func:`plan_periods`)."""
    return next((p for p in periods if p.start <= day <= p.end), None)


def period_get_for_user(*, user: Any, period_id: Any, action: Action = Action.VIEW) -> Period:
    try:
        period: Period = Period.objects.visible_to(user, action).select_related("plan").get(pk=int(period_id))
    except (Period.DoesNotExist, ValueError, TypeError):
        raise NotFound("no such reporting period") from None
    return period
