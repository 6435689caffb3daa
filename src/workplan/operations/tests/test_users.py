"""Users and roles for administrators, on the web and through the API, without Django's admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from workplan.accounts.models import Membership, User
from workplan.api.testing import client_for
from workplan.core.errors import Invalid
from workplan.operations import services
from workplan.operations.models import OneTimePassword


def test_an_admin_creates_changes_resets_and_deactivates_a_user(client, personas, org):
    client.force_login(personas.admin)
    listing = client.get(reverse("web:user_list")).content.decode()
    assert reverse("operations:user_create") in listing and "never" in listing
    bad = client.post(
        reverse("operations:user_create"), {"username": "has space", "unit": org.unit_a.pk, "role": "boss"}
    )
    assert bad.status_code == 200 and not User.objects.filter(username="has space").exists()
    made = client.post(
        reverse("operations:user_create"),
        {
            "username": "li",
            "first_name": "李四",
            "email": "li@example.gov.cn",
            "unit": org.unit_a.pk,
            "role": "reporter",
        },
    )
    li = User.objects.get(username="li")
    assert made.context["password"] and li.check_password(made.context["password"])
    assert made.context["password"] in made.content.decode()
    assert OneTimePassword.objects.filter(user=li).exists()
    page = reverse("operations:user_detail", args=[li.pk])
    client.post(
        page,
        {
            "action": "edit",
            "first_name": "李四",
            "email": "li@example.gov.cn",
            "phone": "0571-1",
            "is_active": "",
        },
    )
    li.refresh_from_db()
    assert (li.phone, li.is_active) == ("0571-1", False)
    client.post(page, {"action": "role_add", "unit": org.unit_b.pk, "role": "viewer"})
    assert set(Membership.objects.filter(user=li).values_list("unit__code", "role")) == {
        ("A", "reporter"),
        ("B", "viewer"),
    }
    viewer = Membership.objects.get(user=li, role="viewer")
    client.post(page, {"action": "role_remove", "membership": viewer.pk})
    assert not Membership.objects.filter(pk=viewer.pk).exists()
    reset = client.post(page, {"action": "reset"})
    assert User.objects.get(pk=li.pk).check_password(reset.context["password"])
    assert client.post(page, {"action": "role_remove", "membership": "junk"}).status_code == 404
    assert client.post(page, {"action": "nonsense"}).status_code == 302


def test_nobody_locks_themselves_out(personas):
    with pytest.raises(Invalid, match="your own account"):
        services.user_change(actor=personas.admin, user=personas.admin, is_active=False)
    own = Membership.objects.get(user=personas.admin, role="admin")
    with pytest.raises(Invalid, match="administrator role"):
        services.membership_withdraw(actor=personas.admin, membership=own)


def test_the_user_pages_are_not_found_for_others(client, personas):
    client.force_login(personas.planner)
    assert client.get(reverse("operations:user_create")).status_code == 404
    assert client.get(reverse("operations:user_detail", args=[personas.reporter_a.pk])).status_code == 404
    assert client.get(reverse("web:user_list")).status_code == 404


def test_the_users_api(personas, org):
    api = client_for(personas.admin)
    page = api.get("/api/v1/users").json()
    assert {u["username"] for u in page["items"]} >= {"admin", "planner", "reporter-a"}
    made = api.post(
        "/api/v1/users",
        {"username": "wang", "full_name": "王五", "unit_id": org.unit_a.pk, "role": "reporter"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    wang = made.json()["user"]
    assert User.objects.get(pk=wang["id"]).check_password(made.json()["one_time_password"])
    again = api.post(
        "/api/v1/users",
        {"username": "wang", "unit_id": org.unit_a.pk, "role": "reporter"},
        content_type="application/json",
    )
    assert again.status_code == 422
    changed = api.patch(
        f"/api/v1/users/{wang['id']}", {"is_active": False, "phone": "123"}, content_type="application/json"
    )
    assert changed.json()["is_active"] is False and changed.json()["phone"] == "123"
    role = api.post(
        f"/api/v1/users/{wang['id']}/roles",
        {"unit_id": org.unit_b.pk, "role": "viewer"},
        content_type="application/json",
    )
    added = next(r for r in role.json()["roles"] if r["role"] == "viewer")
    removed = api.delete(f"/api/v1/users/{wang['id']}/roles/{added['membership_id']}")
    assert [r["role"] for r in removed.json()["roles"]] == ["reporter"]
    reset = api.post(f"/api/v1/users/{wang['id']}/password-reset")
    assert User.objects.get(pk=wang["id"]).check_password(reset.json()["one_time_password"])
    assert (
        api.post(
            "/api/v1/users",
            {"username": "x\u0000", "unit_id": 1, "role": "reporter"},
            content_type="application/json",
        ).status_code
        == 422
    )
    other = client_for(personas.reporter_a)
    assert other.get("/api/v1/users").status_code == 404
    assert other.get(f"/api/v1/users/{wang['id']}").status_code == 404
    assert other.post(f"/api/v1/users/{wang['id']}/password-reset").status_code == 404
