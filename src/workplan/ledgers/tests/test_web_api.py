"""The ledger pages and API: define a ledger and its fields, keep records, see indicators on
the item page and the dashboard; bad input is refused with the field named."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from workplan.api.testing import client_for
from workplan.core.testing import make_plan_with_task
from workplan.ledgers import services
from workplan.ledgers.models import Ledger, LedgerRecord
from workplan.ledgers.testing import make_site_ledger
from workplan.plans import services as plans


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_planner_defines_a_ledger_and_a_unit_keeps_it_in_the_web_ui(org, personas):
    web = _web(personas.planner)
    response = web.post(
        reverse("ledgers:ledgers_create"),
        {"code": "TRAIN", "name": "培训台账", "owner_unit": org.root.pk, "keeping_units": [org.unit_a.pk]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ledger = Ledger.objects.get(code="TRAIN")
    for label, kind, extra in (
        ("培训主题", "text", {}),
        ("人数", "integer", {}),
        ("类型", "choice", {"choices": "线上\n线下"}),
    ):
        response = web.post(
            reverse("ledgers:field_create", args=["TRAIN"]), {"label": label, "kind": kind, **extra}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    keys = dict(ledger.fields.values_list("label", "key"))
    reporter = _web(personas.reporter_a)
    form = {
        "unit": org.unit_a.pk,
        f"v_{keys['培训主题']}": "安全",
        f"v_{keys['人数']}": "30",
        f"v_{keys['类型']}": "线下",
    }
    assert reporter.post(reverse("ledgers:record_create", args=["TRAIN"]), form).status_code == 302
    record = LedgerRecord.objects.get()
    assert record.values == {keys["培训主题"]: "安全", keys["人数"]: 30, keys["类型"]: "线下"}
    bad = reporter.post(
        reverse("ledgers:record_create", args=["TRAIN"]), {**form, f"v_{keys['人数']}": "2.5"}
    )
    assert bad.status_code == 200 and "whole number" in bad.content.decode()
    assert LedgerRecord.objects.count() == 1
    page = reporter.get(reverse("ledgers:record_list", args=["TRAIN"]))
    assert page.status_code == 200 and "安全" in page.content.decode()
    assert reporter.get(reverse("ledgers:ledgers_detail", args=["TRAIN"])).status_code == 200
    # Renaming a field keeps the value; the reporter may not change the definition.
    field = ledger.fields.get(key=keys["人数"])
    assert (
        reporter.post(reverse("ledgers:field_edit", args=["TRAIN", field.pk]), {"label": "x"}).status_code
        == 404
    )
    renamed = web.post(
        reverse("ledgers:field_edit", args=["TRAIN", field.pk]),
        {"label": "参训人数", "kind": "integer", "version": field.version},
    )
    assert renamed.status_code == 302
    assert "参训人数" in reporter.get(reverse("ledgers:record_list", args=["TRAIN"])).content.decode()
    record.refresh_from_db()
    assert record.values[keys["人数"]] == 30


def test_indicators_show_on_the_item_page_the_dashboard_and_the_api(actor, org, personas):
    ledger = make_site_ledger(actor, org.root, [org.unit_a])
    for index, civilised in enumerate([True, True, True, False]):
        services.record_create(
            actor=actor,
            ledger=ledger,
            unit=org.unit_a,
            values={"name": f"s{index}", "civilised": civilised, "checked_on": "2019-05-01"},
        )
    task = make_plan_with_task(actor, owner=org.root, assignee=org.unit_a)
    target = plans.target_create(
        actor=actor, item=task, text="80%以上", kind="percent", comparator=">", value=80
    )
    services.indicator_create(
        actor=actor,
        code="CIV",
        name="文明场所占比",
        owner_unit=org.root,
        ledger=ledger,
        item=task,
        target=target,
        measure="ratio",
        measure_unit="%",
        date_field="checked_on",
        condition=[{"field": "civilised", "op": "eq", "value": True}],
    )
    web = _web(personas.reporter_a)
    item_page = web.get(reverse("web:item_detail", args=[task.pk])).content.decode()
    assert "文明场所占比" in item_page and "75" in item_page and "behind" in item_page
    dashboard = web.get(reverse("web:plan_dashboard", args=[task.plan_id])).content.decode()
    assert "文明场所占比" in dashboard and "?indicator=CIV" in dashboard
    listed = web.get(reverse("ledgers:record_list", args=[ledger.code]) + "?indicator=CIV")
    assert listed.status_code == 200
    detail = web.get(reverse("ledgers:indicator_detail", args=["CIV"]))
    assert detail.status_code == 200 and "75" in detail.content.decode()
    api = client_for(personas.reporter_a)
    (row,) = api.get(f"/api/v1/plans/{task.plan_id}/indicators").json()
    assert (row["value"], row["target"], row["status"], row["records"]) == (75.0, 80.0, "behind", 4)
    assert row["attainment"] == pytest.approx(75 / 80)
    listed = api.get("/api/v1/indicators").json()
    assert [r["code"] for r in listed] == ["CIV"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "x", "checked_on": "2019-02-30"}, "checked_on"),
        ({"name": "x", "religion": "其他"}, "religion"),
        ({"nope": 1}, "nope"),
    ],
    ids=["impossible-date", "not-a-choice", "unknown"],
)
def test_the_api_refuses_bad_values_by_field(actor, org, personas, values, field):
    ledger = make_site_ledger(actor, org.root, [org.unit_a])
    api = client_for(personas.reporter_a)
    response = api.post(
        f"/api/v1/ledgers/{ledger.pk}/records",
        data=json.dumps({"unit_id": org.unit_a.pk, "values": values}),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["details"]
    assert not LedgerRecord.objects.exists()
    ok = api.post(
        f"/api/v1/ledgers/{ledger.pk}/records",
        data=json.dumps({"unit_id": org.unit_a.pk, "values": {"name": "寺", "area": 12.5}}),
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.content
    record = ok.json()
    page = api.get(f"/api/v1/ledgers/{ledger.pk}/records", {"unit_id": org.unit_a.pk}).json()
    assert [r["id"] for r in page["items"]] == [record["id"]]
    stale = api.patch(
        f"/api/v1/ledger-records/{record['id']}",
        data=json.dumps({"version": 0, "values": {"name": "改"}}),
        content_type="application/json",
    )
    assert stale.status_code == 409


def test_export_and_import_through_the_web_and_the_api(actor, org, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ledger = make_site_ledger(actor, org.root, [org.unit_a])
    services.record_create(actor=actor, ledger=ledger, unit=org.unit_a, values={"name": "寺"})
    web = _web(personas.planner)
    exported = web.get(reverse("ledgers:ledger_export", args=[ledger.code]))
    assert exported.status_code == 200 and exported.content[:2] == b"PK"
    dry = web.post(
        reverse("ledgers:ledger_import", args=[ledger.code]),
        {"file": SimpleUploadedFile("s.xlsx", exported.content)},
    )
    assert dry.status_code == 200 and "0 to add, 0 to change, 1 unchanged" in dry.content.decode()
    api = client_for(personas.planner)
    answer = api.get(f"/api/v1/ledgers/{ledger.pk}/export")
    assert answer.status_code == 200
    imported = api.post(
        f"/api/v1/ledgers/{ledger.pk}/imports",
        {"file": SimpleUploadedFile("s.xlsx", answer.content), "apply": "true"},
    )
    assert imported.status_code == 200, imported.content
    assert (imported.json()["unchanged"], imported.json()["applied"]) == (1, False)
    junk = api.post(f"/api/v1/ledgers/{ledger.pk}/imports", {"file": SimpleUploadedFile("s.xlsx", b"junk")})
    assert junk.status_code == 422
