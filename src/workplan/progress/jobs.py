"""Background work of this app: the scheduled tick (``workplan tick`` from cron, or a task) and e-mail.

A tick is idempotent: running it twice, or on two machines at once, sends each reminder
and raises each warning once (the ledger rows are claimed under unique constraints).
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from workplan.accounts.services import system_actor
from workplan.channels import services as channels
from workplan.core import audit, clock
from workplan.progress import notify, services
from workplan.tasks import engines, runner
from workplan.tasks.registry import job


@dataclass(frozen=True)
class TickSummary:
    at: dt.datetime
    reminders: int
    warnings: int
    digests: int = 0

    def __str__(self) -> str:
        text = f"tick at {self.at.isoformat()}: {self.reminders} reminder(s) sent, {self.warnings} warning(s) raised"
        return text + (f", {self.digests} digest(s) e-mailed" if self.digests else "")


def tick(*, now: dt.datetime | None = None) -> TickSummary:
    """Send the reminders that are due, raise the warnings that apply and e-mail the digests, as of ``now``.

    ``now`` (aware) replays a past or future moment through the injectable clock; without
    it the real time is used. Work is attributed to the named system actor, interface "job".
    """
    actor = system_actor()
    with audit.interface("job"), clock.frozen(now) if now is not None else nullcontext():
        today = clock.today()
        reminders = services.reminder_send_due(actor=actor, today=today)
        warnings = services.escalation_raise_due(actor=actor, today=today)
        digests = channels.digest_send_due(actor=actor)
        return TickSummary(at=clock.now(), reminders=reminders, warnings=warnings, digests=digests)


@job("progress.tick", label=_("the scheduled reminders and warnings"), max_attempts=2)
def tick_job() -> str:
    return str(tick())


@job("progress.send_email", label=_("sending e-mail"), max_attempts=5)
def send_email_job(messages: list[list[str]]) -> int:
    return notify.send_email(messages)


def run_due_tasks() -> int:
    """Retry due tasks when no worker process does it (the ``immediate`` engine)."""
    return runner.run_due() if engines.engine() == "immediate" else 0
