"""``workplan tick`` as cron runs it, on the embedded SQLite file database (WAL).

Two tick processes started together, as two overlapping cron jobs or two machines would:
every reminder and warning goes out once (the ledger rows are claimed under unique
constraints), and every e-mail is written once by the file mail backend.
"""

from __future__ import annotations

import email
import email.header
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

WORKPLAN = str(Path(sys.executable).parent / "workplan")

SETUP = r"""
import datetime as dt, django
django.setup()
from workplan.accounts import services as accounts
from workplan.accounts.services import system_actor
from workplan.core import clock
from workplan.core.testing import make_organisation, make_personas, make_user
from workplan.plans import services as plans
from workplan.progress import services
from workplan.progress.testing import dispatched_task, moment

actor = system_actor()
org = make_organisation(actor)
people = make_personas(actor, org)
for user in (people.reporter_a, people.reporter_b, people.leader):
    accounts.user_update(actor=actor, user=user, email=f"{user.username}@example.org")
make_user(actor, "reporter-a-2", role="reporter", unit=org.unit_a)
first = dispatched_task(actor, owner=org.root, assignee=org.unit_a, due=dt.date(2019, 1, 31))
with clock.frozen(moment(2019, 1, 2)):
    for n in range(20):
        item = plans.item_create(actor=actor, plan=first.plan, parent=first.task.get_parent(),
                                 title=f"任务{n}", due_date=dt.date(2019, 1, 31))
        plans.assignment_create(actor=actor, item=item, unit=org.unit_b if n % 2 else org.unit_a, role="lead")
    services.plan_dispatch(actor=actor, plan=first.plan)
"""

COUNT = r"""
import json, django
django.setup()
from workplan.progress.models import Escalation, Notification, Reminder
rows = list(Reminder.objects.values_list("kind", "track", "slot", "recipient"))
print(json.dumps({
    "due_soon": sum(1 for row in rows if row[0] == "due_soon"), "rows": len(rows), "unique": len(set(rows)),
    "due_soon_notifications": Notification.objects.filter(kind="due_soon").count(),
    "blue": Escalation.objects.filter(level="blue").count(),
    "red": Escalation.objects.filter(level="red").count(),
}))
"""


@pytest.fixture
def site():
    """A migrated SQLite file site in its own folder (not tmp_path: a concurrent pytest run
    may prune old tmp_path folders while the subprocesses still use this one)."""
    with tempfile.TemporaryDirectory(prefix="wp-tick-") as folder:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
        env.update(
            WORKPLAN_DATA_DIR=str(Path(folder) / "data"), DJANGO_SETTINGS_MODULE="workplan.config.settings"
        )
        migrate = subprocess.run(
            [WORKPLAN, "migrate"], env=env, capture_output=True, text=True, timeout=300, check=False
        )
        assert migrate.returncode == 0, migrate.stderr
        yield env


def _python(code: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _ticks_together(env: dict[str, str], now: str, count: int = 2) -> list[str]:
    processes = [
        subprocess.Popen(
            [WORKPLAN, "tick", "--now", now],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        outputs.append(out.strip())
    return outputs


def _sent(summary: str, what: str) -> int:
    """The number before "reminder(s)" or "warning(s)" in a tick's summary line."""
    words = summary.replace(",", "").split()
    return int(words[words.index(f"{what}(s)") - 1])


def _mails(env: dict[str, str]) -> list[tuple[str, str]]:
    """(recipient, subject) of every message the file mail backend wrote."""
    found = []
    for path in (Path(env["WORKPLAN_DATA_DIR"]) / "mail").glob("*.log"):
        for raw in path.read_text(encoding="utf-8").split("\n" + "-" * 79 + "\n"):
            if raw.strip():
                message = email.message_from_string(raw.strip())
                subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
                found.append((message["To"], subject))
    return found


@pytest.mark.slow
def test_two_tick_processes_on_sqlite_send_each_reminder_once(site):
    _python(SETUP, site)
    outputs = _ticks_together(site, "2019-01-22T08:00")
    counts = json.loads(_python(COUNT, site))
    # Due soon: unit A has 11 tasks × 2 reporters, unit B 10 tasks × 1 reporter; and with 29 %
    # of January left and nothing reported, each task's blue warning too.
    assert counts["due_soon"] == 11 * 2 + 10 == sum(_sent(out, "reminder") for out in outputs), (
        outputs,
        counts,
    )
    assert counts["blue"] == 21 == sum(_sent(out, "warning") for out in outputs), (outputs, counts)
    assert counts["rows"] == counts["unique"]
    assert counts["due_soon_notifications"] == 3  # one message per reporter
    mails = _mails(site)
    assert len(mails) == len(set(mails))
    assert sum(1 for _, subject in mails if "即将到期" in subject) == 2  # two reporters have addresses
    outputs = _ticks_together(site, "2019-02-01T08:00", count=3)
    counts = json.loads(_python(COUNT, site))
    assert counts["red"] == 21 == sum(_sent(out, "warning") for out in outputs), (outputs, counts)
    assert counts["rows"] == counts["unique"]
    mails = _mails(site)
    assert len(mails) == len(set(mails))


def test_tick_with_a_bad_moment_is_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["WORKPLAN_DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run(
        [WORKPLAN, "tick", "--now", "next tuesday"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "workplan: error: --now 'next tuesday' is not an ISO 8601 date and time"
    ]
