"""In a real browser, as an anonymous visitor: the public progress page of a published plan, in
both languages, axe-core clean (every impact, not only serious) and without CSP violations;
the evidence file marked public is listed and downloads; then every way into what is not
published: unpublished and withdrawn plans, the left-out part's id, the file not marked public,
internal plan/item pages, the evidence download and the API without a token."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.browser.conftest import AXE

from workplan.publishing.testing import (
    HIDDEN_PART_TITLE,
    PEOPLE,
    PRIVATE_NARRATIVE,
    PUBLIC_FILE_BYTES,
    PUBLIC_FILE_NAME,
    PUBLIC_NARRATIVE,
    UNPUBLISHED_TITLE,
    WITHDRAWN_TITLE,
    public_world,
)

NEVER = (
    *PEOPLE,
    HIDDEN_PART_TITLE,
    "保密任务甲",
    PRIVATE_NARRATIVE,
    UNPUBLISHED_TITLE,
    WITHDRAWN_TITLE,
    "名单.txt",
)


def _axe(page) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))  # by the driver: the CSP refuses inline script
    return page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')}`)"
    )


def _links(page) -> list[str]:
    return page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))")


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_visitor_reads_the_public_page_and_reaches_nothing_else(page, live_server, actor, org):
    world = public_world(actor, org)
    base = live_server.url
    violations: list[str] = []
    seen_text = ""

    def visit(path: str, status: int = 200) -> str:
        nonlocal seen_text
        response = page.goto(base + path)
        assert response is not None and response.status == status, (path, response and response.status)
        page.wait_for_load_state("networkidle")
        if AXE.exists():
            violations.extend(f"{path} {v}" for v in _axe(page))
        links = _links(page)
        assert all(h.startswith(("/public/", "#")) for h in links), (path, links)
        text = page.inner_text("body")
        seen_text += text
        return text

    index = visit("/public/")
    assert "2019年公开计划" in index
    with page.expect_navigation():
        page.click("text=2019年公开计划")
    assert page.url.endswith(f"/public/plans/{world.plan.pk}/")
    text = visit(f"/public/plans/{world.plan.pk}/")
    for shown in (
        "加强基层组织建设",
        "完善工作机制",
        "45%",
        "87.5",
        "救助对象核查覆盖率达到95%",
        PUBLIC_NARRATIVE,
        PUBLIC_FILE_NAME,
    ):
        assert shown in text, shown
    with page.expect_download() as download_info:
        page.click(f"text={PUBLIC_FILE_NAME}")
    download = download_info.value
    assert download.suggested_filename == PUBLIC_FILE_NAME
    with open(download.path(), "rb") as handle:
        assert handle.read() == PUBLIC_FILE_BYTES
    assert page.get_attribute("html", "lang") == "zh-hans"
    with page.expect_navigation():
        page.click("a[hreflang=en]")
    english = visit(page.url.removeprefix(base))
    assert "Items, status and progress" in english and page.get_attribute("html", "lang") == "en"
    visit("/public/en/")

    # What is not published answers the same 404 page, whatever the id.
    not_found = [
        visit(f"/public/plans/{pk}/", status=404)
        for pk in (world.unpublished.pk, world.withdrawn.pk, world.secret_part.pk, 10**30, "abc")
    ]
    not_found.append(visit(f"/public/plans/{world.plan.pk}/evidence/{world.evidence.pk}/", status=404))
    assert len(set(not_found)) == 1 and "未找到" in not_found[0]
    # The internal site: every page wants a sign-in, the API a token.
    for path in (
        reverse("web:plan_detail", args=[world.unpublished.pk]),
        reverse("web:item_detail", args=[world.secret_task.pk]),
        reverse("progress:evidence_download", args=[world.evidence.pk]),
        reverse("publishing:manage", args=[world.plan.pk]),
    ):
        page.goto(base + path)
        assert "/login/" in page.url, path
        assert page.locator("#id_username").count() == 1
    for path in (f"/api/v1/plans/{world.unpublished.pk}", f"/api/v1/reports/{world.private_report.pk}"):
        response = page.request.get(base + path)
        assert response.status == 401, path
    for never in NEVER:
        assert never not in seen_text, never
    assert violations == []
    assert page.csp_violations == []
    assert page.external_requests == []
