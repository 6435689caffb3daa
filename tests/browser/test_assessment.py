"""Assessment in a real browser: the assessor computes and publishes the ranking, the unit
opens its breakdown (every point links to its rows), objects, and the assessor answers.
axe-core checks every page on the way."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from tests.browser.test_flow import PASSWORD, Session

from workplan.assessment.testing import build_world, enter_judgement
from workplan.core import clock


@pytest.fixture
def scored_world(actor, org):
    world = build_world(actor, org)
    enter_judgement(world)
    for user in (world.assessor, world.reporter_a):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    with clock.frozen(dt.datetime(2019, 7, 5, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        yield world


@pytest.mark.django_db(transaction=True)
def test_assessor_publishes_unit_objects_assessor_answers(page, live_server, scored_world):
    world = scored_world
    s = Session(page, live_server.url)
    s.sign_in(world.assessor.username, "en")
    s.go("/assessment/rubrics/")
    s.submit(f"text={world.rubric.name}")
    page.select_option("#run-period", "2019-H1")
    s.submit("text=Compute the scores")
    assert "91.00" in page.content() and "30.36" in page.content()
    s.submit("button:has-text('Publish')")
    assert "published" in page.inner_text(".run-status").lower()

    s.sign_in(world.reporter_a.username, "en")
    s.go("/assessment/rubrics/")
    s.submit(f"text={world.rubric.name}")
    s.submit("table >> a:has-text('2019-H1')")
    s.submit(f"table.ranking >> text={world.org.unit_a.name}")
    assert "Completion: 40.00 / 40" in page.content()
    assert page.locator(f"a[href='/items/{world.task1.pk}/']").count() >= 1
    page.fill("textarea[name=text]", "The April report was late because of a holiday")
    s.submit("text=File the objection")
    assert "The April report was late" in page.content()
    result_path = page.url.replace(live_server.url, "")

    s.sign_in(world.assessor.username, "en")
    s.go(result_path)
    page.fill("textarea[name=text]", "Checked: the score stands")
    s.submit("button:has-text('Answer')")
    assert "Checked: the score stands" in page.content()
    assert not s.violations, s.violations
    assert not page.external_requests
