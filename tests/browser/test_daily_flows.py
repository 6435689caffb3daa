"""The daily work in a real browser: a reporter from My tasks to a submitted report in three
clicks after 签收; a 督办单 issued, answered and lifted; an extension approved with both dates
kept; an occurrence marked met; a revised document applied from the web."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from workplan.accounts.models import Role
from workplan.core import clock
from workplan.core.testing import make_organisation, make_user
from workplan.plans import services as plans
from workplan.plans.models import ItemStatus, PlanItem
from workplan.progress import services as progress
from workplan.progress.models import (
    ExtensionRequest,
    NoticeState,
    Occurrence,
    ProgressReport,
    SupervisionNotice,
)
from workplan.progress.testing import dispatched_task, moment

PASSWORD = "a-Long-Pass-2019"


@pytest.fixture
def world(actor):
    org = make_organisation(actor)
    people = {
        "planner": make_user(actor, "planner", role=Role.PLANNER, unit=org.root),
        "reporter": make_user(actor, "reporter", role=Role.REPORTER, unit=org.unit_a),
    }
    for user in people.values():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    d = dispatched_task(actor, owner=org.root, assignee=org.unit_a, due=dt.date(2019, 6, 30))
    return org, people, d


@pytest.fixture(autouse=True)
def early_march():
    with clock.frozen(moment(2019, 3, 4)):
        yield


class Browser:
    def __init__(self, page, base: str) -> None:
        self.page, self.base, self.clicks = page, base, 0

    def sign_in(self, username: str) -> None:
        self.page.context.clear_cookies()
        self.page.goto(self.base + "/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        with self.page.expect_navigation():
            self.page.click("button[type=submit]")
        self.page.evaluate("document.cookie = 'django_language=en; path=/'")

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)

    def click(self, selector: str) -> None:
        self.clicks += 1
        with self.page.expect_navigation():
            self.page.click(selector)


@pytest.mark.django_db(transaction=True)
def test_my_tasks_to_a_submitted_report_in_three_clicks(page, live_server, world):
    _, _, d = world
    b = Browser(page, live_server.url)
    b.sign_in("reporter")
    b.go("/progress/my/")
    b.click("td.needs form button")  # 签收
    b.clicks = 0
    b.click("td.needs a.button >> nth=0")  # 1: the report link on My tasks
    page.fill("#id_percent", "35")
    page.fill("#id_narrative", "已完成调研")
    b.click("button[name=submit]")  # 2: submit
    assert b.clicks <= 3
    report = ProgressReport.objects.get(track=d.track)
    assert report.status == "submitted" and report.percent == 35


@pytest.mark.django_db(transaction=True)
def test_a_notice_issued_answered_and_lifted(page, live_server, world):
    _, _, d = world
    b = Browser(page, live_server.url)
    b.sign_in("planner")
    b.go(f"/items/{d.task.pk}/")
    page.click("details.issue-notice summary")
    page.select_option("#notice-track", str(d.track.pk))
    page.fill("#notice-reason", "进度滞后，请说明情况")
    page.fill("#notice-due", "2019-03-11")
    b.click("form.notice-form button[type=submit]")
    assert "进度滞后，请说明情况" in page.inner_text("#supervision")

    b.sign_in("reporter")
    b.go("/progress/my/")
    b.click(".notices-to-answer a")
    page.fill("form.answer-form textarea", "已召开专题会，下周完成")
    b.click("form.answer-form button")
    assert "已召开专题会，下周完成" in page.inner_text("#supervision")

    b.sign_in("planner")
    b.go(f"/items/{d.task.pk}/")
    page.fill("form.lift-form input[name=reason]", "已整改")
    b.click("form.lift-form button")
    notice = SupervisionNotice.objects.get(track=d.track)
    assert notice.state == NoticeState.LIFTED and notice.answer == "已召开专题会，下周完成"
    assert "notice-lifted" in page.inner_html("#supervision")


@pytest.mark.django_db(transaction=True)
def test_an_extension_approved_with_both_dates_kept(page, live_server, world):
    _, _, d = world
    b = Browser(page, live_server.url)
    b.sign_in("reporter")
    b.go(f"/items/{d.task.pk}/")
    page.click("details.request-extension summary")
    page.fill("details.request-extension input[name=requested_due]", "2019-09-30")
    page.fill("details.request-extension textarea[name=reason]", "资金未到位")
    b.click("details.request-extension button")
    b.sign_in("planner")
    b.go(f"/items/{d.task.pk}/")
    b.click(".extension form[action$='/approve/'] button")
    extension = ExtensionRequest.objects.get(track=d.track)
    assert extension.state == "approved"
    assert (extension.original_due, extension.requested_due) == (dt.date(2019, 6, 30), dt.date(2019, 9, 30))
    assert PlanItem.objects.get(pk=d.task.pk).due_date == dt.date(2019, 9, 30)
    text = page.inner_text(".extension")
    assert "2019" in text and page.locator(".extension .original-due").count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_occurrence_marked_met(page, live_server, world, actor):
    _, people, d = world
    plans.target_create(actor=actor, item=d.task, text="每月1次", kind="frequency", value=1, unit="per month")
    progress.obligation_generate(actor=actor, plan=d.plan)
    progress.report_save(
        actor=people["reporter"],
        track=d.track,
        period=d.period(3),
        narrative="召开1次",
        percent=30,
        submit=True,
    )
    b = Browser(page, live_server.url)
    b.sign_in("reporter")
    b.go(f"/items/{d.task.pk}/")
    b.click("li.occurrence-open form.meet-form button")
    occurrence = Occurrence.objects.get(item=d.task, window_start=dt.date(2019, 3, 1))
    assert occurrence.met_by_id is not None
    assert page.locator("li.occurrence-met").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_revised_document_applied_from_the_web(page, live_server, world, tmp_path: Path):
    _, _, d = world
    revised = tmp_path / "revised.txt"
    revised.write_text(
        "2019年工作要点\n一、加强组织领导\n（一）完善工作机制。6月底前完成。\n（二）新增督查任务。9月底前完成。\n",
        encoding="utf-8",
    )
    b = Browser(page, live_server.url)
    b.sign_in("planner")
    b.go(f"/plans/{d.plan.pk}/")
    b.click(f"a[href='/plans/{d.plan.pk}/revise/']")
    page.set_input_files("#id_document", str(revised))
    b.click("main form button[type=submit]")
    assert page.locator("tr.change-added").count() == 1
    b.click("form input[name=staged] ~ button")
    assert PlanItem.objects.filter(
        plan=d.plan, title__startswith="新增督查任务", status=ItemStatus.ACTIVE
    ).exists()
    assert PlanItem.objects.get(pk=d.task.pk).status == ItemStatus.ACTIVE  # identity kept
