"""An idle session ends after WORKPLAN_SESSION_IDLE_MINUTES, any session after
WORKPLAN_SESSION_MAX_HOURS; both are audited, and the API then answers 401."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from workplan.core import clock
from workplan.core.models import AuditEntry
from workplan.progress.testing import moment

START = moment(2019, 3, 4, 9)


def at(minutes: float):
    return clock.frozen(START + dt.timedelta(minutes=minutes))


@pytest.fixture
def signed_in(client, personas):
    with at(0):
        client.force_login(personas.planner)
        assert client.get(reverse("web:plan_list")).status_code == 200
    return client


def test_activity_keeps_the_session_alive(signed_in):
    for minute in (20, 40, 60, 80):
        with at(minute):
            assert signed_in.get(reverse("web:plan_list")).status_code == 200


def test_thirty_minutes_idle_signs_out(signed_in, personas):
    with at(29):
        assert signed_in.get(reverse("web:plan_list")).status_code == 200
    with at(29 + 31):
        response = signed_in.get(reverse("web:plan_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))
    assert "_auth_user_id" not in signed_in.session
    assert AuditEntry.objects.filter(action="auth.session_expired", actor=personas.planner).count() == 1


def test_the_idle_limit_is_configurable(signed_in, settings):
    settings.WORKPLAN_SESSION_IDLE_MINUTES = 5
    with at(6):
        assert signed_in.get(reverse("web:plan_list")).status_code == 302


def test_no_session_outlives_its_absolute_lifetime(signed_in, settings):
    settings.WORKPLAN_SESSION_MAX_HOURS = 2
    for minute in range(20, 120, 20):
        with at(minute):
            assert signed_in.get(reverse("web:plan_list")).status_code == 200
    with at(121):
        assert signed_in.get(reverse("web:plan_list")).status_code == 302


def test_the_api_answers_401_after_the_timeout(signed_in):
    with at(10):
        assert signed_in.get("/api/v1/plans").status_code == 200
    with at(45):
        response = signed_in.get("/api/v1/plans")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
