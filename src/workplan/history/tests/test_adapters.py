"""The past through every door: tree, dashboard, item page, changes page, API, CLI; bad days."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import translation

from workplan.api.testing import client_for
from workplan.cli import main
from workplan.core import clock
from workplan.core.testing import make_plan_with_task
from workplan.history.dates import BadDay, check_past_day, parse_date
from workplan.plans import services as plans
from workplan.progress import services
from workplan.progress.models import Period, Track
from workplan.progress.testing import moment


@pytest.fixture
def history(actor, org, personas):
    """A task created 2 January 2019, reported at 20 % in January and 50 % in February, renamed 10 March."""
    with clock.frozen(moment(2019, 1, 2, 9)):
        task = make_plan_with_task(actor, owner=org.root, assignee=org.unit_a, title="2019年工作要点")
        services.calendar_ensure(actor=personas.planner, plan=task.plan)
        services.plan_dispatch(actor=personas.planner, plan=task.plan)
    track = Track.objects.get(item=task)
    january, february = Period.objects.filter(plan=task.plan).order_by("index")[:2]
    with clock.frozen(moment(2019, 1, 24, 9)):
        services.report_save(
            actor=personas.reporter_a, track=track, period=january, narrative="一月", percent=20
        )
    with clock.frozen(moment(2019, 2, 22, 9)):
        services.report_save(
            actor=personas.reporter_a, track=track, period=february, narrative="二月", percent=50
        )
    with clock.frozen(moment(2019, 3, 10, 9)):
        plans.item_update(actor=personas.planner, item=task, title="完善工作机制（修订）")
    task.refresh_from_db()
    return task


def test_tree_as_of_shows_the_old_title_and_percent_read_only(client, personas, history):
    client.force_login(personas.planner)
    url = f"/plans/{history.plan_id}/"
    past = client.get(url, {"as_of": "2019-02-01"})
    assert past.status_code == 200
    body = past.content.decode()
    assert "完善工作机制" in body and "（修订）" not in body
    assert "20%" in body or "20 %" in body
    assert "You are looking at the past" in body
    assert "Dispatch to the units" not in body
    today = client.get(url).content.decode()
    assert "（修订）" in today and "You are looking at the past" not in today


def test_dashboard_and_item_page_as_of(client, personas, history):
    client.force_login(personas.planner)
    dashboard = client.get(f"/plans/{history.plan_id}/dashboard/", {"as_of": "2019-02-01"})
    assert dashboard.status_code == 200 and "You are looking at the past" in dashboard.content.decode()
    assert "(None)" not in dashboard.content.decode()  # the attention count is a number in the past too
    item = client.get(f"/items/{history.pk}/", {"as_of": "2019-02-25"}).content.decode()
    assert "（修订）" not in item and "50%" in item.replace(" %", "%")
    assert "awaiting review" in item


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2018-12-31", "before the plan existed"),
        ("2099-01-01", "in the future"),
        ("31/03/2019", "is not a date"),
    ],
)
def test_bad_days_are_refused_everywhere(client, personas, history, text, words, capsys):
    client.force_login(personas.planner)
    for url in (
        f"/plans/{history.plan_id}/",
        f"/plans/{history.plan_id}/dashboard/",
        f"/items/{history.pk}/",
    ):
        response = client.get(url, {"as_of": text})
        assert response.status_code == 400 and words in response.content.decode(), url
    api = client_for(personas.planner).get(f"/api/v1/plans/{history.plan_id}/as-of", {"date": text})
    assert api.status_code == 400 and words in api.json()["error"]["message"]
    assert api.json()["error"]["code"] == "bad_date"
    assert main(["plan", "show", str(history.plan_id), "--as-of", text]) != 0
    assert words in capsys.readouterr().err


def test_bad_day_messages_in_chinese(history):
    with translation.override("zh-hans"), pytest.raises(BadDay) as error:
        check_past_day(history.plan, parse_date("2099-01-01"))
    assert "future" not in error.value.message and "2099-01-01" in error.value.message
    with translation.override("zh-hans"), pytest.raises(BadDay) as error:
        parse_date("soon")
    assert "YYYY-MM-DD" in error.value.message and "not a date" not in error.value.message


def test_api_as_of_and_changes(personas, history):
    client = client_for(personas.planner)
    data = client.get(f"/api/v1/plans/{history.plan_id}/as-of", {"date": "2019-02-01"}).json()
    task = next(item for item in data["items"] if item["id"] == history.pk)
    assert task["title"] == "完善工作机制" and task["percent"] == 20 and task["units"][0]["percent"] == 20
    changes = client.get(
        f"/api/v1/plans/{history.plan_id}/changes", {"since": "2019-02-01", "until": "2019-03-31"}
    ).json()
    change = next(c for c in changes["changes"] if c["id"] == history.pk)
    fields = {f["field"]: (f["before"], f["after"]) for f in change["fields"]}
    assert fields["title"] == ("完善工作机制", "完善工作机制（修订）")
    assert fields["percent"] == (20, 50)
    reversed_days = client.get(
        f"/api/v1/plans/{history.plan_id}/changes", {"since": "2019-03-31", "until": "2019-02-01"}
    )
    assert reversed_days.status_code == 400


def test_the_past_shows_only_what_the_user_may_see_today(personas, history, client):
    outsider = client_for(personas.reporter_b).get(
        f"/api/v1/plans/{history.plan_id}/as-of", {"date": "2019-02-01"}
    )
    assert outsider.status_code == 404
    client.force_login(personas.reporter_b)
    assert client.get(f"/items/{history.pk}/", {"as_of": "2019-02-01"}).status_code == 404


def test_changes_page(client, personas, history):
    client.force_login(personas.planner)
    page = client.get(
        f"/history/plans/{history.plan_id}/changes/", {"since": "2019-02-01", "until": "2019-03-31"}
    )
    body = page.content.decode()
    assert page.status_code == 200 and "完善工作机制（修订）" in body and "changed" in body


def test_cli_plan_show_json(history, capsys):
    assert main(["plan", "show", str(history.plan_id), "--as-of", "2019-02-01", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["as_of"] == "2019-02-01"
    task = next(item for item in shown["items"] if item["id"] == history.pk)
    assert {k: task[k] for k in ("number", "title", "percent")} == {
        "number": "（一）",
        "title": "完善工作机制",
        "percent": 20,
    }
    assert task["status"] in {"on_track", "at_risk", "not_started"}
    assert dt.date.fromisoformat(shown["as_of"]) < clock.today()


@pytest.mark.django_db
def test_the_past_dashboard_shows_a_page_of_units_like_todays(monkeypatch, client):
    from workplan.accounts.models import User
    from workplan.history import dashboard as history_dashboard
    from workplan.plans.models import Plan
    from workplan.synth import YEAR, synthesise

    with clock.frozen(moment(YEAR, 1, 1, 8)):
        synthesise(units=12, items=60, periods=3, seed=61)
    plan = Plan.objects.get(title__startswith="SYN61 ")
    planner = User.objects.get(username="syn61-planner")
    monkeypatch.setattr(history_dashboard, "DASHBOARD_UNITS", 5)
    day = dt.date(YEAR, 2, 20)
    first = history_dashboard.plan_dashboard_at(user=planner, plan=plan, day=day)
    second = history_dashboard.plan_dashboard_at(user=planner, plan=plan, day=day, unit_page="2")
    assert first.unit_page is not None and first.unit_page.paginator.count > 5
    assert len(first.units) == len(first.heat) == 5
    assert {u.unit.pk for u in first.units}.isdisjoint(u.unit.pk for u in second.units)
    assert first.overall.counts == second.overall.counts  # the figures are the whole plan's
    client.force_login(planner)
    page = client.get(f"/plans/{plan.pk}/dashboard/", {"as_of": day.isoformat(), "page": "2"})
    assert page.status_code == 200 and b'rel="prev"' in page.content
