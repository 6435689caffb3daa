"""Builders for progress tests: a dispatched plan at a fixed moment of its year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

from workplan.accounts.models import Unit, User
from workplan.core import clock
from workplan.core.testing import make_plan_with_task
from workplan.plans import services as plans
from workplan.plans.models import PlanItem
from workplan.progress import services
from workplan.progress.models import Period, Track


def moment(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    """An aware datetime in the project's time zone (for ``clock.frozen``)."""
    return dt.datetime(year, month, day, hour, tzinfo=ZoneInfo(settings.TIME_ZONE))


@dataclass
class Dispatched:
    task: PlanItem
    track: Track

    @property
    def plan(self):  # type: ignore[no-untyped-def]
        return self.task.plan

    def period(self, index: int) -> Period:
        return Period.objects.get(plan=self.task.plan, index=index)


def dispatched_task(
    actor: User,
    *,
    owner: Unit,
    assignee: Unit,
    due: dt.date | None = dt.date(2019, 12, 31),
    start: dt.date | None = None,
    title: str = "年度工作要点",
    at: dt.datetime | None = None,
) -> Dispatched:
    """A 2019 plan with one task assigned to ``assignee``, dispatched on 2 January (monthly calendar)."""
    with clock.frozen(at or moment(2019, 1, 2)):
        task = make_plan_with_task(actor, owner=owner, assignee=assignee, title=title)
        if due is not None or start is not None:
            plans.item_update(actor=actor, item=task, due_date=due, start_date=start)
            task.refresh_from_db()
        services.plan_dispatch(actor=actor, plan=task.plan)
    return Dispatched(task=task, track=Track.objects.get(item=task, unit=assignee))
