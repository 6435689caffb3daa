"""Playwright driving Debian's Chromium (never a downloaded browser) against live_server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("WORKPLAN_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parents[2] / "src" / "workplan" / "web" / "static" / "vendor" / "axe.min.js"

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
# still ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    missing = not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM))
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # In CI a missing browser must fail the run (the launch errors), never skip.
            if missing and os.environ.get("CI") != "true":
                item.add_marker(pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}"))


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    external: list[str] = []

    def refuse_external(route: object) -> None:
        external.append(route.request.url)  # type: ignore[attr-defined]
        route.abort()  # type: ignore[attr-defined]

    page.route(
        lambda url: not url.startswith(("http://localhost", "http://127.0.0.1", "data:", "blob:")),
        refuse_external,
    )
    page.external_requests = external  # type: ignore[attr-defined]
    # Every Content-Security-Policy refusal the browser logs (the flow asserts there are none).
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.csp_violations = refused  # type: ignore[attr-defined]
    yield page
    context.close()
