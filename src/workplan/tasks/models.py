"""A background task: what to run, with which arguments, and how it went."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplan.core.policy import ScopedQuerySetMixin


class TaskState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


def task_link() -> models.ForeignKey[Any, Any]:
    """A record's link to the background task that makes or fills it (pages show its state)."""
    return models.ForeignKey(
        "tasks.Task",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("background task"),
    )


class TaskQuerySet(ScopedQuerySetMixin, models.QuerySet["Task"]):
    """Scoped by the model's policy (``visible_to``)."""


class Task(models.Model):
    """One run of a registered task function (workplan/tasks/registry.py).

    The row is written in the transaction that asks for the work, so work is never asked for
    by a change that rolls back, and never lost by one that commits. Whatever engine runs it
    (this process, ``workplan worker`` polling the table, or Celery workers on other hosts),
    the state moves here: queued → running → done, or back to queued for another attempt
    after a failure, and failed once the attempts are spent.
    """

    name = models.CharField(_("task"), max_length=100)
    arguments = models.JSONField(_("arguments"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=TaskState.choices, default=TaskState.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("maximum attempts"), default=3)
    run_after = models.DateTimeField(_("not before"))
    created_at = models.DateTimeField(_("queued at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("asked by"),
    )
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")
        indexes: ClassVar[list[Any]] = [models.Index(fields=["state", "run_after"], name="task_due")]
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.state})"

    @property
    def pending(self) -> bool:
        """Still to run (queued, perhaps for another attempt) or running now."""
        return self.state in (TaskState.QUEUED, TaskState.RUNNING)
