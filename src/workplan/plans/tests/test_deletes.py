"""Deleting a plan or an item never takes recorded work with it: it is refused, and the
item is archived instead; a delete that is allowed leaves an audit row per removed item."""

from __future__ import annotations

import pytest

from workplan.api.testing import client_for
from workplan.core.errors import Invalid
from workplan.core.models import AuditEntry
from workplan.core.testing import make_plan_with_task
from workplan.plans import services
from workplan.plans.models import Plan, PlanItem
from workplan.progress import services as progress
from workplan.progress.models import Evidence, Period, ProgressReport, Track


@pytest.fixture
def reported(actor, org):
    task = make_plan_with_task(actor, owner=org.unit_a, assignee=org.unit_a)
    progress.plan_dispatch(actor=actor, plan=task.plan)
    track = Track.objects.get(item=task)
    report = progress.report_save(
        actor=actor,
        track=track,
        period=Period.objects.get(plan=task.plan, index=1),
        narrative="进展",
        percent=10,
    )
    progress.evidence_add(actor=actor, report=report, filename="a.txt", data=b"minutes")
    return task


def test_a_plan_with_reports_is_not_deleted(actor, reported):
    with pytest.raises(Invalid, match="cannot be deleted"):
        services.plan_delete(actor=actor, plan=reported.plan)
    assert Plan.objects.filter(pk=reported.plan_id).exists()
    assert ProgressReport.objects.count() == 1
    assert Evidence.objects.count() == 1


def test_an_item_with_reports_below_it_is_not_deleted(actor, reported):
    part = reported.get_parent()
    before = AuditEntry.objects.count()
    for item in (reported, part):
        with pytest.raises(Invalid, match="Archive it instead"):
            services.item_delete(actor=actor, item=item)
    assert PlanItem.objects.filter(pk=reported.pk).exists()
    assert AuditEntry.objects.count() == before


def test_the_api_answers_422_and_keeps_everything(reported, personas, org):
    from workplan.accounts.models import Role
    from workplan.core.testing import make_user

    planner = make_user(personas.admin, "planner-a", role=Role.PLANNER, unit=org.unit_a)
    response = client_for(planner).delete(f"/api/v1/plans/{reported.plan_id}")
    assert response.status_code == 422, response.content
    assert "Archive it instead" in response.json()["error"]["message"]
    assert ProgressReport.objects.count() == 1


def test_a_plan_without_reports_is_deleted_with_an_audit_row_per_item(actor, org):
    task = make_plan_with_task(actor, owner=org.unit_a, assignee=org.unit_a)
    ids = [task.pk, task.get_parent().pk]
    services.plan_delete(actor=actor, plan=task.plan)
    assert not PlanItem.objects.filter(pk__in=ids).exists()
    deleted = set(AuditEntry.objects.filter(action="item.deleted").values_list("target_id", flat=True))
    assert {str(pk) for pk in ids} <= deleted
