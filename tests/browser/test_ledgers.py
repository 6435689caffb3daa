"""In a real browser: a unit's reporter checks off a recurring obligation with a ledger
record, from the item page; axe-core checks the ledger pages on the way."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from tests.browser.test_flow import PASSWORD, Session

from workplan.accounts.models import Role
from workplan.core import clock
from workplan.core.testing import make_organisation, make_plan_with_task, make_user
from workplan.ledgers import services as ledgers
from workplan.plans import services as plans
from workplan.progress import services as progress
from workplan.progress.models import Occurrence


@pytest.mark.django_db(transaction=True)
def test_a_ledger_record_checks_off_an_obligation(page, live_server, actor):
    with clock.frozen(dt.datetime(2019, 6, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        org = make_organisation(actor)
        reporter = make_user(actor, "reporter", role=Role.REPORTER, unit=org.unit_a)
        reporter.set_password(PASSWORD)
        reporter.save(update_fields=["password"])
        task = make_plan_with_task(actor, owner=org.root, assignee=org.unit_a, title="2019年工作要点")
        plans.target_create(actor=actor, item=task, text="每年召开1次调研课题会", kind="frequency", value=1)
        progress.plan_dispatch(actor=actor, plan=task.plan)
        ledger = ledgers.ledger_create(
            actor=actor,
            code="MEETINGS",
            name="Meetings ledger",
            owner_unit=org.root,
            keeping_units=[org.unit_a],
        )
        ledgers.field_add(
            actor=actor, ledger=ledger, label="Meeting", kind="text", key="title", required=True
        )
        ledgers.field_add(actor=actor, ledger=ledger, label="Held on", kind="date", key="held_on")
        open_one = (
            Occurrence.objects.filter(item=task, window_start__lte=dt.date(2019, 6, 10))
            .order_by("-index")
            .first()
        )
        assert open_one is not None and open_one.met_at is None

        s = Session(page, live_server.url)
        s.sign_in("reporter", "en")
        s.go(f"/items/{task.pk}/")
        assert "Check off with a ledger record" in page.content()
        s.submit(f"a[href$='?occurrence={open_one.pk}']")
        assert page.input_value("#id_occurrence") == str(open_one.pk)
        page.select_option("#id_unit", str(org.unit_a.pk))
        page.fill("#id_v_title", "Annual research topic conference")
        page.fill("#id_v_held_on", "2019-05-16")
        s.submit("form[enctype] button[type=submit]")
        assert "Annual research topic conference" in page.content()  # the ledger's record list
        open_one.refresh_from_db()
        assert open_one.met_at is not None and open_one.ledger_records.count() == 1
        s.go(f"/items/{task.pk}/")
        assert "met" in page.locator("section.card", has_text="Promises").inner_text()
        s.go(f"/ledgers/{ledger.code}/")
        s.go("/ledgers/")
        s.go("/ledgers/indicators/")
        assert not s.violations, s.violations
