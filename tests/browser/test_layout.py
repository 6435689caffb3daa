"""No page overflows sideways: at 1366 px and at 390 px wide, in Chinese and in English, the
document is never wider than the window (scroll width measured in Chromium)."""

from __future__ import annotations

import datetime as dt

import pytest

from workplan.accounts.models import Role
from workplan.core import clock
from workplan.core.testing import make_organisation, make_user
from workplan.plans import services as plans
from workplan.progress import services as progress
from workplan.progress.testing import dispatched_task, moment

PASSWORD = "a-Long-Pass-2019"
LONG = "坚持统筹推进，完善工作机制，强化部门协同，" * 12 + "https://example.invalid/" + "x" * 120


@pytest.fixture
def world(actor):
    org = make_organisation(actor)
    planner = make_user(actor, "planner", role=Role.PLANNER, unit=org.root)
    planner.set_password(PASSWORD)
    planner.save(update_fields=["password"])
    d = dispatched_task(
        actor, owner=org.root, assignee=org.unit_a, due=dt.date(2019, 6, 30), title="完善工作机制" * 8
    )
    with clock.frozen(moment(2019, 3, 4)):
        plans.item_update(actor=actor, item=d.task, body=LONG)
        report = progress.report_save(
            actor=actor, track=d.track, period=d.period(2), narrative=LONG, percent=20, submit=True
        )
        progress.evidence_add(actor=actor, report=report, filename="很长的文件名" * 10 + ".txt", data=b"x")
        progress.notice_issue(actor=actor, track=d.track, reason=LONG, reply_due=dt.date(2019, 3, 11))
    return d


@pytest.fixture(autouse=True)
def early_march():
    with clock.frozen(moment(2019, 3, 4)):
        yield


def _pages(d) -> list[str]:
    return [
        "/plans/",
        f"/plans/{d.plan.pk}/",
        f"/plans/{d.plan.pk}/dashboard/",
        f"/items/{d.task.pk}/",
        "/progress/my/",
        "/progress/review/",
        "/progress/notifications/",
        "/plans/import/",
        f"/plans/{d.plan.pk}/revise/",
        "/units/",
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_page_overflows_sideways(browser, live_server, world, language):
    wide = []
    for width in (1366, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(live_server.url + "/login/")
        page.fill("#id_username", "planner")
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        for path in _pages(world):
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            scroll, client = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if scroll > client:
                culprit = page.evaluate(
                    """() => { const w = document.documentElement.clientWidth;
                    const out = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1);
                    const top = out.filter(e => !out.includes(e.parentElement));
                    return top.slice(0, 3).map(e => e.tagName + '.' + e.className).join(', '); }"""
                )
                wide.append(f"{width}px {path}: {scroll} > {client} ({culprit})")
        context.close()
    assert wide == [], "\n".join(wide)
