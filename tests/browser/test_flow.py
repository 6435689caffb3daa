"""The whole flow in a real browser, once in Chinese and once in English: sign in, import the
seed plan, assign units, dispatch, report as a unit, return it, resubmit, accept, and see
the dashboard's numbers change. axe-core checks every page on the way."""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from tests.browser.conftest import AXE

from workplan.accounts.models import Role
from workplan.core import clock
from workplan.core.testing import make_organisation, make_user

SEED = Path(str(resources.files("workplan.demo_data").joinpath("united-front-2019-work-plan.txt")))
PASSWORD = "a-Long-Pass-2019"
WORDS = {
    "zh-hans": {"my_tasks": "我的任务", "dashboard": "总览"},
    "en": {"my_tasks": "My tasks", "dashboard": "Dashboard"},
}


class Session:
    """The browser page plus what the flow checks on every screen."""

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base = base_url
        self.violations: list[str] = []

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.check()

    def check(self) -> None:
        self.page.wait_for_load_state("networkidle")
        if AXE.exists():
            # Evaluated by the driver, not as an inline <script> (the CSP would refuse that).
            self.page.evaluate(AXE.read_text(encoding="utf-8"))
            result = self.page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                ".map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')}`)"
            )
            self.violations += [f"{self.page.url} {v}" for v in result]

    def sign_in(self, username: str, language: str) -> None:
        self.page.context.clear_cookies()
        self.go("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state("networkidle")
        with self.page.expect_navigation():
            self.page.select_option("#language-select", language)
        self.check()

    def submit(self, selector: str) -> None:
        with self.page.expect_navigation():
            self.page.click(selector)
        self.check()


@pytest.fixture
def people(actor):
    org = make_organisation(actor)
    users = {
        "planner": make_user(actor, "planner", role=Role.PLANNER, unit=org.root),
        "reporter": make_user(actor, "reporter", role=Role.REPORTER, unit=org.unit_a),
    }
    for user in users.values():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return org, users


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text) or 0)


@pytest.fixture
def mid_june_2019():
    """The whole flow happens on 10 June 2019, inside the seed plan's year (the server
    thread reads the same injected clock)."""
    with clock.frozen(dt.datetime(2019, 6, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        yield


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_plan_year_in_the_browser(page, live_server, people, mid_june_2019, language):
    org, _ = people
    words = WORDS[language]
    s = Session(page, live_server.url)

    # The planner imports the seed plan, reviews it and confirms.
    s.sign_in("planner", language)
    assert words["my_tasks"] in page.inner_text("nav")
    s.go("/plans/import/")
    page.set_input_files("#id_document", str(SEED))
    page.select_option("#id_owner_unit", str(org.root.pk))
    s.submit("main form button[type=submit]")
    assert "/plans/import/" in page.url
    s.submit("form[action$='/confirm/'] button")
    plan_url = page.url
    assert re.search(r"/plans/\d+/$", plan_url)
    assert page.locator("tr.depth-1").count() == 5 and page.locator("tr.depth-2").count() == 16

    # Assign the first part's tasks to unit A as lead, and dispatch (交办).
    for box in page.locator("tr.depth-2 input[name=items]").all()[:3]:
        box.check()
    page.select_option("#bulk-unit", str(org.unit_a.pk))
    page.select_option("#bulk-role", "lead")
    s.submit("fieldset.bulk button[type=submit]")
    s.submit("form[action$='/dispatch/'] button")
    plan_id = re.search(r"/plans/(\d+)/", plan_url).group(1)
    s.go(f"/plans/{plan_id}/dashboard/")
    assert words["dashboard"] in page.inner_text(".subnav")
    reports_before = page.locator(".chart-card table tbody tr").count()

    # The unit acknowledges and reports.
    s.sign_in("reporter", language)
    s.go("/progress/my/")
    s.submit("td.needs form button")  # 签收 / acknowledge
    s.submit("td.needs a.button >> nth=0")
    page.fill("#id_percent", "40")
    page.fill("#id_narrative", "已完成调研，形成初稿。")
    s.submit("button[name=submit]")

    # The planner returns it with a reason.
    s.sign_in("planner", language)
    s.go("/progress/review/")
    page.fill("form.return-form input[name=reason]", "请补充佐证材料")
    s.submit("form.return-form button")

    # The unit fixes and resubmits; the planner accepts.
    s.sign_in("reporter", language)
    s.go("/progress/my/")
    s.submit("td.needs a.button.danger >> nth=0")
    assert "请补充佐证材料" in page.inner_text("main")
    page.fill("#id_percent", "60")
    s.submit("button[name=submit]")
    s.sign_in("planner", language)
    s.go("/progress/review/")
    s.submit("form[action$='/accept/'] button")

    # The dashboard now shows the reported period and the unit's progress.
    s.go(f"/plans/{plan_id}/dashboard/")
    assert page.locator(".chart-card table tbody tr").count() > reports_before
    assert "60%" in page.inner_text("main")
    assert page.external_requests == []
    assert page.csp_violations == []
    assert s.violations == [], "\n".join(s.violations)
