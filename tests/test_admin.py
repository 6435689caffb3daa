"""The Django admin is usable for initial setup: every registered model's pages render,
and creating a unit through the admin goes through the audited service."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from workplan.accounts.models import Unit
from workplan.core.models import AuditEntry
from workplan.core.testing import make_plan_with_task


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "a-Long-password-1")


MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)


@pytest.mark.parametrize("model", MODELS, ids=[m._meta.label for m in MODELS])
def test_changelist_and_change_pages_render(client, superuser, actor, org, model):
    make_plan_with_task(actor, owner=org.unit_a, assignee=org.unit_a)
    client.force_login(superuser)
    opts = model._meta
    listing = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert listing.status_code == 200
    first = model._default_manager.first()
    if first is not None:
        page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk]))
        assert page.status_code == 200


def test_admin_lists_units_and_users(client, superuser, org, personas):
    client.force_login(superuser)
    units = client.get(reverse("admin:accounts_unit_changelist")).content.decode()
    assert "县民政局" in units and "社会救助股" in units
    users = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "reporter-a" in users and "planner" in users


def test_unit_created_in_admin_is_placed_and_audited(client, superuser, org):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:accounts_unit_add"),
        {
            "parent": org.unit_a.pk,
            "code": "A2",
            "name": "新科室",
            "short_name": "",
            "aliases": "[]",
            "kind": "section",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = Unit.objects.get(code="A2")
    assert unit.get_parent() == org.unit_a
    entry = AuditEntry.objects.filter(action="unit.created", target_id=str(unit.pk)).get()
    assert (entry.actor_id, entry.interface) == (superuser.pk, "web")


def test_unit_changed_in_admin_is_audited(client, superuser, org):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:accounts_unit_change", args=[org.unit_b.pk]),
        {
            "code": "B",
            "name": "县财政局（改）",
            "short_name": "财政",
            "aliases": "[]",
            "kind": "other",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="unit.updated").latest("id")
    assert entry.after == {"name": "县财政局（改）", "short_name": "财政"}


def test_every_model_of_ours_is_in_the_admin():
    from django.apps import apps

    missing = [
        m._meta.label
        for m in apps.get_models()
        if m.__module__.startswith("workplan.") and m not in admin.site._registry
    ]
    assert missing == []
