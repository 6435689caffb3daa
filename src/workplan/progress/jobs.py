"""Scheduled work, run by ``workplan tick`` from cron (see docs/architecture.md).

A tick is idempotent: running it twice, or on two machines at once, sends each reminder
and raises each warning once (the ledger rows are claimed under unique constraints).
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from dataclasses import dataclass

from workplan.accounts.services import system_actor
from workplan.core import audit, clock
from workplan.progress import services


@dataclass(frozen=True)
class TickSummary:
    at: dt.datetime
    reminders: int
    warnings: int

    def __str__(self) -> str:
        return f"tick at {self.at.isoformat()}: {self.reminders} reminder(s) sent, {self.warnings} warning(s) raised"


def tick(*, now: dt.datetime | None = None) -> TickSummary:
    """Send the reminders that are due and raise the warnings that apply, as of ``now``.

    ``now`` (aware) replays a past or future moment through the injectable clock; without
    it the real time is used. Work is attributed to the named system actor, interface "job".
    """
    actor = system_actor()
    with audit.interface("job"), clock.frozen(now) if now is not None else nullcontext():
        today = clock.today()
        reminders = services.reminder_send_due(actor=actor, today=today)
        warnings = services.escalation_raise_due(actor=actor, today=today)
        return TickSummary(at=clock.now(), reminders=reminders, warnings=warnings)
