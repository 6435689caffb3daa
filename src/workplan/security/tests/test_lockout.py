"""Failed sign-ins lock the account and the address (django-axes, counted in the database);
the lockout is explained in the user's language, audited, and an administrator can lift it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from workplan.api.testing import token_for
from workplan.core.errors import Forbidden
from workplan.core.models import AuditEntry
from workplan.security import services
from workplan.security.selectors import locked_usernames

PASSWORD = "a-Long-Pass-2019"
AGENT = "Mozilla/5.0 (probe)"


@pytest.fixture
def planner(personas):
    personas.planner.set_password(PASSWORD)
    personas.planner.save(update_fields=["password"])
    return personas.planner


def sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        reverse("web:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_USER_AGENT=AGENT,
    )


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, planner, settings):
    statuses = [sign_in(client, "planner", f"wrong-{n}").status_code for n in range(30)]
    assert statuses[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(statuses[settings.AXES_FAILURE_LIMIT :]) == {429}
    response = sign_in(client, "planner", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "locked for 30 minutes" in response.content.decode()
    failed = AuditEntry.objects.filter(action="auth.login_failed")
    assert failed.count() >= settings.AXES_FAILURE_LIMIT
    assert {(e.address, e.user_agent, e.interface) for e in failed} == {("10.0.0.1", AGENT, "web")}
    assert AuditEntry.objects.filter(action="auth.locked_out", actor_repr="planner").exists()


def test_the_lockout_is_explained_in_chinese(client, planner, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "planner", f"wrong-{n}")
    client.cookies["django_language"] = "zh-hans"
    response = client.post(
        reverse("web:login"),
        {"username": "planner", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_an_address_trying_many_accounts_is_locked(client, planner, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess-{n}", "wrong", address="10.9.9.9")
    assert sign_in(client, "planner", PASSWORD, address="10.9.9.9").status_code == 429
    assert sign_in(client, "planner", PASSWORD, address="10.0.0.2").status_code == 302


def test_a_right_password_before_the_limit_signs_in_and_is_audited(client, planner, settings):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "planner", f"wrong-{n}")
    assert sign_in(client, "planner", PASSWORD).status_code == 302
    login = AuditEntry.objects.get(action="auth.login")
    assert (login.actor_id, login.address, login.user_agent) == (planner.pk, "10.0.0.1", AGENT)
    client.post(reverse("web:logout"), REMOTE_ADDR="10.0.0.1")
    assert AuditEntry.objects.filter(action="auth.logout", actor=planner).exists()


def test_an_administrator_unlocks_from_the_users_page(client, planner, personas, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "planner", f"wrong-{n}")
    assert locked_usernames(user=personas.admin) == {"planner"}
    admin = Client()
    admin.force_login(personas.admin)
    page = admin.get(reverse("web:user_list")).content.decode()
    assert 'name="username" value="planner"' in page
    response = admin.post(reverse("security:user_unlock"), {"username": "planner"})
    assert response.status_code == 302
    assert locked_usernames(user=personas.admin) == set()
    assert AuditEntry.objects.filter(action="auth.unlocked", actor=personas.admin).exists()
    assert sign_in(client, "planner", PASSWORD, address="10.0.0.3").status_code == 302


def test_only_administrators_unlock(client, planner, personas):
    with pytest.raises(Forbidden):
        services.auth_lockout_reset(actor=personas.planner, username="planner")
    client.force_login(personas.planner)
    assert client.post(reverse("security:user_unlock"), {"username": "planner"}).status_code == 403


def test_the_admin_site_login_is_throttled_too(client, personas, settings):
    personas.admin.set_password(PASSWORD)
    personas.admin.save(update_fields=["password"])
    url = reverse("admin:login")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "admin", "password": f"wrong-{n}"}, REMOTE_ADDR="10.0.0.4")
    assert (
        client.post(url, {"username": "admin", "password": PASSWORD}, REMOTE_ADDR="10.0.0.4").status_code
        == 429
    )


def test_bad_api_tokens_lock_the_address(client, personas, settings):
    good = token_for(personas.planner)
    url = "/api/v1/plans"
    for n in range(settings.AXES_FAILURE_LIMIT):
        bad = client.get(url, HTTP_AUTHORIZATION=f"Bearer wp_abcdefg{n}.nope", REMOTE_ADDR="10.0.0.5")
        assert bad.status_code in (401, 429)
    locked = client.get(url, HTTP_AUTHORIZATION=f"Bearer {good}", REMOTE_ADDR="10.0.0.5")
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "locked_out"
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {good}", REMOTE_ADDR="10.0.0.6").status_code == 200
    assert AuditEntry.objects.filter(action="auth.token_refused", address="10.0.0.5").count() >= 1


@pytest.mark.parametrize(
    "junk",
    ["", "x" * 5000, "\x00", "<script>alert(1)</script>", "' OR 1=1 --"],
    ids=["empty", "long", "nul", "html", "sql"],
)
def test_junk_usernames_are_just_failures(client, planner, junk):
    response = sign_in(client, junk, "wrong")
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
