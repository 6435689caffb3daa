"""One status across pages (My tasks, the tree, the dashboard), and My tasks always offering
the next action on an open track."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from workplan.core import clock
from workplan.progress import selectors
from workplan.progress import services as progress
from workplan.progress.status import Status
from workplan.progress.testing import dispatched_task, moment


@pytest.fixture
def past(actor, org):
    """A 2019 task due at the year's end, never reported, looked at in March 2020 (the pages
    used to judge a past plan as of 31 December: "at risk", while My tasks said overdue)."""
    return dispatched_task(actor, owner=org.root, assignee=org.unit_a, due=dt.date(2019, 12, 31))


def test_a_past_plans_late_task_is_overdue_on_every_page(client, personas, past):
    with clock.frozen(moment(2020, 3, 2)):
        rows = selectors.my_tasks(user=personas.reporter_a)
        assert [r.status for r in rows] == [Status.OVERDUE]
        client.force_login(personas.planner)
        tree = client.get(reverse("web:plan_detail", args=[past.plan.pk]))
        statuses = {row.item.pk: row.status for row, _owners in tree.context["rows"]}
        assert statuses[past.task.pk] == Status.OVERDUE
        board = client.get(reverse("web:plan_dashboard", args=[past.plan.pk]))
        dashboard = board.context["dashboard"]
        assert dashboard.overall.counts["overdue"] == 1 and dashboard.overall.counts["at_risk"] == 0
        item = client.get(reverse("web:item_detail", args=[past.task.pk]))
        assert "Overdue" in item.content.decode()


def test_the_dashboard_columns_say_what_they_hold(client, personas, past):
    client.force_login(personas.planner)
    with clock.frozen(moment(2019, 3, 2)):
        html = client.get(reverse("web:plan_dashboard", args=[past.plan.pk])).content.decode()
    assert ">Weighted progress</th>" in html and ">Complete</th>" not in html


def test_status_labels_are_one_translated_vocabulary():
    from django.utils import translation

    from workplan.web.templatetags.workplan import status_label

    with translation.override("zh-hans"):
        assert Status.DONE.label == status_label("done") == "已办结"
        assert all(" " not in status_label(s) for s in Status)  # no "未开始 not started" mixtures


def test_after_acknowledging_my_tasks_links_to_the_report_even_when_nothing_is_due(
    client, personas, actor, org
):
    """Assigned after its periods' due dates (a past plan dispatched late): nothing is "due",
    yet the unit must be able to report from My tasks."""
    late = dispatched_task(actor, owner=org.root, assignee=org.unit_a, at=moment(2020, 2, 10))
    with clock.frozen(moment(2020, 2, 11)):
        progress.track_acknowledge(actor=personas.reporter_a, track=late.track)
        client.force_login(personas.reporter_a)
        html = client.get(reverse("progress:my_tasks")).content.decode()
    period = selectors.my_tasks(user=personas.reporter_a, today=dt.date(2020, 2, 11))[0].report_period
    assert period is not None
    assert reverse("progress:report_edit", args=[late.track.pk, period.pk]) in html
    assert "Nothing due" not in html
