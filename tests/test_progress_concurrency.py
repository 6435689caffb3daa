"""Concurrency, with real threads and real transactions: no lost update, no double reminder.

Each thread has its own database connection. Two writers saving the same report from the
same version: one wins, the other gets ``Conflict`` with the current state. Two ticks
running at once: every reminder and warning goes out once.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection, connections

from workplan.core import clock
from workplan.core.errors import Conflict
from workplan.core.testing import make_user
from workplan.plans import services as plans
from workplan.progress import jobs, services
from workplan.progress.models import Escalation, Notification, ProgressReport, Reminder, Track
from workplan.progress.testing import dispatched_task, moment

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _shared_database():
    """Threads need a database several connections can write: PostgreSQL, or an SQLite file.

    pytest-django's SQLite test database is in memory with a shared cache, where a second
    writer fails at once ("database table is locked") instead of waiting; on SQLite the
    same guarantees are shown by two ``workplan tick`` processes on a file database in
    ``test_progress_cli.py``.
    """
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads need PostgreSQL or a file database (SQLite: see test_progress_cli.py)")


def run_together(*calls: Callable[[], Any]) -> list[Any]:
    """Run ``calls`` in threads released at the same moment; returns each result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def worker(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # reported to the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_writers_of_the_same_report_lose_no_update(actor, org, personas):
    d = dispatched_task(actor, owner=org.root, assignee=org.unit_a)
    with clock.frozen(moment(2019, 1, 10)):
        report = services.report_save(
            actor=personas.reporter_a, track=d.track, period=d.period(1), narrative="初稿", percent=10
        )
        loaded = report.version
        second_reporter = make_user(actor, "reporter-a2", role="reporter", unit=org.unit_a)

        def save(user, text):
            return lambda: services.report_save(
                actor=user,
                track=d.track,
                period=d.period(1),
                narrative=text,
                percent=20,
                expected_version=loaded,
            )

        results = run_together(save(personas.reporter_a, "甲的修改"), save(second_reporter, "乙的修改"))
    conflicts = [r for r in results if isinstance(r, Conflict)]
    saved = [r for r in results if isinstance(r, ProgressReport)]
    assert len(conflicts) == 1 and len(saved) == 1, results
    assert "changed by someone else" in conflicts[0].message
    current = ProgressReport.objects.get(pk=report.pk)
    assert current.narrative == saved[0].narrative and current.version == loaded + 1
    assert conflicts[0].details["current"]["narrative"] == current.narrative


def test_two_first_saves_of_the_same_report_keep_the_first(actor, org, personas):
    d = dispatched_task(actor, owner=org.root, assignee=org.unit_a)
    other = make_user(actor, "reporter-a2", role="reporter", unit=org.unit_a)
    with clock.frozen(moment(2019, 1, 10)):
        results = run_together(
            *(
                (
                    lambda user=user, text=text: services.report_save(
                        actor=user,
                        track=d.track,
                        period=d.period(1),
                        narrative=text,
                        percent=5,
                        expected_version=0,
                    )
                )
                for user, text in ((personas.reporter_a, "甲"), (other, "乙"))
            )
        )
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "ProgressReport"], results
    assert ProgressReport.objects.filter(track=d.track).count() == 1


def test_two_ticks_at_once_send_each_reminder_once(actor, org, personas):
    for user in (personas.reporter_a, personas.reporter_b, personas.leader):
        from workplan.accounts import services as accounts

        accounts.user_update(actor=actor, user=user, email=f"{user.username}@example.org")
    make_user(actor, "reporter-a-2", role="reporter", unit=org.unit_a)
    first = dispatched_task(actor, owner=org.root, assignee=org.unit_a, due=dt.date(2019, 1, 31))
    with clock.frozen(moment(2019, 1, 2)):
        for n in range(12):
            item = plans.item_create(
                actor=actor,
                plan=first.plan,
                parent=first.task.get_parent(),
                title=f"任务{n}",
                due_date=dt.date(2019, 1, 31),
            )
            plans.assignment_create(
                actor=actor, item=item, unit=org.unit_b if n % 2 else org.unit_a, role="lead"
            )
        services.plan_dispatch(actor=actor, plan=first.plan)
    tracks = Track.objects.filter(item__plan=first.plan).count()
    assert tracks == 13
    mail.outbox.clear()
    # 22 January: every report of period 1 (due Friday 25 January) is due soon.
    with clock.frozen(moment(2019, 1, 22, 8)):
        results = run_together(jobs.tick, jobs.tick, jobs.tick)
    assert all(isinstance(r, jobs.TickSummary) for r in results), results
    rows = Reminder.objects.filter(kind="due_soon")
    # unit A has two reporters (7 tasks), unit B one (6 tasks)
    assert rows.count() == 7 * 2 + 6 == sum(r.reminders for r in results)
    assert len(set(rows.values_list("track", "slot", "recipient"))) == rows.count()
    assert Notification.objects.filter(kind="due_soon").count() == 3  # one message per person
    assert max(Counter((m.to[0], m.subject) for m in mail.outbox).values()) == 1
    # 1 February: every task is overdue: one red warning per track, raised once.
    mail.outbox.clear()
    with clock.frozen(moment(2019, 2, 1, 8)):
        results = run_together(jobs.tick, jobs.tick)
    assert all(isinstance(r, jobs.TickSummary) for r in results), results
    assert Escalation.objects.filter(level="red").count() == 13 == sum(r.warnings for r in results)
    escalation_mails = Counter((m.to[0], m.subject) for m in mail.outbox if "督办" in m.subject)
    assert escalation_mails and max(escalation_mails.values()) == 1


def test_items_created_at_once_under_one_parent_and_as_roots_all_get_their_own_place(actor, org, personas):
    """Four clients adding items at once (bench/peer found duplicate tree paths: a 500)."""
    plan = plans.plan_create(actor=personas.planner, title="并发", year=2019, owner_unit=org.root)
    parent = plans.item_create(actor=personas.planner, plan=plan, title="一、总体")

    def add(title, under):
        return lambda: plans.item_create(actor=personas.planner, plan=plan, title=title, parent=under)

    made = run_together(
        *(add(f"子项{i}", parent) for i in range(4)), *(add(f"部分{i}", None) for i in range(2))
    )
    assert not [r for r in made if isinstance(r, Exception)], made
    paths = [item.path for item in made]
    assert len(set(paths)) == 6
    parent.refresh_from_db()
    assert parent.numchild == 4
