"""Roll-ups counted in SQL equal the per-item Python rules; their query count does not grow."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from workplan.accounts.models import User
from workplan.plans.models import Plan, PlanItem
from workplan.progress import rollup_state
from workplan.progress import status as rules_module
from workplan.progress.dashboard import plan_dashboard, plan_dashboard_counted
from workplan.progress.models import (
    Escalation,
    ItemProgress,
    ItemState,
    ProgressReport,
    ReportStatus,
    ReportTally,
    Track,
    TrackState,
)
from workplan.progress.status import Facts, Status, derive
from workplan.synth import synthesise

pytestmark = pytest.mark.django_db


def _plan_with_every_status(seed: int, items: int = 120) -> Plan:
    synthesise(units=12, items=items, periods=6, seed=seed)
    plan = Plan.objects.get(title__startswith=f"SYN{seed} ")
    tracks = list(Track.objects.filter(item__plan=plan).order_by("id"))
    # Variety the generator does not make: done items, completed and reassigned tracks, silent
    # units, returned newest reports, and items due before mid-year.
    ItemProgress.objects.filter(item_id__in=[t.item_id for t in tracks[::9]]).update(
        state=ItemState.COMPLETED
    )
    Track.objects.filter(pk__in=[t.pk for t in tracks[1::11]]).update(state=TrackState.COMPLETED)
    Track.objects.filter(pk__in=[t.pk for t in tracks[2::13]]).update(state=TrackState.REASSIGNED)
    ProgressReport.objects.filter(track_id__in=[t.pk for t in tracks[3::7]]).delete()
    newest = ProgressReport.objects.filter(track_id__in=[t.pk for t in tracks[4::8]], period__index=6)
    newest.update(status=ReportStatus.RETURNED)
    for n, item in enumerate(PlanItem.objects.filter(plan=plan, pk__in=[t.item_id for t in tracks[5::6]])):
        item.due_date = dt.date(plan.year, 3, 1 + n % 20)
        item.start_date = None if n % 2 else dt.date(plan.year, 2, 1)
        item.save(update_fields=["due_date", "start_date"])
    silent = [t.item_id for t in tracks[3::7]][:6]
    PlanItem.objects.filter(pk__in=silent).update(start_date=dt.date(plan.year, 4, 10), due_date=None)
    rollup_state.refresh_plan(plan)
    # Warnings of every level, some items with two (the attention list orders by the worst).
    levels = [(t, ("blue", "yellow", "red")[n % 3]) for n, t in enumerate(tracks[6::10])]
    levels += [(t, "blue") for t in tracks[7::25]] + [(t, "red") for t in tracks[7::25]]
    Escalation.objects.bulk_create(
        Escalation(track=t, item_id=t.item_id, unit_id=t.unit_id, level=level, raised_at=timezone.now(),
                   reason="synthetic", time_left_share=0.5)
        for t, level in levels
    )  # fmt: skip
    return plan


def _same(python: object, sql: object) -> None:
    assert python.overall.counts == sql.overall.counts
    assert python.overall.percent == sql.overall.percent
    assert [(p.part.pk, p.tally.counts, p.tally.percent) for p in python.parts] == [
        (p.part.pk, p.tally.counts, p.tally.percent) for p in sql.parts
    ]
    assert [(u.unit.pk, u.tally.counts, u.tally.percent) for u in python.units] == [
        (u.unit.pk, u.tally.counts, u.tally.percent) for u in sql.units
    ]
    assert python.heat == sql.heat
    assert len(python.attention) == sql.attention_total
    assert [(r.item.pk, r.status, r.warning_level, r.percent) for r in python.attention[:50]] == [
        (r.item.pk, r.status, r.warning_level, r.percent) for r in sql.attention
    ]


@pytest.mark.parametrize("day", ["01-20", "02-20", "04-15", "06-30", "09-30", "12-31", "next-01-10"])
def test_the_counted_dashboard_equals_the_per_item_rules(day):
    plan = _plan_with_every_status(seed=41)
    year = plan.year + 1 if day.startswith("next") else plan.year
    month, dom = (int(x) for x in day.removeprefix("next-").split("-"))
    today = dt.date(year, month, dom)
    planner = User.objects.get(username="syn41-planner")
    reporter = User.objects.filter(username__startswith="syn41-reporter-").order_by("username")[1]
    if day == "04-15":
        counted = plan_dashboard_counted(user=planner, plan=plan, today=today).overall.counts
        assert all(counted[s] > 0 for s in Status), counted
    for user in (planner, reporter):
        _same(
            plan_dashboard(user=user, plan=plan, today=today),
            plan_dashboard_counted(user=user, plan=plan, today=today),
        )


def test_status_sql_agrees_with_derive_on_every_rule():
    """Every combination of inputs around each rule's boundary, classified by SQL and by Python."""
    plan = _plan_with_every_status(seed=43, items=12)
    progress = ItemProgress.objects.filter(plan=plan, tracked=True).select_related("item").first()
    assert progress is not None
    item = progress.item
    rules = rules_module.rules()
    days = [dt.date(plan.year, 1, 1) + dt.timedelta(days=d) for d in (0, 10, 14, 15, 16, 30, 60, 89, 90, 91)]
    cases = itertools.product(
        [(None, dt.date(plan.year, 4, 1)), (dt.date(plan.year, 1, 1), dt.date(plan.year, 1, 31))],
        [None, 0, 5, 20, 90, 100],
        [False, True],
        [False, True],
        [ItemState.OPEN, ItemState.COMPLETED],
    )
    for (start_date, due_date), percent, returned, flagged, state in cases:
        PlanItem.objects.filter(pk=item.pk).update(start_date=start_date, due_date=due_date)
        ItemProgress.objects.filter(pk=progress.pk).update(
            percent=percent, returned=returned, self_flagged=flagged, state=state
        )
        start, due = rules_module.window(start=start_date, due=due_date, year=plan.year)
        for today in days:
            expected = derive(
                Facts(start=start, due=due, today=today, percent=percent, returned=returned,
                      self_flagged=flagged, done=state == ItemState.COMPLETED),
                rules,
            )  # fmt: skip
            from workplan.progress.selectors.rollups import _classified_whole

            got = (
                _classified_whole([plan.pk], today, plan.year)
                .filter(pk=progress.pk)
                .values_list("status", flat=True)
                .get()
            )
            assert got == expected, (start_date, due_date, percent, returned, flagged, state, today)


def test_the_stored_state_is_current_after_generation_and_repair_finds_drift():
    plan = _plan_with_every_status(seed=44, items=30)
    assert rollup_state.drift(plan) == (0, 0, 0)
    Track.objects.filter(item__plan=plan).update(latest_returned=True)
    assert rollup_state.drift(plan)[0] > 0
    rollup_state.refresh_plan(plan)
    assert rollup_state.drift(plan) == (0, 0, 0)
    ReportTally.objects.filter(period__plan=plan, period__index=2).update(accepted=0)
    ReportTally.objects.filter(period__plan=plan, period__index=3).delete()
    assert rollup_state.drift(plan)[2] > 0
    rollup_state.refresh_plan(plan)
    assert rollup_state.drift(plan) == (0, 0, 0)


def _plan_and_users(seed: int) -> tuple[Plan, dict[str, User]]:
    """A generated plan, its planner and one unit's reporter."""
    reporters = User.objects.filter(username__startswith=f"syn{seed}-reporter-").order_by("username")
    return Plan.objects.get(title__startswith=f"SYN{seed} "), {
        "planner": User.objects.get(username=f"syn{seed}-planner"),
        "reporter": reporters[1],
    }


def test_the_counted_dashboard_query_count_does_not_grow_with_the_plan():
    counts: dict[str, list[int]] = {"planner": [], "reporter": []}
    for seed, items in ((45, 100), (46, 10_000)):
        synthesise(units=12, items=items, periods=1, seed=seed)
        plan, users = _plan_and_users(seed)
        for kind, user in users.items():
            with CaptureQueriesContext(connection) as queries:
                plan_dashboard_counted(user=user, plan=plan, today=dt.date(plan.year, 6, 30))
            counts[kind].append(len(queries))
    assert all(small == large for small, large in counts.values()), counts


def test_the_overview_page_and_endpoint_count_every_active_plan_in_the_users_scope(client):
    synthesise(units=12, items=60, periods=2, plans=2, seed=47)
    planner = User.objects.get(username="syn47-planner")
    reporter = User.objects.filter(username__startswith="syn47-reporter-").order_by("username")[1]
    client.force_login(planner)
    page = client.get("/overview/?as_of=2025-06-30")
    assert page.status_code == 200
    whole = page.context["overview"]
    assert len(whole.plans) == 2
    assert whole.overall.total == sum(
        plan_dashboard(user=planner, plan=p.plan, today=dt.date(2025, 6, 30)).overall.total
        for p in whole.plans
    )
    api = client.get("/api/v1/overview?as_of=2025-06-30").json()
    assert api["overall"]["total"] == whole.overall.total
    assert client.get(f"/plans/{whole.plans[0].plan.pk}/dashboard/?as_of=2025-06-30").status_code == 200
    client.force_login(reporter)
    own = client.get("/api/v1/overview?as_of=2025-06-30").json()
    assert 0 < own["overall"]["total"] < whole.overall.total
    unit_id = own["units"][0]["unit_id"]
    narrowed = client.get(f"/overview/?unit={unit_id}&as_of=2025-06-30")
    assert narrowed.status_code == 200
    assert narrowed.context["overview"].unit.pk == unit_id


def test_a_tree_level_pages_its_rows_and_counts_each_subtree(client):
    synthesise(units=12, items=300, periods=2, seed=48)
    plan = Plan.objects.get(title__startswith="SYN48 ")
    planner = User.objects.get(username="syn48-planner")
    today = dt.date(2025, 6, 30)
    from workplan.progress.selectors.rollups import tree_level

    board = {row.item.path: row for row in plan_dashboard(user=planner, plan=plan, today=today).rows}
    top = tree_level(user=planner, plan=plan, parent=None, today=today, limit=2)
    assert len(top.nodes) == 2 and top.next_offset == 2 and top.total == 3
    for node in top.nodes:
        below = [r for p, r in board.items() if p.startswith(node.item.path) and r.tracks]
        assert sum(node.counts.values()) == len(below)
        assert all(node.counts[s] == sum(1 for r in below if r.status == s) for s in Status)
    parent = next(n.item for n in top.nodes if n.item.numchild)
    level = tree_level(user=planner, plan=plan, parent=parent, today=today)
    assert [n.item.path for n in level.nodes] == sorted(p for p in board if p[:-4] == parent.path)
    for node in level.nodes:
        row = board[node.item.path]
        assert node.status == (row.status if row.tracks else None)
    client.force_login(planner)
    assert client.get(f"/plans/{plan.pk}/levels/").status_code == 200
    fragment = client.get(f"/plans/{plan.pk}/levels/children/?parent={parent.pk}")
    assert fragment.status_code == 200
    assert fragment.content.count(b'class="lazy-node') == len(level.nodes)


def test_the_dashboard_page_query_count_does_not_grow_with_the_plan(client):
    """The whole page (indicator panel and its proposals included), not only the selector."""
    from workplan.ledgers import services as ledger_services
    from workplan.ledgers.proposals import SHOWN

    counts: dict[str, list[int]] = {"planner": [], "reporter": []}
    for seed, items in ((55, 100), (56, 3_000)):
        synthesise(units=12, items=items, periods=2, seed=seed)
        plan, users = _plan_and_users(seed)
        # A ledger whose subject (覆盖率) the generated targets name: proposals to list.
        owner = plan.owner_unit
        ledger_services.ledger_create(
            actor=users["planner"], code=f"C{seed}", name="覆盖率台账", owner_unit=owner
        )
        for kind, user in users.items():
            client.force_login(user)
            url = f"/plans/{plan.pk}/dashboard/"  # today: the counted dashboard (a past as_of is history)
            client.get(url)  # warm caches (session, sites) out of the count
            with CaptureQueriesContext(connection) as queries:
                page = client.get(url)
            assert page.status_code == 200
            counts[kind].append(len(queries))
            if kind == "planner" and items > 1000:
                assert page.content.count(b"Measure it with") == SHOWN
    assert all(small == large for small, large in counts.values()), counts


def test_the_full_tree_renders_a_page_of_rows_and_a_large_plan_opens_level_by_level(client, monkeypatch):
    from workplan.web import views

    synthesise(units=12, items=700, periods=1, seed=57)
    plan = Plan.objects.get(title__startswith="SYN57 ")
    client.force_login(User.objects.get(username="syn57-planner"))
    monkeypatch.setattr(views, "TREE_WHOLE_UP_TO", 10_000)
    rows = PlanItem.objects.filter(plan=plan).count()
    assert rows > views.TREE_PAGE
    first = client.get(f"/plans/{plan.pk}/")
    assert len(first.context["rows"]) == views.TREE_PAGE and first.context["page"].paginator.num_pages == 3
    assert b'href="?page=2"' in first.content
    seen = [row.item.pk for row, _ in first.context["rows"]]
    last = client.get(f"/plans/{plan.pk}/?page={first.context['page'].paginator.num_pages}")
    seen += [row.item.pk for row, _ in last.context["rows"]]
    assert b'rel="prev"' in last.content and b'rel="next"' not in last.content
    middle = client.get(f"/plans/{plan.pk}/?page=2")
    seen += [row.item.pk for row, _ in middle.context["rows"]]
    assert len(set(seen)) == rows  # every item on exactly one page
    monkeypatch.setattr(views, "TREE_WHOLE_UP_TO", 500)
    big = client.get(f"/plans/{plan.pk}/", follow=True)
    assert big.redirect_chain[-1][0] == f"/plans/{plan.pk}/levels/"
    assert b"so its tree opens level by level" in big.content
    filtered = client.get(f"/plans/{plan.pk}/?q=SYN")  # a filtered view is still the full tree, paged
    assert filtered.status_code == 200 and len(filtered.context["rows"]) <= views.TREE_PAGE


def _plain_trend(plan: Plan) -> list[tuple[object, ...]]:
    """The trend counted from every report of the plan, one by one."""
    by_period: dict[int, list[ProgressReport]] = {}
    for report in ProgressReport.objects.filter(item__plan=plan, submitted_at__isnull=False):
        by_period.setdefault(report.period_id, []).append(report)
    rows = []
    for period in plan.periods.order_by("index"):
        reports = by_period.get(period.pk, [])
        if not reports:
            continue
        kept = [r.percent for r in reports if r.status != ReportStatus.RETURNED]
        rows.append(
            (
                period.pk,
                round(sum(kept) / len(kept)) if kept else None,
                len(reports),
                sum(1 for r in reports if r.status == ReportStatus.ACCEPTED),
                sum(1 for r in reports if r.status == ReportStatus.RETURNED),
            )
        )
    return rows


def _trend_rows(dashboard: object) -> list[tuple[object, ...]]:
    return [(t.period_id, t.average_percent, t.reports, t.accepted, t.returned) for t in dashboard.trend]


def test_the_trend_from_the_report_tallies_equals_the_reports_counted_one_by_one():
    plan = _plan_with_every_status(seed=49)
    planner = User.objects.get(username="syn49-planner")
    today = dt.date(plan.year, 6, 30)
    expected = _plain_trend(plan)
    assert len(expected) == 6 and any(row[4] for row in expected)
    assert _trend_rows(plan_dashboard_counted(user=planner, plan=plan, today=today)) == expected


def test_the_report_tallies_follow_every_report_write(actor, org, personas):
    from workplan.core import clock
    from workplan.progress import services
    from workplan.progress.testing import dispatched_task, moment

    d = dispatched_task(actor, owner=org.root, assignee=org.unit_a)
    with clock.frozen(moment(2019, 7, 10)):
        saved = {
            index: services.report_save(
                actor=personas.reporter_a,
                track=d.track,
                period=d.period(index),
                narrative="进展",
                percent=7 * index,
                submit=index != 5,
            )
            for index in range(1, 6)
        }
        services.report_accept(actor=personas.planner, report=saved[1])
        returned = services.report_return(actor=personas.planner, report=saved[2], reason="请补充")
        services.report_return(actor=personas.planner, report=saved[3], reason="请补充")
        services.report_save(  # resubmitted after the return
            actor=personas.reporter_a,
            track=d.track,
            period=d.period(2),
            narrative="已补充",
            percent=33,
            expected_version=returned.version,
        )
        services.report_save(  # a submitted report edited without resubmitting
            actor=personas.reporter_a,
            track=d.track,
            period=d.period(4),
            narrative="修改",
            percent=41,
            submit=False,
            expected_version=saved[4].version,
        )
    plan = d.plan
    planner_view = plan_dashboard_counted(user=personas.planner, plan=plan, today=dt.date(2019, 7, 10))
    reporter_view = plan_dashboard_counted(user=personas.reporter_a, plan=plan, today=dt.date(2019, 7, 10))
    assert _trend_rows(planner_view) == _trend_rows(reporter_view) == _plain_trend(plan)
    assert [row[2:] for row in _plain_trend(plan)] == [(1, 1, 0), (1, 0, 0), (1, 0, 1), (1, 0, 0)]
    assert rollup_state.drift(plan) == (0, 0, 0)
