"""Supervision pages stay bounded as the work grows: a page renders at most a fixed number of
rows, says how many there are, and costs the same queries whatever their number (issue #16)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from workplan.core import clock
from workplan.progress import services, views
from workplan.progress.testing import dispatched_task, moment

pytestmark = pytest.mark.django_db


@pytest.fixture
def d(actor, org):
    return dispatched_task(actor, owner=org.root, assignee=org.unit_a)


def _submit(personas, d, periods):
    with clock.frozen(moment(2019, 7, 10)):
        for index in periods:
            services.report_save(
                actor=personas.reporter_a,
                track=d.track,
                period=d.period(index),
                narrative=f"第{index}期进展",
                percent=10 * index,
            )


def test_the_review_queue_renders_one_page_and_says_how_many_wait(
    client, personas, d, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(views, "REVIEW_PAGE", 2)
    _submit(personas, d, [1, 2, 3])
    client.force_login(personas.planner)
    url = reverse("progress:review_queue")
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        html = client.get(url).content.decode()
    baseline = len(few.captured_queries)  # read now: later writes rotate the log
    assert html.count('class="card" id="report-') == 2
    assert "Showing reports 1–2 of 3, oldest first." in html and "page=2" in html
    _submit(personas, d, [4, 5, 6])
    with django_assert_max_num_queries(baseline):
        html = client.get(url).content.decode()
    assert html.count('class="card" id="report-') == 2 and "of 6, oldest first." in html
    last = client.get(url, {"page": 3}).content.decode()
    assert last.count('class="card" id="report-') == 2 and "第6期进展" in last and "第1期进展" not in last


def test_a_short_review_queue_has_no_pager(client, personas, d):
    _submit(personas, d, [1])
    client.force_login(personas.planner)
    html = client.get(reverse("progress:review_queue")).content.decode()
    assert html.count('class="card" id="report-') == 1 and "Showing reports" not in html
    assert 'rel="next"' not in html


def _generated(seed, units, items=150):
    from workplan.accounts.models import User
    from workplan.plans.models import Plan
    from workplan.synth import synthesise

    synthesise(units=units, items=items, periods=2, seed=seed)
    return Plan.objects.get(title__startswith=f"SYN{seed} "), User.objects.get(username=f"syn{seed}-planner")


TODAY = "2025-06-30"


def test_the_dashboard_shows_a_page_of_units_counted_as_the_per_item_rules(
    client, monkeypatch, django_assert_max_num_queries
):
    import datetime as dt

    from workplan.progress import dashboard

    monkeypatch.setattr(dashboard, "DASHBOARD_UNITS", 4)
    plan, planner = _generated(61, units=14)
    whole = dashboard.plan_dashboard(user=planner, plan=plan, today=dt.date(2025, 6, 30))
    expected = [(u.unit.pk, u.tally.counts, u.tally.percent) for u in whole.units]
    assert len(expected) > 8
    client.force_login(planner)
    url = f"/plans/{plan.pk}/dashboard/"
    with clock.frozen(moment(2025, 6, 30, 12)):
        client.get(url)
        with django_assert_max_num_queries(60) as few:
            first = client.get(url)
        baseline = len(few.captured_queries)  # read now: later writes rotate the log
        second = client.get(url, {"page": 2})
    assert [
        (u.unit.pk, u.tally.counts, u.tally.percent) for u in first.context["dashboard"].units
    ] == expected[:4]
    assert [
        (u.unit.pk, u.tally.counts, u.tally.percent) for u in second.context["dashboard"].units
    ] == expected[4:8]
    assert len(first.context["dashboard"].heat) == 4
    html = first.content.decode()
    assert f"Units 1–4 of {len(expected)}, in the organisation&#x27;s order." in html or (
        f"Units 1–4 of {len(expected)}, in the organisation's order." in html
    )
    assert 'rel="next"' in html
    # The overall figures do not depend on the page.
    assert first.context["dashboard"].overall.counts == whole.overall.counts
    # More units (and items): the same number of queries, the same rows on a page.
    bigger, big_planner = _generated(62, units=40, items=400)
    client.force_login(big_planner)
    with clock.frozen(moment(2025, 6, 30, 12)):
        client.get(f"/plans/{bigger.pk}/dashboard/")
        with django_assert_max_num_queries(baseline):
            page = client.get(f"/plans/{bigger.pk}/dashboard/")
    assert len(page.context["dashboard"].units) == 4


def test_the_overview_shows_a_page_of_units_and_the_api_every_unit(
    client, personas, monkeypatch, django_assert_max_num_queries
):
    from workplan.web import overview

    monkeypatch.setattr(overview, "OVERVIEW_UNITS", 5)
    _generated(63, units=14)
    client.force_login(personas.admin)
    every = client.get(f"/api/v1/overview?as_of={TODAY}").json()["units"]
    assert len(every) > 10
    client.get(f"/overview/?as_of={TODAY}")
    with django_assert_max_num_queries(60) as few:
        first = client.get(f"/overview/?as_of={TODAY}")
    baseline = len(few.captured_queries)  # read now: later writes rotate the log
    last = client.get(f"/overview/?as_of={TODAY}&page=3")
    shown = first.context["overview"].units + last.context["overview"].units
    by_id = {row["unit_id"]: row for row in every}
    for summary in shown:
        assert summary.tally.total == by_id[summary.unit.pk]["tally"]["total"]
    assert [u.unit.pk for u in first.context["overview"].units] == [r["unit_id"] for r in every[:5]]
    html = first.content.decode()
    assert f"Units 1–5 of {len(every)}" in html and f"as_of={TODAY}&amp;page=2" in html
    _generated(64, units=30)  # a second organisation and plan: more units, the same queries
    with django_assert_max_num_queries(baseline):
        again = client.get(f"/overview/?as_of={TODAY}")
    assert len(again.context["overview"].units) == 5
    assert again.context["overview"].unit_page.paginator.count > len(every)


def _more_tasks(actor, d, count, start=0):
    from workplan.plans import services as plans

    part = d.task.get_parent()
    with clock.frozen(moment(2019, 1, 2)):
        for n in range(start, start + count):
            item = plans.item_create(actor=actor, plan=d.plan, parent=part, title=f"任务{n}")
            plans.assignment_create(actor=actor, item=item, unit=d.track.unit, role="lead")
        services.plan_dispatch(actor=actor, plan=d.plan)


def test_my_tasks_renders_one_page_and_says_how_many(
    client, actor, personas, d, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(views, "MY_TASKS_PAGE", 2)
    _more_tasks(actor, d, 2)
    client.force_login(personas.reporter_a)
    url = reverse("progress:my_tasks")
    with clock.frozen(moment(2019, 7, 10)):
        client.get(url)
        with django_assert_max_num_queries(40) as few:
            first = client.get(url)
        baseline = len(few.captured_queries)  # read now: later writes rotate the log
        assert len(first.context["rows"]) == 2
        html = first.content.decode()
        assert "Showing tasks 1–2 of 3, those needing attention first." in html and "page=2" in html
        assert "3 tasks need your attention." in html  # counted over every task, not the page
        _more_tasks(actor, d, 3, start=2)
        with django_assert_max_num_queries(baseline):
            more = client.get(url)
        assert len(more.context["rows"]) == 2 and "of 6, those needing" in more.content.decode()
        assert len(client.get(url, {"page": 3}).context["rows"]) == 2
