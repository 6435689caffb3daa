"""Configuring group robots: administrators only, on the pages and the API; URLs that are not
https or point at private addresses are refused; secrets are never shown back."""

from __future__ import annotations

import pytest

from workplan.api.testing import client_for
from workplan.channels import safety, services
from workplan.channels.models import Delivery, WebhookEndpoint
from workplan.core.errors import Forbidden, Invalid
from workplan.core.models import AuditEntry

PUBLIC = "https://93.184.216.34/robot/send?access_token=abcdef123456"  # a literal public address: no DNS

REFUSED = {
    "plain-http": "http://93.184.216.34/robot/send",
    "loopback": "https://127.0.0.2/robot/send",
    "loopback-v6": "https://[::1]/hook",
    "localhost": "https://localhost/hook",
    "private-10": "https://10.1.2.3/hook",
    "private-192": "https://192.168.0.10/hook",
    "link-local-metadata": "https://169.254.169.254/latest/meta-data",
    "unspecified": "https://0.0.0.0/hook",
    "ftp": "ftp://93.184.216.34/hook",
    "no-host": "https:///hook",
    "junk": "not a url at all",
    "spaces": "https://93.184.216.34/a b",
    "credentials": "https://user:pw@93.184.216.34/hook",
    "bad-port": "https://93.184.216.34:99999/hook",
    "nul": "https://93.184.216.34/\x00",
    "empty": "",
    "oversize": "https://93.184.216.34/" + "a" * 2000,
}


@pytest.mark.parametrize("url", REFUSED.values(), ids=REFUSED.keys())
def test_a_webhook_url_that_is_not_https_or_public_is_refused(url, settings):
    settings.WORKPLAN_WEBHOOK_ALLOWED_HOSTS = []
    with pytest.raises(Invalid) as refused:
        safety.check_url(url)
    assert refused.value.details and "url" in refused.value.details


def test_a_public_https_url_and_a_listed_intranet_host_are_accepted(settings):
    settings.WORKPLAN_WEBHOOK_ALLOWED_HOSTS = ["10.1.2.3"]
    assert safety.check_url(PUBLIC).address == "93.184.216.34"
    assert safety.check_url("http://10.1.2.3:8080/hook").port == 8080  # listed: any address, http too
    with pytest.raises(Invalid):
        safety.check_url("http://10.1.2.4/hook")


def test_only_administrators_configure_robots(actor, org, personas):
    with pytest.raises(Forbidden):
        services.endpoint_create(
            actor=personas.planner, name="x", platform="wecom", url=PUBLIC, unit=org.unit_a
        )
    endpoint = services.endpoint_create(
        actor=personas.admin, name="x", platform="wecom", url=PUBLIC, unit=org.unit_a
    )
    for user in (personas.planner, personas.reporter_a, personas.leader, personas.outsider):
        assert not WebhookEndpoint.objects.visible_to(user).exists()
        with pytest.raises(Forbidden):
            services.endpoint_test(actor=user, endpoint=endpoint)
        with pytest.raises(Forbidden):
            services.endpoint_delete(actor=user, endpoint=endpoint)
    delivery = services.endpoint_test(actor=personas.admin, endpoint=endpoint)
    assert Delivery.objects.visible_to(personas.admin).filter(pk=delivery.pk).exists()
    assert not Delivery.objects.visible_to(personas.planner).exists()


def test_the_url_and_secret_are_stored_encrypted_and_shown_only_as_hints(actor, org, personas):
    endpoint = services.endpoint_create(
        actor=personas.admin,
        name="钉钉群",
        platform="dingtalk",
        url=PUBLIC,
        secret="SECsupersecretvalue9z",
        unit=org.unit_a,
    )
    assert "abcdef123456" not in endpoint.url_encrypted and "supersecret" not in endpoint.secret_encrypted
    assert endpoint.url_hint == "https://93.184.216.34/…3456"
    assert endpoint.secret_hint == "…ue9z"
    audit_text = str(
        list(AuditEntry.objects.filter(action__startswith="endpoint.").values("before", "after"))
    )
    assert "abcdef123456" not in audit_text and "supersecret" not in audit_text
    body = client_for(personas.admin).get(f"/api/v1/channels/{endpoint.pk}").content.decode()
    assert "abcdef123456" not in body and "supersecret" not in body


def test_the_api_creates_changes_tests_and_removes_a_robot(actor, org, personas, settings):
    api = client_for(personas.admin)
    made = api.post(
        "/api/v1/channels",
        {
            "name": "飞书群",
            "platform": "feishu",
            "url": PUBLIC,
            "secret": "s3cret",
            "unit_code": "A",
            "kinds": ["assigned"],
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    endpoint_id = made.json()["id"]
    assert made.json()["kinds"] == ["assigned"] and made.json()["unit_id"] == org.unit_a.pk
    changed = api.patch(
        f"/api/v1/channels/{endpoint_id}", {"active": False, "secret": ""}, content_type="application/json"
    )
    assert (
        changed.status_code == 200
        and changed.json()["active"] is False
        and changed.json()["secret_hint"] == ""
    )
    tested = api.post(f"/api/v1/channels/{endpoint_id}/test")
    assert tested.status_code == 202 and tested.json()["state"] == "queued"
    listed = api.get(f"/api/v1/channels/{endpoint_id}/deliveries")
    assert [d["kind"] for d in listed.json()["items"]] == ["test"]
    assert api.get("/api/v1/channels").json()["items"][0]["id"] == endpoint_id
    assert api.delete(f"/api/v1/channels/{endpoint_id}").status_code == 204
    assert api.get(f"/api/v1/channels/{endpoint_id}").status_code == 404
    planner = client_for(personas.planner)
    assert planner.get("/api/v1/channels").json()["items"] == []
    refused = planner.post(
        "/api/v1/channels",
        {"name": "x", "platform": "wecom", "url": PUBLIC, "unit_code": "A"},
        content_type="application/json",
    )
    assert refused.status_code == 403


BAD_BODIES = {
    "http-url": {"url": "http://93.184.216.34/x"},
    "private-url": {"url": "https://192.168.1.1/x"},
    "junk-url": {"url": "::::"},
    "oversize-url": {"url": "https://93.184.216.34/" + "a" * 3000},
    "oversize-secret": {"secret": "s" * 201},
    "oversize-name": {"name": "n" * 301},
    "unknown-platform": {"platform": "slack"},
    "unknown-kind": {"kinds": ["gossip"]},
    "no-kinds": {"kinds": []},
    "no-target": {"unit_code": None},
    "both-targets": {"plan_id": 1},
    "unknown-field": {"colour": "red"},
    "nul-name": {"name": "a\x00b"},
}


@pytest.mark.parametrize("change", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_bad_input_to_the_api_is_refused_and_nothing_is_stored(change, actor, org, personas):
    from workplan.core.testing import make_plan_with_task

    make_plan_with_task(actor, owner=org.root, assignee=org.unit_a)
    body = {"name": "群", "platform": "wecom", "url": PUBLIC, "unit_code": "A", **change}
    if "plan_id" in change:
        from workplan.plans.models import Plan

        body["plan_id"] = Plan.objects.get().pk
    answer = client_for(personas.admin).post("/api/v1/channels", body, content_type="application/json")
    assert answer.status_code in (400, 422), answer.content
    assert not WebhookEndpoint.objects.exists()


def test_the_pages_add_show_test_and_remove_a_robot(client, actor, org, personas):
    client.force_login(personas.admin)
    assert client.get("/channels/").status_code == 200
    assert client.get("/channels/new/").status_code == 200
    refused = client.post(
        "/channels/new/",
        {
            "name": "群",
            "platform": "wecom",
            "url": "http://93.184.216.34/x",
            "unit": org.unit_a.pk,
            "kinds": ["assigned"],
            "active": "on",
        },
    )
    assert refused.status_code == 200 and "https" in refused.content.decode()
    assert not WebhookEndpoint.objects.exists()
    both = client.post(
        "/channels/new/",
        {"name": "群", "platform": "wecom", "url": PUBLIC, "kinds": ["assigned"], "active": "on"},
    )
    assert both.status_code == 200 and not WebhookEndpoint.objects.exists()
    made = client.post(
        "/channels/new/",
        {
            "name": "企业微信群",
            "platform": "wecom",
            "url": PUBLIC,
            "unit": org.unit_a.pk,
            "kinds": ["assigned", "returned"],
            "active": "on",
        },
    )
    endpoint = WebhookEndpoint.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/channels/{endpoint.pk}/"
    page = client.get(f"/channels/{endpoint.pk}/").content.decode()
    assert "企业微信群" in page and "abcdef123456" not in page and "…3456" in page
    edit = client.get(f"/channels/{endpoint.pk}/edit/").content.decode()
    assert "abcdef123456" not in edit
    assert (
        client.post(f"/channels/{endpoint.pk}/edit/", {"name": "改名", "kinds": ["assigned"]}).status_code
        == 302
    )
    endpoint.refresh_from_db()
    assert (endpoint.name, endpoint.active, endpoint.url_hint) == (
        "改名",
        False,
        "https://93.184.216.34/…3456",
    )
    assert client.post(f"/channels/{endpoint.pk}/test/").status_code == 302
    assert Delivery.objects.get().kind == "test"
    assert "test" in client.get(f"/channels/{endpoint.pk}/").content.decode()
    assert client.post(f"/channels/{endpoint.pk}/delete/").status_code == 302
    assert not WebhookEndpoint.objects.exists()
    assert Delivery.objects.get().endpoint_name == "改名"  # the record stays
    client.force_login(personas.planner)
    assert client.get("/channels/").status_code == 403
    assert client.get("/channels/new/").status_code == 403
