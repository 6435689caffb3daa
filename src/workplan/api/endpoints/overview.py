"""The organisation-wide roll-up: every active plan by plan, unit and status (counted in SQL)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router

from workplan.accounts import selectors as unit_selectors
from workplan.api.endpoints import actor
from workplan.api.schemas import IsoDate, Out, QueryId, responses
from workplan.progress.dashboard import STATUS_ORDER, Overview, Tally, organisation_overview

router = Router(tags=["progress"])


class TallyOut(Out):
    total: int
    percent: int | None
    not_started: int
    on_track: int
    at_risk: int
    overdue: int
    done: int


class PlanRollupOut(Out):
    plan_id: int
    title: str
    year: int
    tally: TallyOut


class UnitRollupOut(Out):
    unit_id: int
    name: str
    tally: TallyOut


class OverviewOut(Out):
    as_of: dt.date
    unit_id: int | None
    overall: TallyOut
    plans: list[PlanRollupOut]
    units: list[UnitRollupOut]


def _tally(tally: Tally) -> TallyOut:
    counts = {str(s): tally.counts[s] for s in STATUS_ORDER}
    return TallyOut(total=tally.total, percent=tally.percent, **counts)


def _out(view: Overview) -> OverviewOut:
    return OverviewOut(
        as_of=view.today,
        unit_id=view.unit.pk if view.unit else None,
        overall=_tally(view.overall),
        plans=[
            PlanRollupOut(plan_id=r.plan.pk, title=r.plan.title, year=r.plan.year, tally=_tally(r.tally))
            for r in view.plans
        ],
        units=[UnitRollupOut(unit_id=u.unit.pk, name=u.unit.name, tally=_tally(u.tally)) for u in view.units],
    )


@router.get(
    "/overview",
    response=responses(OverviewOut),
    summary="Every active plan you may see, by plan, by unit and by status (a unit's users: their own work)",
)
def overview_get(
    request: HttpRequest,
    unit_id: QueryId = None,
    as_of: Annotated[IsoDate | None, Query(description="Status as of this day (default today).")] = None,
) -> OverviewOut:
    user = actor(request)
    unit = unit_selectors.unit_get_by_id_for_user(user=user, unit_id=unit_id) if unit_id else None
    return _out(organisation_overview(user=user, today=as_of, unit=unit))
