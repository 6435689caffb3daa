"""Every page, as each persona: renders, stays offline, speaks both languages, costs a fixed
number of queries whatever the plan's size."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from workplan.core.testing import make_plan_with_task
from workplan.core.translations import problems
from workplan.plans import services as plans
from workplan.progress import services as progress
from workplan.progress.models import Period, Track

EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)
CSS_URL = re.compile(r"url\((?:['\"])?(?:https?:)?//", re.IGNORECASE)


@pytest.fixture
def world(actor, org, personas):
    task = make_plan_with_task(actor, owner=org.root, assignee=org.unit_a)
    plans.target_create(actor=actor, item=task, text="覆盖率达到80%以上", kind="percent", value=80)
    progress.plan_dispatch(actor=actor, plan=task.plan)
    return task


def _pages(task):
    plan = task.plan
    track = Track.objects.get(item=task)
    period = Period.objects.filter(plan=plan).order_by("index").first()
    return [
        reverse("web:plan_list"),
        reverse("web:plan_detail", args=[plan.pk]),
        reverse("web:plan_detail", args=[plan.pk]) + "?q=机制&status=not_started",
        reverse("web:plan_dashboard", args=[plan.pk]),
        reverse("web:item_detail", args=[task.pk]),
        reverse("progress:my_tasks"),
        reverse("progress:review_queue"),
        reverse("progress:notifications"),
        reverse("plans:import_start"),
        reverse("progress:report_edit", args=[track.pk, period.pk]),
        reverse("web:login"),
        reverse("web:units_list"),
    ]


def test_users_page_is_for_administrators(client, personas):
    client.force_login(personas.admin)
    body = client.get(reverse("web:user_list")).content.decode()
    assert "reporter-a" in body and "workplan-system" not in body
    client.force_login(personas.planner)
    assert client.get(reverse("web:user_list")).status_code == 404


@pytest.mark.parametrize("who", ["planner", "reporter_a", "leader", "admin"])
def test_every_page_renders_without_external_urls(client, personas, world, who):
    client.force_login(getattr(personas, who))
    for url in _pages(world):
        response = client.get(url)
        if who in {"planner", "leader"} and "/report/" in url:
            assert response.status_code == 404  # only the unit reports
            continue
        if who in {"reporter_a", "leader"} and url == reverse("plans:import_start"):
            assert response.status_code == 403  # only planners import
            continue
        assert response.status_code in (200, 302), (url, response.status_code)
        body = response.content.decode()
        assert not EXTERNAL.search(body), (url, EXTERNAL.search(body))
        assert not CSS_URL.search(body), url


def test_static_files_have_no_external_urls():
    from pathlib import Path

    static = Path(__file__).resolve().parents[1] / "static" / "workplan"
    for path in static.rglob("*"):
        if path.suffix in {".css", ".js"}:
            text = path.read_text(encoding="utf-8")
            assert not CSS_URL.search(text) and "http://" not in text and "https://" not in text, path


def test_catalogues_are_complete_and_not_fuzzy():
    assert problems() == []


@pytest.mark.parametrize(("language", "word"), [("zh-hans", "我的任务"), ("en", "My tasks")])
def test_language_switch_is_remembered_on_the_account(client, personas, world, language, word):
    client.force_login(personas.reporter_a)
    response = client.post(reverse("web:set_language"), {"language": language, "next": "/progress/my/"})
    assert response.status_code == 302 and response["Location"] == "/progress/my/"
    personas.reporter_a.refresh_from_db()
    assert personas.reporter_a.language == language
    client.cookies.clear()
    client.force_login(personas.reporter_a)
    assert word in client.get(reverse("progress:my_tasks")).content.decode()


def test_language_switch_refuses_foreign_redirects_and_unknown_languages(client, personas):
    client.force_login(personas.planner)
    response = client.post(reverse("web:set_language"), {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    personas.planner.refresh_from_db()
    assert personas.planner.language == ""


def _grow(actor, task, count):
    part = task.get_parent()
    for n in range(count):
        item = plans.item_create(actor=actor, plan=task.plan, parent=part, title=f"任务{n}")
        plans.assignment_create(actor=actor, item=item, unit=task.assignments.first().unit, role="lead")
    progress.plan_dispatch(actor=actor, plan=task.plan)


@pytest.mark.parametrize("page", ["web:plan_dashboard", "web:plan_detail"])
def test_plan_pages_cost_the_same_queries_for_a_bigger_plan(
    client, actor, personas, world, page, django_assert_max_num_queries
):
    client.force_login(personas.planner)
    url = reverse(page, args=[world.plan.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as small:
        client.get(url)
    _grow(actor, world, 25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
