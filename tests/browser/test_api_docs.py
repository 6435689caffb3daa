"""The API's documentation page renders in a real browser (it once failed on a duplicated key)."""

from __future__ import annotations

import pytest


@pytest.mark.django_db(transaction=True)
def test_the_api_docs_page_renders_every_operation(page, live_server):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    text = page.inner_text("body")
    assert "Parser error" not in text and "duplicated mapping key" not in text
    assert page.locator(".opblock").count() > 20
    assert page.locator(".opblock-summary-path[data-path='/api/v1/plans/{plan_id}/breakdown']").count() == 2
    assert errors == []
    assert page.external_requests == []
