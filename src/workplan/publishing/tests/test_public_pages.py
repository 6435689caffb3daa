"""The anonymous pages under /public/: what they show, what they never show, 404s, caching."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from workplan.publishing import services
from workplan.publishing.testing import (
    HIDDEN_PART_TITLE,
    PEOPLE,
    PRIVATE_NARRATIVE,
    PUBLIC_NARRATIVE,
    UNPUBLISHED_TITLE,
    WITHDRAWN_TITLE,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous() -> Client:
    return Client()


def _page(client: Client, plan_id: object, prefix: str = "/public/") -> str:
    response = client.get(f"{prefix}plans/{plan_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_index_lists_published_plans_only(anonymous, world):
    body = anonymous.get("/public/").content.decode()
    assert world.plan.title in body
    assert UNPUBLISHED_TITLE not in body and WITHDRAWN_TITLE not in body
    assert f"/public/plans/{world.plan.pk}/" in body


def test_the_plan_page_shows_structure_status_percent_targets_and_public_narratives(anonymous, world):
    body = _page(anonymous, world.plan.pk)
    assert "加强基层组织建设" in body and "完善工作机制" in body
    assert "45%" in body  # the latest accepted percent
    assert "status-overdue" in body or "status-on_track" in body or "status-at_risk" in body
    assert "救助对象核查覆盖率达到95%" in body and "87.5" in body  # target and its computed value
    assert PUBLIC_NARRATIVE in body
    assert PRIVATE_NARRATIVE not in body  # accepted, but not made public


def test_nothing_unpublished_and_no_people_evidence_or_internal_links(anonymous, world):
    body = _page(anonymous, world.plan.pk) + anonymous.get("/public/").content.decode()
    assert HIDDEN_PART_TITLE not in body and "保密任务甲" not in body  # the part left out
    for name in PEOPLE:
        assert name not in body, name
    assert "名单.txt" not in body and f"/evidence/{world.evidence.pk}/" not in body  # not marked public
    assert reverse("progress:evidence_download", args=[world.public_evidence.pk]) not in body
    hrefs = [chunk.split('"', 1)[0] for chunk in body.split('href="')[1:]]
    assert hrefs, "the page links somewhere"
    assert all(h.startswith(("/public/", "/static/", "#")) for h in hrefs), hrefs
    assert "<form" not in body and "csrf" not in body.lower()
    assert "<script" not in body  # nothing to run: the strict CSP has nothing to allow


def test_a_returned_report_loses_its_public_narrative(anonymous, world):
    from workplan.progress.models import ProgressReport

    # A raw update (no service, so no audit row): the cached page must be dropped by hand here.
    ProgressReport.objects.filter(pk=world.public_report.pk).update(status="returned")
    cache.clear()
    assert PUBLIC_NARRATIVE not in _page(anonymous, world.plan.pk)


def test_english_without_signing_in(anonymous, world):
    body = _page(anonymous, world.plan.pk, "/public/en/")
    assert 'lang="en"' in body and "Items, status and progress" in body
    assert f'href="/public/plans/{world.plan.pk}/"' in body  # the switch back to Chinese
    assert "事项、状态和进度" in _page(anonymous, world.plan.pk)


@pytest.mark.parametrize(
    "raw",
    [
        "0",
        "-1",
        "abc",
        "1e3",
        "9" * 19,
        "9223372036854775808",
        "99999999999999999999999999999999",
        "%00",
        "1;DROP TABLE x",
        "<script>",
        "١٢",  # Arabic-Indic digits: int() would take them
    ],
    ids=lambda raw: f"id-{raw.encode().hex()[:24]}",
)
def test_junk_and_huge_ids_get_the_same_404(anonymous, world, raw):
    missing = anonymous.get("/public/plans/999999/")
    response = anonymous.get(f"/public/plans/{raw}/")
    assert response.status_code == missing.status_code == 404
    assert response.content == missing.content


def test_unpublished_withdrawn_and_missing_plans_look_the_same(anonymous, world):
    answers = [
        anonymous.get(f"/public/plans/{pk}/")
        for pk in (world.unpublished.pk, world.withdrawn.pk, 10**12, world.task.pk + 1000)
    ]
    assert {r.status_code for r in answers} == {404}
    assert len({r.content for r in answers}) == 1
    assert all(r["Cache-Control"] == "no-cache" for r in answers)
    # …and an item id is not a plan id: the secret part's id as a plan gives the same 404.
    assert anonymous.get(f"/public/plans/{world.secret_part.pk}/").content == answers[0].content


def test_hostile_query_strings_change_nothing(anonymous, world):
    plain = _page(anonymous, world.plan.pk)
    for query in (
        "?as_of=2019-01-01",
        "?lang=%3Cscript%3E",
        "?plan=" + str(world.unpublished.pk),
        "?part=" + str(world.secret_part.pk),
        "?" + "x" * 4000,
        "?q=%00%ff",
    ):
        response = anonymous.get(f"/public/plans/{world.plan.pk}/{query}")
        assert response.status_code == 200, query
        assert response.content.decode() == plain, query


def test_only_get_and_head(anonymous, world):
    url = f"/public/plans/{world.plan.pk}/"
    assert anonymous.head(url).status_code == 200
    assert anonymous.post(url).status_code in (403, 405)  # CSRF or method: never a write
    assert Client(enforce_csrf_checks=False).post(url).status_code == 405


def test_the_internal_site_stays_closed_to_a_visitor(anonymous, world):
    for url in (
        reverse("web:plan_detail", args=[world.plan.pk]),
        reverse("web:plan_detail", args=[world.unpublished.pk]),
        reverse("web:item_detail", args=[world.secret_task.pk]),
        reverse("progress:evidence_download", args=[world.evidence.pk]),
        reverse("publishing:manage", args=[world.plan.pk]),
    ):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    for url in (
        f"/api/v1/plans/{world.plan.pk}",
        f"/api/v1/plans/{world.plan.pk}/publication",
        "/api/v1/plans",
    ):
        assert anonymous.get(url).status_code == 401, url


def test_conditional_get_answers_304_and_a_change_makes_a_new_etag(anonymous, world):
    url = f"/public/plans/{world.plan.pk}/"
    first = anonymous.get(url)
    assert first["Cache-Control"] == "public, max-age=60"
    assert first["ETag"].startswith('"') and first["Content-Language"] == "zh-hans"
    again = anonymous.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    assert anonymous.get("/public/en" + url[7:])["ETag"] != first["ETag"]  # one per language
    services.narrative_unpublish(
        actor=world.planner,
        narrative=world.public_report.public_narrative,
    )
    changed = anonymous.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and PUBLIC_NARRATIVE not in changed.content.decode()
    index = anonymous.get("/public/")
    assert anonymous.get("/public/", HTTP_IF_NONE_MATCH=index["ETag"]).status_code == 304


def test_unpublishing_takes_the_page_down_at_once(anonymous, world):
    url = f"/public/plans/{world.plan.pk}/"
    etag = anonymous.get(url)["ETag"]
    services.publication_unpublish(actor=world.planner, plan=world.plan)
    assert anonymous.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 404  # never a stale 304
    assert world.plan.title not in anonymous.get("/public/").content.decode()


def test_publishing_parts_again_changes_what_is_shown(anonymous, world):
    services.publication_publish(actor=world.planner, plan=world.plan, part_ids=[])
    body = _page(anonymous, world.plan.pk)
    assert HIDDEN_PART_TITLE in body  # now the whole plan is public
    services.publication_publish(actor=world.planner, plan=world.plan, part_ids=[world.secret_part.pk])
    body = _page(anonymous, world.plan.pk)
    assert HIDDEN_PART_TITLE in body and "完善工作机制" not in body and PUBLIC_NARRATIVE not in body


def test_a_signed_in_user_sees_the_same_public_page(client, anonymous, world):
    client.force_login(world.planner)
    signed_in = client.get(f"/public/plans/{world.plan.pk}/").content
    assert signed_in == anonymous.get(f"/public/plans/{world.plan.pk}/").content
    assert b"planner-pub" not in signed_in


def _grow(actor, world, extra_tasks: int) -> None:
    from workplan.plans import services as plans

    for n in range(extra_tasks):
        item = plans.item_create(
            actor=actor, plan=world.plan, parent=world.part, title=f"新增任务{n}", number=str(n + 2)
        )
        plans.target_create(actor=actor, item=item, text=f"完成{n + 1}次", kind="count", value=n + 1)


def _queries(client, url, django_assert_max_num_queries) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_query_count_does_not_grow_with_the_plan(actor, anonymous, world, django_assert_max_num_queries):
    url = f"/public/plans/{world.plan.pk}/"
    cache.clear()
    small = _queries(anonymous, url, django_assert_max_num_queries)
    _grow(actor, world, 30)
    cache.clear()
    large = _queries(anonymous, url, django_assert_max_num_queries)
    print(f"public page: {small} queries cold ({small} after 30 more tasks), ", end="")
    assert large == small, (small, large)
    assert small <= 20
    warm = _queries(anonymous, url, django_assert_max_num_queries)
    print(f"{warm} warm")
    assert warm <= 2, warm  # the stamp: the rendered page comes from the cache
