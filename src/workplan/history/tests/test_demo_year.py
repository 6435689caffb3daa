"""The demo year, then the plan as of three past days against what was true on each of them.

The demo loads the seed plan on 2 January 2019 and back-dates six months of reports; the
test then lives July to October on the injected clock (reviews, a return and its
resubmission with a new figure, title revisions, warnings from ``workplan tick``) and, on
each checked day, keeps what today's board said then. Afterwards the as-of board must say
exactly that for each day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from workplan.accounts.models import User
from workplan.core import clock
from workplan.demo import demo_setup
from workplan.history.dashboard import plan_dashboard_at
from workplan.history.reports import item_reports_at
from workplan.history.selectors import item_page_at, plan_board_at
from workplan.plans import services as plans
from workplan.plans.models import PlanItem
from workplan.progress import jobs, services
from workplan.progress.dashboard import plan_dashboard_counted
from workplan.progress.models import Escalation, ProgressReport, ReportStatus, Track
from workplan.progress.selectors import plan_status_board
from workplan.progress.testing import moment


def _board(rows: list[Any]) -> dict[int, tuple[Any, ...]]:
    return {
        row.item.pk: (
            row.item.title,
            row.percent,
            str(row.status),
            row.warning_level,
            row.state,
            tuple((t.track.unit_id, t.percent, str(t.status), t.warning_level) for t in row.tracks),
        )
        for row in rows
    }


def _reviews(user: User, day: dt.date) -> dict[int, tuple[str, int]]:
    end = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=moment(2019, 1, 1).tzinfo)
    reports = list(ProgressReport.objects.visible_to(user).order_by("id"))
    return {r.report.pk: (r.state, r.percent) for r in item_reports_at(reports=reports, end=end)}


def _trend(points: list[Any]) -> list[tuple[Any, ...]]:
    return [(p.label, p.average_percent, p.reports, p.accepted, p.returned) for p in points]


def _figures(dashboard: Any) -> tuple[Any, ...]:
    """Every figure the dashboard shows (the trend apart): overall, parts, units, heat, attention."""
    return (
        dashboard.overall.counts,
        dashboard.overall.percent,
        [(p.part.pk, p.part.title, p.tally.counts, p.tally.percent) for p in dashboard.parts],
        [(u.unit.pk, u.tally.counts, u.tally.percent) for u in dashboard.units],
        [(u.pk, row) for u, row in dashboard.heat],
        dashboard.attention_count,
        sorted((r.item.pk, str(r.status), r.warning_level, r.percent) for r in dashboard.attention),
        sorted((r.item.pk, tuple(sorted(t.track.unit.pk for t in r.tracks))) for r in dashboard.attention),
    )


def _live_reviews() -> dict[int, tuple[str, int]]:
    return {
        r.pk: ("submitted" if r.status == ReportStatus.SUBMITTED else str(r.status), r.percent)
        for r in ProgressReport.objects.exclude(status=ReportStatus.DRAFT).order_by("id")
    }


@pytest.mark.django_db(transaction=True)
def test_the_plan_as_of_three_days_is_what_was_true_then():
    plan = demo_setup().plan
    assert plan is not None
    admin, planner = User.objects.get(username="admin"), User.objects.get(username="planner")
    # A unit's reporter sees only the unit's tracks: its past dashboard is scoped the same way.
    scoped = User.objects.filter(memberships__role="reporter").order_by("username").first()
    assert scoped is not None
    truth: dict[dt.date, tuple[dict[int, tuple[Any, ...]], dict[int, tuple[str, int]]]] = {}

    # 31 March, from the back-dated rows themselves: each report's own submission and review stamps.
    march = dt.date(2019, 3, 31)
    oracle: dict[int, tuple[str, int]] = {}
    for report in ProgressReport.objects.order_by("id"):
        local = report.submitted_at.astimezone(moment(2019, 1, 1).tzinfo).date()
        if local > march:
            continue
        reviewed = (
            report.reviewed_at and report.reviewed_at.astimezone(moment(2019, 1, 1).tzinfo).date() <= march
        )
        oracle[report.pk] = (str(report.status) if reviewed else "submitted", report.percent)
    assert _reviews(admin, march) == oracle
    assert {state for state, _ in oracle.values()} >= {"accepted", "submitted"} or oracle

    # 3 July: June's reports reviewed (one returned), the morning tick raises warnings.
    june = list(ProgressReport.objects.filter(status=ReportStatus.SUBMITTED).order_by("id"))
    returned = june[0]
    with clock.frozen(moment(2019, 7, 3, 10)):
        services.report_return(actor=planner, report=returned, reason="请补充佐证材料")
        for report in june[1:4]:
            services.report_accept(actor=planner, report=report)
        jobs.tick(now=moment(2019, 7, 3, 8))
        first = PlanItem.objects.filter(plan=plan, depth=2).order_by("path").first()
        assert first is not None
        plans.item_update(actor=planner, item=first, title="Revised in July: " + first.title)
        july = dt.date(2019, 7, 3)
        truth[july] = (_board(plan_status_board(user=admin, plan=plan, today=july)), _live_reviews())
        counted = plan_dashboard_counted(user=admin, plan=plan, today=july)
        trends, figures = {july: _trend(counted.trend)}, {july: _figures(counted)}
        own = {july: _figures(plan_dashboard_counted(user=scoped, plan=plan, today=july))}

    # 20 October: the returned report resubmitted with a new figure; another title revised.
    with clock.frozen(moment(2019, 10, 20, 10)):
        track = Track.objects.get(pk=returned.track_id)
        reporter = (
            User.objects.filter(memberships__unit=track.unit, memberships__role="reporter").first() or admin
        )
        services.report_save(
            actor=reporter,
            track=track,
            period=returned.period,
            narrative="补充了佐证材料",
            percent=min(100, returned.percent + 7),
            self_status="at_risk",
            expected_version=ProgressReport.objects.get(pk=returned.pk).version,
        )
        jobs.tick(now=moment(2019, 10, 20, 8))
        second = PlanItem.objects.filter(plan=plan, depth=2).order_by("path")[1]
        plans.item_update(actor=planner, item=second, title="Revised in October: " + second.title)
        august = dt.date(2019, 10, 20)
        truth[august] = (_board(plan_status_board(user=admin, plan=plan, today=august)), _live_reviews())
        counted = plan_dashboard_counted(user=admin, plan=plan, today=august)
        trends[august], figures[august] = _trend(counted.trend), _figures(counted)
        own[august] = _figures(plan_dashboard_counted(user=scoped, plan=plan, today=august))

    assert Escalation.objects.exists(), "the tick raised no warning: the check would prove nothing"

    # December: more changes that the past must not show.
    with clock.frozen(moment(2019, 12, 5, 10)):
        services.report_accept(actor=planner, report=ProgressReport.objects.get(pk=returned.pk))
        jobs.tick(now=moment(2019, 12, 5, 8))
        first.refresh_from_db()
        plans.item_update(actor=planner, item=first, title="Revised again in December")

    for day, (board, reviews) in truth.items():
        assert _board(plan_board_at(user=admin, plan=plan, day=day)) == board, day
        assert _reviews(admin, day) == reviews, day
        past = plan_dashboard_at(user=admin, plan=plan, day=day)
        assert _trend(past.trend) == trends[day], day
        assert _figures(past) == figures[day], day  # counted from the judged tuples, as today's were
        assert past.attention_count <= 50, "more than the listed rows: compare the first ones by order"
        assert _figures(plan_dashboard_at(user=scoped, plan=plan, day=day)) == own[day], day
        assert own[day][0] != figures[day][0], "the reporter's scope is the whole plan: no scoping tested"
    july_board = truth[dt.date(2019, 7, 3)][0]
    assert july_board[first.pk][0].startswith("Revised in July")
    assert truth[dt.date(2019, 10, 20)][1][returned.pk][0] == "submitted"
    assert truth[dt.date(2019, 7, 3)][1][returned.pk][0] == "returned"
    assert any(v[3] for v in truth[dt.date(2019, 10, 20)][0].values()), "no warning on the October board"
    for row in plan_board_at(user=admin, plan=plan, day=march)[:8]:  # the item pages, with indicators
        page = item_page_at(user=admin, item_id=row.item.pk, day=march)
        assert page.row.percent == row.percent and all(e.at.year == 2019 for e in page.timeline)
    march_rows = plan_board_at(user=admin, plan=plan, day=march)
    assert not any(row.warning_level for row in march_rows)
    assert all(
        row.item.title == PlanItem.objects.get(pk=row.item.pk).title or row.item.pk in (first.pk, second.pk)
        for row in march_rows
    )
