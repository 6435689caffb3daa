"""Separation of duties (等保 2.0 三权分立): ``WORKPLAN_SEPARATE_DUTIES`` and the audit administrator.

With the switch on, the administrator who manages units, users and roles reads plan data but
edits none of it, and does not read the whole audit log; the audit administrator (role
``auditor``) reads, searches and exports the audit log and can change nothing. The rules live
in the one permission policy, so the web pages, the API and the services (hence the CLI) agree.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from workplan import permissions
from workplan.accounts import services as accounts
from workplan.accounts.models import Role, Unit
from workplan.api.testing import client_for
from workplan.core.errors import Forbidden
from workplan.core.models import AuditEntry
from workplan.core.policy import Action
from workplan.core.testing import make_plan_with_task, make_user
from workplan.plans import services as plans
from workplan.plans.models import Plan, PlanItem
from workplan.security import services as security


@pytest.fixture
def separated(settings):
    settings.WORKPLAN_SEPARATE_DUTIES = True


@pytest.fixture
def task(actor, org):
    return make_plan_with_task(actor, owner=org.root, assignee=org.unit_a)


@pytest.fixture
def auditor(actor, org):
    return make_user(actor, "auditor", role=Role.AUDITOR, unit=org.root)


def test_by_default_an_administrator_also_edits_plans(personas, task):
    assert permissions.can(personas.admin, Action.EDIT, task.plan)
    plans.plan_update(actor=personas.admin, plan=task.plan, title="改名")


def test_with_duties_separated_an_administrator_reads_plans_but_edits_none(separated, personas, task, org):
    admin = personas.admin
    assert Plan.objects.visible_to(admin).filter(pk=task.plan_id).exists()
    assert not Plan.objects.visible_to(admin, Action.EDIT).exists()
    assert not PlanItem.objects.visible_to(admin, Action.EDIT).exists()
    with pytest.raises(Forbidden):
        plans.plan_update(actor=admin, plan=task.plan, title="改名")
    with pytest.raises(Forbidden):
        plans.item_update(actor=admin, item=task, title="改名")
    assert Plan.objects.get(pk=task.plan_id).title != "改名"
    # …and still manages the organisation: units, users, roles.
    accounts.unit_update(actor=admin, unit=org.unit_b, name="县财政局（新）")
    user = accounts.user_create(actor=admin, username="new-planner", password=None)
    accounts.membership_create(actor=admin, user=user, unit=org.unit_a, role=Role.PLANNER)
    assert Unit.objects.get(pk=org.unit_b.pk).name == "县财政局（新）"


def test_with_duties_separated_the_api_refuses_the_administrators_plan_edits(separated, personas, task):
    client = client_for(personas.admin)
    assert client.get(f"/api/v1/plans/{task.plan_id}").status_code == 200
    response = client.patch(
        f"/api/v1/plans/{task.plan_id}", data={"title": "改名", "version": 1}, content_type="application/json"
    )
    assert response.status_code in (403, 404)
    assert Plan.objects.get(pk=task.plan_id).title != "改名"


def test_with_duties_separated_a_planner_still_plans(separated, personas, task):
    plans.plan_update(actor=personas.planner, plan=task.plan, title="改名")
    assert Plan.objects.get(pk=task.plan_id).title == "改名"


def test_an_auditor_reads_searches_and_exports_the_whole_audit_log(client, auditor, personas, org, actor):
    accounts.unit_update(actor=actor, unit=org.unit_a, name="县民政局（改）")
    client.force_login(auditor)
    page = client.get(reverse("security:audit_list"), {"action": "unit."})
    assert page.status_code == 200 and list(page.context["page"])
    assert reverse("security:audit_list") in page.content.decode()  # the navigation offers it
    export = client.get(reverse("security:audit_export"), {"action": "unit.updated"})
    assert export.status_code == 200
    assert "县民政局（改）" in b"".join(export.streaming_content).decode("utf-8-sig")
    assert AuditEntry.objects.filter(action="audit.exported", actor=auditor).exists()
    api = client_for(auditor).get("/api/v1/audit", {"action": "membership.created"})
    assert api.status_code == 200 and api.json()["items"]  # memberships: administrators' entries too


def test_an_auditor_edits_nothing_and_sees_no_plan_data(auditor, task, org):
    assert not Plan.objects.visible_to(auditor).exists()
    assert not PlanItem.objects.visible_to(auditor).exists()
    assert not permissions.can(auditor, Action.EDIT, org.unit_a)
    assert not permissions.is_admin(auditor)
    with pytest.raises(Forbidden):
        plans.plan_update(actor=auditor, plan=task.plan, title="改名")
    with pytest.raises(Forbidden):
        accounts.unit_update(actor=auditor, unit=org.unit_a, name="x")
    with pytest.raises(Forbidden):
        accounts.user_create(actor=auditor, username="sneaky", password=None)
    with pytest.raises(Forbidden):
        security.auth_lockout_reset(actor=auditor, username="planner")
    assert not AuditEntry.objects.visible_to(auditor, Action.EDIT).exists()


def test_an_auditor_gets_no_user_administration_pages(client, auditor):
    client.force_login(auditor)
    assert client.get(reverse("web:user_list")).status_code in (403, 404)
    assert client_for(auditor).get("/api/v1/users").status_code in (403, 404)


def test_with_duties_separated_an_administrator_does_not_read_the_whole_audit_log(
    separated, client, personas, org, actor
):
    client.force_login(personas.admin)
    assert client.get(reverse("security:audit_list")).status_code == 404
    assert client.get(reverse("security:audit_export")).status_code == 404
    assert reverse("security:audit_list") not in client.get(reverse("web:plan_list")).content.decode()
    with pytest.raises(Forbidden):
        security.audit_export_record(actor=personas.admin, filters={}, count=0)
    # The audit rows about users and roles are the audit administrator's to read.
    seen = AuditEntry.objects.visible_to(personas.admin)
    assert not seen.filter(action="membership.created").exists()
    assert AuditEntry.objects.filter(action="membership.created").exists()


def test_the_switch_is_read_from_the_environment(monkeypatch):
    from workplan.config import env

    monkeypatch.setenv("WORKPLAN_SEPARATE_DUTIES", "perhaps")
    with pytest.raises(env.ConfigurationError):
        env.flag("WORKPLAN_SEPARATE_DUTIES", default=False)
    monkeypatch.setenv("WORKPLAN_SEPARATE_DUTIES", "on")
    assert env.flag("WORKPLAN_SEPARATE_DUTIES", default=False) is True
