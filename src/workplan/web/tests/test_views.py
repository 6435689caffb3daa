"""The web pages: sign-in, scoped plan lists, missing and forbidden look the same."""

from __future__ import annotations

import pytest
from django.urls import reverse

from workplan.core.testing import make_plan_with_task
from workplan.plans import services


@pytest.fixture
def plans(actor, org):
    own = make_plan_with_task(actor, owner=org.unit_a, assignee=org.unit_a, title="民政局计划")
    other = make_plan_with_task(actor, owner=org.unit_b, assignee=org.unit_b, title="财政局计划")
    return own.plan, other.plan


def test_login_page_renders_a_form(client, db):
    response = client.get(reverse("web:login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="username"' in body and 'name="password"' in body and "csrfmiddlewaretoken" in body


def test_pages_need_sign_in(client, db):
    response = client.get(reverse("web:plan_list"))
    assert response.status_code == 302 and reverse("web:login") in response["Location"]


def test_reporter_sees_only_plans_of_its_unit(client, personas, plans):
    client.force_login(personas.reporter_a)
    body = client.get(reverse("web:plan_list")).content.decode()
    assert "民政局计划" in body and "财政局计划" not in body


def test_invisible_and_missing_plans_are_both_404(client, personas, plans):
    client.force_login(personas.reporter_a)
    _, other = plans
    assert client.get(reverse("web:plan_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("web:plan_detail", args=[999999])).status_code == 404


def test_titles_are_escaped(client, actor, personas, plans):
    own, _ = plans
    services.item_create(actor=actor, plan=own, title="<script>alert(1)</script>")
    client.force_login(personas.planner)
    body = client.get(reverse("web:plan_detail", args=[own.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_plan_page_query_count_does_not_grow_with_the_plan(
    client, actor, personas, plans, django_assert_max_num_queries
):
    own, _ = plans
    client.force_login(personas.planner)
    client.get(reverse("web:plan_detail", args=[own.pk]))
    with django_assert_max_num_queries(25) as small:
        client.get(reverse("web:plan_detail", args=[own.pk]))
    part = own.items.get(depth=1)
    for n in range(30):
        task = services.item_create(actor=actor, plan=own, parent=part, title=f"任务{n}")
        services.target_create(actor=actor, item=task, text="80%以上", kind="percent", value=80)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("web:plan_detail", args=[own.pk]))


def test_healthz(client, db):
    assert client.get(reverse("web:healthz")).json() == {"status": "ok"}
