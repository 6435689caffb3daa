"""Background work of the channels: sending one message to a group robot (retried with
back-off by the task runner: 30 s, 1, 2, 4 min…, then failed and so recorded)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workplan.channels import sending
from workplan.tasks.registry import job

ATTEMPTS = 5


@job(
    "channels.deliver",
    label=_("sending a message to a group robot"),
    max_attempts=ATTEMPTS,
    on_failure=sending.record_failure,
)
def deliver_job(delivery: int) -> str:
    return sending.attempt(delivery)
