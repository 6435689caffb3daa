"""The demo: ledgers for the seed plan, and its four quantified targets measured by them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from workplan.accounts.models import User
from workplan.demo import demo_setup
from workplan.ledgers import selectors
from workplan.ledgers.models import Indicator, Ledger, LedgerRecord


@pytest.fixture
def demo(db):
    return demo_setup()


def test_the_seed_targets_measure_themselves(demo):
    rows = {row.code: row for row in selectors.indicator_attainments(demo.plan)}
    assert set(rows) == {
        "CIVILISED-SITES",
        "MINORITY-ENTERPRISES",
        "CHAMBER-CONSULTANTS",
        "RESEARCH-CONFERENCES",
    }
    assert all(row.target_id is not None and row.item_id is not None for row in rows.values())
    # Hand counts over the records themselves.
    sites = LedgerRecord.objects.filter(ledger__code="RELIGIOUS-SITES")
    civilised = sum(1 for r in sites if r.values.get("civilised") is True)
    assert (civilised, sites.count()) == (27, 33)
    assert rows["CIVILISED-SITES"].value == pytest.approx(100 * 27 / 33)  # 81.8%
    assert rows["CIVILISED-SITES"].status == "met" and rows["CIVILISED-SITES"].target == 80
    assert rows["MINORITY-ENTERPRISES"].value == 2 and rows["MINORITY-ENTERPRISES"].status == "met"
    consultants = [r.values["consultants"] for r in LedgerRecord.objects.filter(ledger__code="CHAMBERS")]
    assert rows["CHAMBER-CONSULTANTS"].value == pytest.approx(sum(consultants) / len(consultants))
    assert rows["RESEARCH-CONFERENCES"].value == 1 and rows["RESEARCH-CONFERENCES"].status == "met"
    assert sum(f.value or 0 for f in rows["MINORITY-ENTERPRISES"].breakdown) == 2


def test_the_demo_dashboard_shows_them_with_links_to_their_records(demo):
    web = Client()
    web.force_login(User.objects.get(username="leader"))
    page = web.get(reverse("web:plan_dashboard", args=[demo.plan.pk])).content.decode()
    for code in ("CIVILISED-SITES", "MINORITY-ENTERPRISES", "CHAMBER-CONSULTANTS", "RESEARCH-CONFERENCES"):
        assert f"?indicator={code}" in page
    assert "81.8" in page


def test_the_demo_is_idempotent(demo):
    counts = (Ledger.objects.count(), LedgerRecord.objects.count(), Indicator.objects.count())
    demo_setup()
    assert (Ledger.objects.count(), LedgerRecord.objects.count(), Indicator.objects.count()) == counts
