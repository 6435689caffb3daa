"""The item list: filters, keyset pages through a whole plan, and a query count independent of size."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workplan.accounts.models import Unit, User
from workplan.api.testing import client_for
from workplan.plans.models import Assignment, Plan, PlanItem
from workplan.synth import synthesise

MAX_QUERIES = 14


def _plan(seed: int, items: int) -> tuple[Plan, User]:
    synthesise(units=12, items=items, seed=seed)
    plan = Plan.objects.get(title__startswith=f"SYN{seed} ")
    return plan, User.objects.get(username=f"syn{seed}-planner")


def _list(client, plan, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.get(f"/api/v1/plans/{plan.pk}/items?{query}")
    assert response.status_code == 200, response.content[:300]
    return response.json()


def test_pages_walk_the_whole_plan_in_document_order(db):
    plan, planner = _plan(1, 230)
    client = client_for(planner)
    seen, cursor, pages = [], None, 0
    while True:
        page = _list(client, plan, limit=50, **({"cursor": cursor} if cursor else {}))
        seen += [item["id"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 5
    assert seen == list(PlanItem.objects.filter(plan=plan).order_by("path").values_list("id", flat=True))


def test_parent_ids_rebuild_the_tree(db):
    plan, planner = _plan(1, 120)
    items = _list(client_for(planner), plan, limit=200)["items"]
    by_id = {item["id"]: item for item in items}
    for item in items:
        if item["depth"] == 1:
            assert item["parent_id"] is None
        else:
            assert by_id[item["parent_id"]]["depth"] == item["depth"] - 1


def test_filters(db):
    plan, planner = _plan(1, 300)
    client = client_for(planner)
    unit = Unit.objects.filter(code__startswith="SYN1-T").first()
    by_unit = _list(client, plan, unit_id=unit.pk, limit=200)["items"]
    expected = set(Assignment.objects.filter(item__plan=plan, unit=unit).values_list("item_id", flat=True))
    assert {i["id"] for i in by_unit} == expected and expected
    subtree = _list(client, plan, unit_id=unit.pk, include_subunits="true", limit=200)["items"]
    assert {i["id"] for i in subtree} >= expected
    window = _list(client, plan, due_from="2025-05-01", due_to="2025-06-30", limit=200)["items"]
    assert window and all("2025-05-01" <= i["due_date"] <= "2025-06-30" for i in window)
    parts = _list(client, plan, depth=1)["items"]
    assert parts and all(i["depth"] == 1 for i in parts)
    children = _list(client, plan, parent_id=parts[0]["id"], limit=200)["items"]
    assert children and all(i["parent_id"] == parts[0]["id"] for i in children)
    word = PlanItem.objects.filter(plan=plan, depth=2).first().title[:4]
    found = _list(client, plan, q=word, limit=200)["items"]
    assert found and all(word in i["title"] + i["body"] for i in found)
    assert _list(client, plan, status="archived")["items"] == []
    assert len(_list(client, plan, state="open", limit=200)["items"]) == 200
    assert _list(client, plan, state="completed")["items"] == []


@pytest.mark.parametrize("params", [{}, {"due_from": "2025-06-01"}, {"unit": True}, {"q": "加强"}])
def test_the_number_of_queries_does_not_grow_with_the_plan(db, params):
    counts = []
    for seed, size in ((1, 60), (2, 1200)):
        plan, planner = _plan(seed, size)
        client = client_for(planner)
        query = dict(params)
        if query.pop("unit", None):
            query["unit_id"] = Unit.objects.filter(code__startswith=f"SYN{seed}-T").first().pk
        _list(client, plan, limit=50, **query)  # the token's last-use stamp and rate window are written once
        with CaptureQueriesContext(connection) as queries:
            page = _list(client, plan, limit=50, **query)
        counts.append(len(queries))
        assert page["items"]
    assert counts[0] == counts[1] <= MAX_QUERIES, counts


def test_a_deep_page_costs_what_the_first_page_costs(db, django_assert_max_num_queries):
    plan, planner = _plan(2, 800)
    client = client_for(planner)
    last = PlanItem.objects.filter(plan=plan).order_by("-path")[60]
    _list(client, plan, limit=50)
    with django_assert_max_num_queries(MAX_QUERIES):
        page = _list(client, plan, limit=50, cursor=last.path)
    assert len(page["items"]) == 50 and page["next_cursor"] is not None


def test_a_bad_filter_is_refused_in_the_error_shape(db):
    plan, planner = _plan(1, 20)
    response = client_for(planner).get(f"/api/v1/plans/{plan.pk}/items?due_from=tomorrow&limit=500")
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "validation_error"
    assert {tuple(d["loc"]) for d in body["details"]} == {("query", "due_from"), ("query", "limit")}


def test_dates_are_iso(db):
    plan, planner = _plan(1, 20)
    item = _list(client_for(planner), plan, depth=2)["items"][0]
    assert dt.date.fromisoformat(item["due_date"])
