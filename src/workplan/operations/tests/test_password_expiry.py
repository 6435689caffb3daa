"""等保 "change periodically": past WORKPLAN_PASSWORD_MAX_AGE_DAYS a password must be replaced."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from workplan.accounts.models import User
from workplan.operations import selectors

NEW = "Tea-kettle-47"


def _age(user: User, days: int) -> None:
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - dt.timedelta(days=days))
    user.refresh_from_db()


def test_no_limit_by_default(settings, personas):
    settings.WORKPLAN_PASSWORD_MAX_AGE_DAYS = 0
    _age(personas.reporter_a, 4000)
    assert selectors.password_change_reason(user=personas.reporter_a) is None


def test_an_expired_password_must_be_changed_before_anything_else(client, settings, personas):
    settings.WORKPLAN_PASSWORD_MAX_AGE_DAYS = 90
    user = personas.reporter_a
    user.set_password("Old-kettle-31")
    user.save()
    _age(user, 89)
    assert selectors.password_change_reason(user=user) is None
    _age(user, 91)
    assert selectors.password_change_reason(user=user) == "expired"

    client.post(reverse("web:login"), {"username": user.username, "password": "Old-kettle-31"})
    change = reverse("operations:password_change")
    assert client.get(reverse("web:plan_list")).url == change
    assert "older than this site allows" in client.get(change).content.decode()
    api = client.get("/api/v1/plans")
    assert api.status_code == 403 and api.json()["error"]["code"] == "password_change_required"

    done = client.post(
        change, {"current_password": "Old-kettle-31", "new_password": NEW, "repeat_password": NEW}
    )
    assert done.status_code == 302
    # The change is audited, and its time is what the age is counted from.
    assert selectors.password_change_reason(user=User.objects.get(pk=user.pk)) is None
    assert client.get(reverse("web:plan_list")).status_code == 200


def test_the_refusal_is_in_the_readers_language(client, settings, personas):
    settings.WORKPLAN_PASSWORD_MAX_AGE_DAYS = 30
    _age(personas.reporter_a, 31)
    client.force_login(personas.reporter_a)
    answer = client.get("/api/v1/plans", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert answer.status_code == 403
    assert "密码" in answer.json()["error"]["message"]
