"""What people do with background tasks: start one that may be started by hand, retry a failed one."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from workplan.core import audit, clock
from workplan.core.errors import Invalid
from workplan.core.policy import Action, policy_for
from workplan.permissions import require_admin
from workplan.tasks import queue, registry
from workplan.tasks.models import Task, TaskState

# Tasks an administrator may start from the web page, the API or the CLI.
STARTABLE = ("progress.tick",)


@transaction.atomic
def task_start(*, actor: Any, name: str) -> Task:
    """Queue a task that may be started by hand (administrators)."""
    require_admin(actor, _("start background tasks"))
    if name not in STARTABLE:
        registry.get(name)  # unknown names get their own message
        raise Invalid(_("The task %(name)s cannot be started by hand.") % {"name": name})
    task = queue.enqueue(name, {}, created_by=actor)
    audit.record(actor=actor, action="task.start", target=task, after=audit.snapshot(task, ["name"]))
    return task


@transaction.atomic
def task_retry(*, actor: Any, task: Task) -> Task:
    """Queue a failed task again with a fresh set of attempts."""
    policy_for(Task).require(actor, Action.EDIT, task)
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.state != TaskState.FAILED:
        raise Invalid(
            _("Only a failed task can be retried; this one is %(state)s.")
            % {"state": locked.get_state_display()}
        )
    before = audit.snapshot(locked, ["state", "attempts"])
    locked.state, locked.attempts, locked.run_after = TaskState.QUEUED, 0, clock.now()
    locked.finished_at = None
    locked.save(update_fields=["state", "attempts", "run_after", "finished_at"])
    audit.record(
        actor=actor,
        action="task.retry",
        target=locked,
        before=before,
        after=audit.snapshot(locked, ["state", "attempts"]),
    )
    from workplan.tasks import engines

    transaction.on_commit(lambda: engines.deliver(locked.pk))
    return locked
