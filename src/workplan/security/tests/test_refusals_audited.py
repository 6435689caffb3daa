"""Permission refusals (403) are audit rows with who, what path, address and user agent."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from workplan.api.testing import client_for
from workplan.core import clock
from workplan.core.models import AuditEntry
from workplan.core.testing import make_plan_with_task
from workplan.progress import services as progress
from workplan.progress.testing import dispatched_task, moment


def test_a_web_refusal_is_audited(actor, org, personas):
    d = dispatched_task(actor, owner=org.root, assignee=org.unit_a, due=dt.date(2019, 6, 30))
    with clock.frozen(moment(2019, 3, 4)):
        notice = progress.notice_issue(
            actor=personas.planner, track=d.track, reason="进度滞后", reply_due=dt.date(2019, 3, 11)
        )
        client = Client(REMOTE_ADDR="10.0.0.9", HTTP_USER_AGENT="Firefox")
        client.force_login(personas.reporter_a)
        response = client.post(reverse("web:notice_lift", args=[notice.pk]), {"reason": "x"})
    assert response.status_code == 403
    entry = AuditEntry.objects.get(action="permission.refused")
    assert entry.actor == personas.reporter_a and entry.after["path"].endswith("/lift/")
    assert entry.address == "10.0.0.9" and entry.user_agent == "Firefox" and entry.interface == "web"


def test_an_api_refusal_is_audited(actor, org, personas):
    task = make_plan_with_task(actor, owner=org.root, assignee=org.unit_a)
    response = client_for(personas.reporter_a).patch(
        f"/api/v1/plans/{task.plan_id}", {"title": "改名", "version": 1}, content_type="application/json"
    )
    assert response.status_code == 403
    entry = AuditEntry.objects.get(action="permission.refused")
    assert entry.actor == personas.reporter_a
    assert entry.after["path"] == f"/api/v1/plans/{task.plan_id}" and entry.after["method"] == "PATCH"
    assert entry.interface == "api"


def test_an_anonymous_caller_is_not_recorded_as_refused(actor, org):
    task = make_plan_with_task(actor, owner=org.root, assignee=org.unit_a)
    Client().post(f"/api/v1/plans/{task.plan_id}/items", {}, content_type="application/json")
    assert not AuditEntry.objects.filter(action="permission.refused").exists()
