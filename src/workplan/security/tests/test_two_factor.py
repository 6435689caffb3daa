"""Two-factor sign-in: required for administrators and planners, available to everyone; a
code from the authenticator app or a single-use recovery code after the password."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from workplan.core.errors import Forbidden, Invalid
from workplan.core.models import AuditEntry
from workplan.security import selectors, services

PASSWORD = "a-Long-Pass-2019"


@pytest.fixture(autouse=True)
def required_for_admins_and_planners(settings):
    settings.WORKPLAN_2FA_REQUIRED_ROLES = ["admin", "planner"]


@pytest.fixture
def people(personas):
    for user in (personas.planner, personas.reporter_a, personas.admin):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return personas


def sign_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("web:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def code_for(device) -> str:
    return f"{totp(device.bin_key):06d}"


def enrol(client: Client, user) -> list[str]:
    client.post(reverse("security:two_factor"), {"step": "start"})
    device = selectors.pending_authenticator(user=user)
    page = client.post(reverse("security:two_factor"), {"step": "confirm", "code": code_for(device)})
    assert page.status_code == 200
    return list(page.context["codes"])


def test_a_planner_must_set_up_two_factor_before_anything_else(people):
    client = sign_in("planner")
    response = client.get(reverse("web:plan_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("security:two_factor"))
    assert client.get("/api/v1/plans").json()["error"]["code"] == "two_factor_required"
    codes = enrol(client, people.planner)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("web:plan_list")).status_code == 200
    assert AuditEntry.objects.filter(action="otp.enrolled", actor=people.planner).exists()


def test_after_the_password_the_code_is_asked(people):
    enrol(sign_in("planner"), people.planner)
    client = sign_in("planner")
    target = reverse("web:plan_list")
    response = client.get(target)
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("security:two_factor_verify")
    )
    verify = reverse("security:two_factor_verify")
    wrong = client.post(verify, {"code": "000000", "next": target})
    assert wrong.status_code == 400
    assert client.get(target).status_code == 302
    device = TOTPDevice.objects.get(user=people.planner, confirmed=True)
    # The enrolment used this 30-second window's code, and a code is never accepted twice:
    # pretend the enrolment was in an earlier window. (A wrong code also makes the device wait
    # 1 s, then 2, 4 … before it checks again (django-otp's throttling): skip that wait too.)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    replay = client.post(verify, {"code": code_for(device), "next": target})
    assert replay.status_code == 302
    client = sign_in("planner")
    device.refresh_from_db()
    assert client.post(verify, {"code": code_for(device)}).status_code == 400  # replayed code
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    right = client.post(verify, {"code": code_for(device), "next": target})
    assert right.status_code == 302 and right["Location"] == target
    assert client.get(target).status_code == 200
    assert AuditEntry.objects.filter(action="otp.failed", actor=people.planner).count() == 2
    assert AuditEntry.objects.filter(action="otp.verified", actor=people.planner).count() == 2


def test_a_recovery_code_signs_in_once(people):
    codes = enrol(sign_in("planner"), people.planner)
    verify = reverse("security:two_factor_verify")
    first = sign_in("planner")
    assert first.post(verify, {"code": codes[0]}).status_code == 302
    again = sign_in("planner")
    assert again.post(verify, {"code": codes[0]}).status_code == 400
    assert selectors.two_factor_state(user=people.planner).recovery_codes_left == 9


def test_verify_refuses_an_outside_next(people):
    codes = enrol(sign_in("planner"), people.planner)
    client = sign_in("planner")
    response = client.post(
        reverse("security:two_factor_verify"), {"code": codes[1], "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("web:home")


def test_a_reporter_may_but_need_not(people):
    client = sign_in("reporter-a")
    assert client.get(reverse("web:plan_list")).status_code == 200
    enrol(client, people.reporter_a)
    assert selectors.two_factor_state(user=people.reporter_a).enrolled


def test_an_administrator_resets_a_lost_phone(people):
    enrol(sign_in("planner"), people.planner)
    with pytest.raises(Forbidden):
        services.otp_reset(actor=people.reporter_a, user=people.planner)
    services.otp_reset(actor=people.admin, user=people.planner)
    assert not selectors.two_factor_state(user=people.planner).enrolled
    assert AuditEntry.objects.filter(action="otp.reset", actor=people.admin).exists()


@pytest.mark.parametrize("junk", ["", "abc", "1" * 5000, "\x00123456", "<script>", "12 34 56"], ids=str)
def test_junk_codes_are_refused(people, junk):
    enrol(sign_in("planner"), people.planner)
    with pytest.raises(Invalid):
        services.otp_verify(actor=people.planner, code=junk)
