"""Concurrent sessions: a user lists their signed-in browsers (address, browser, started, last
seen) and ends any; an administrator signs a user out everywhere (also on deactivation)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from workplan.api.testing import client_for
from workplan.core.errors import Forbidden
from workplan.core.models import AuditEntry
from workplan.operations import services as operations
from workplan.security import services as security
from workplan.security.sessions import live_sessions_of

PASSWORD = "Correct-Horse-42"


@pytest.fixture
def reporter(personas):
    personas.reporter_a.set_password(PASSWORD)
    personas.reporter_a.save(update_fields=["password"])
    return personas.reporter_a


def _signed_in(username: str, address: str, browser: str) -> Client:
    client = Client(REMOTE_ADDR=address, HTTP_USER_AGENT=browser)
    response = client.post(reverse("web:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def _is_signed_in(client: Client) -> bool:
    return client.get(reverse("progress:my_tasks")).status_code == 200


def test_a_user_sees_their_sessions_and_ends_another(reporter):
    office = _signed_in(reporter.username, "10.0.0.5", "Firefox office")
    home = _signed_in(reporter.username, "192.0.2.7", "Chrome home")
    page = office.get(reverse("security:session_list"))
    html = page.content.decode()
    assert "10.0.0.5" in html and "192.0.2.7" in html and "Chrome home" in html and "this browser" in html
    other = next(s for s in page.context["sessions"] if not s.current)
    assert other.address == "192.0.2.7" and other.started is not None and other.last_seen is not None
    office.post(reverse("security:session_list"), {"session": other.ref})
    assert not _is_signed_in(home)
    assert _is_signed_in(office)
    assert AuditEntry.objects.filter(action="session.revoked", actor=reporter).exists()


def test_end_all_other_sessions_keeps_this_one(reporter):
    office = _signed_in(reporter.username, "10.0.0.5", "Firefox")
    others = [_signed_in(reporter.username, f"10.0.0.{n}", "Edge") for n in (6, 7)]
    office.post(reverse("security:session_list"), {"all": "1"})
    assert _is_signed_in(office)
    assert not any(_is_signed_in(c) for c in others)


def test_the_api_lists_and_ends_sessions(reporter):
    browser = _signed_in(reporter.username, "10.0.0.5", "Firefox")
    api = client_for(reporter)
    listed = api.get("/api/v1/me/sessions")
    assert listed.status_code == 200
    (entry,) = listed.json()
    assert entry["address"] == "10.0.0.5" and entry["user_agent"] == "Firefox" and not entry["current"]
    assert "key" not in entry and len(entry["session"]) == 16
    ended = api.post(
        "/api/v1/me/sessions/revoke", {"session": entry["session"]}, content_type="application/json"
    )
    assert ended.json() == {"ended": 1}
    assert not _is_signed_in(browser)


@pytest.mark.parametrize(
    "body",
    [{"session": "x" * 17}, {"session": "../../etc"}, {"session": 5}, {"session": "0" * 16, "extra": 1}],
    ids=["long", "path", "number", "extra"],
)
def test_bad_revoke_bodies_are_refused(reporter, body):
    response = client_for(reporter).post("/api/v1/me/sessions/revoke", body, content_type="application/json")
    assert response.status_code == 422


def test_an_unknown_session_ends_nothing(reporter):
    browser = _signed_in(reporter.username, "10.0.0.5", "Firefox")
    assert security.session_revoke(actor=reporter, user=reporter, ref="0" * 16) is False
    assert _is_signed_in(browser)


def test_an_administrator_signs_a_user_out_everywhere(reporter, personas):
    browsers = [_signed_in(reporter.username, f"10.0.0.{n}", "Firefox") for n in (5, 6)]
    admin = Client()
    admin.force_login(personas.admin)
    assert (
        reverse("security:user_sessions_revoke", args=[reporter.pk])
        in admin.get(reverse("web:user_list")).content.decode()
    )
    admin.post(reverse("security:user_sessions_revoke", args=[reporter.pk]))
    assert not any(_is_signed_in(c) for c in browsers)
    assert AuditEntry.objects.filter(action="session.all_revoked", actor=personas.admin).exists()
    again = _signed_in(reporter.username, "10.0.0.5", "Firefox")
    response = client_for(personas.admin).post(f"/api/v1/users/{reporter.pk}/sessions/revoke")
    assert response.status_code == 200 and response.json() == {"ended": 1}
    assert not _is_signed_in(again)


def test_deactivating_an_account_ends_its_sessions(reporter, personas):
    browser = _signed_in(reporter.username, "10.0.0.5", "Firefox")
    operations.user_change(actor=personas.admin, user=reporter, is_active=False)
    assert live_sessions_of(reporter) == []
    assert not _is_signed_in(browser)


def test_nobody_else_sees_or_ends_someone_elses_sessions(reporter, personas):
    browser = _signed_in(reporter.username, "10.0.0.5", "Firefox")
    with pytest.raises(Forbidden):
        security.session_revoke_all(actor=personas.reporter_b, user=reporter)
    other = client_for(personas.reporter_b)
    assert other.post(f"/api/v1/users/{reporter.pk}/sessions/revoke").status_code in (403, 404)
    assert other.get("/api/v1/me/sessions").json() == []
    assert _is_signed_in(browser)
