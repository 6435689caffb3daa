"""A ledger record about an occurrence of a recurring obligation checks it off."""

from __future__ import annotations

import datetime as dt

from workplan.core.testing import make_plan_with_task
from workplan.ledgers import services
from workplan.plans import services as plans
from workplan.progress import services as progress
from workplan.progress.models import Occurrence
from workplan.progress.selectors.obligations import occurrence_list


def test_a_record_checks_off_an_occurrence(actor, org, personas):
    task = make_plan_with_task(actor, owner=org.root, assignee=org.unit_a)
    plans.target_create(actor=actor, item=task, text="每年召开1次", kind="frequency", value=1)
    progress.plan_dispatch(actor=actor, plan=task.plan)
    occurrence = Occurrence.objects.filter(item=task).first()
    assert occurrence is not None
    ledger = services.ledger_create(
        actor=actor, code="MEET", name="会议台账", owner_unit=org.root, keeping_units=[org.unit_a]
    )
    services.field_add(actor=actor, ledger=ledger, label="会议", kind="text", key="title", required=True)
    today = dt.date(2019, 12, 1)
    before = {
        r.occurrence.pk: r.state for r in occurrence_list(user=personas.reporter_a, item=task, today=today)
    }
    assert before[occurrence.pk] != "met"
    record = services.record_create(
        actor=personas.reporter_a,
        ledger=ledger,
        unit=org.unit_a,
        values={"title": "年度调研课题会"},
        occurrence=occurrence,
    )
    assert record.item == task
    occurrence.refresh_from_db()
    assert occurrence.met_at is not None and occurrence.met_marked_by == personas.reporter_a
    assert occurrence.ledger_records.get() == record
    states = {
        r.occurrence.pk: r.state for r in occurrence_list(user=personas.reporter_a, item=task, today=today)
    }
    assert states[occurrence.pk] == "met"
