"""The audit log page: administrators search and export; nobody else sees it; exports are audited."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from workplan.accounts import services as accounts
from workplan.core.models import AuditEntry


@pytest.fixture
def admin_client(client, personas):
    client.force_login(personas.admin)
    return client


def test_administrators_search_by_action_who_and_text(admin_client, org, actor):
    accounts.unit_update(actor=actor, unit=org.unit_a, name='=HYPERLINK("http://evil")')
    page = admin_client.get(reverse("security:audit_list"), {"action": "unit.", "text": "HYPERLINK"})
    assert page.status_code == 200
    rows = list(page.context["page"])
    assert rows and all(r.action.startswith("unit.") and "HYPERLINK" in r.target_repr for r in rows)
    assert reverse("security:audit_list") in admin_client.get(reverse("web:plan_list")).content.decode()


def test_the_export_is_csv_of_the_same_rows_and_is_audited(admin_client, org, actor, personas):
    accounts.unit_update(actor=actor, unit=org.unit_a, name="=cmd|' /C calc'!A0")
    response = admin_client.get(reverse("security:audit_export"), {"action": "unit.updated"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][:3] == ["at", "actor", "action"]
    assert len(table) - 1 == AuditEntry.objects.filter(action="unit.updated").count()
    assert all(not cell.startswith(("=", "+", "@")) for row in table[1:] for cell in row)
    export = AuditEntry.objects.get(action="audit.exported")
    assert export.actor == personas.admin and export.after["filters"] == {"action": "unit.updated"}


@pytest.mark.parametrize("who", ["planner", "reporter_a", "leader", "outsider"])
def test_nobody_else_sees_it(client, personas, who):
    client.force_login(getattr(personas, who))
    assert client.get(reverse("security:audit_list")).status_code == 404
    assert client.get(reverse("security:audit_export")).status_code == 404
    assert not AuditEntry.objects.filter(action="audit.exported").exists()


@pytest.mark.parametrize(
    "query",
    [
        {"since": "not-a-date"},
        {"address": "999.1.1.1"},
        {"actor": "x" * 5000},
        {"text": "\x00"},
        {"page": "-3"},
    ],
    ids=["date", "address", "long", "nul", "page"],
)
def test_junk_filters_show_the_page(admin_client, query):
    assert admin_client.get(reverse("security:audit_list"), query).status_code == 200


def test_the_page_costs_the_same_queries_whatever_the_size(
    admin_client, actor, org, django_assert_max_num_queries
):
    for n in range(30):
        accounts.unit_update(actor=actor, unit=org.unit_b, short_name=f"B{n}")
    with django_assert_max_num_queries(12):
        admin_client.get(reverse("security:audit_list"))
