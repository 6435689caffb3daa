"""Recurring obligations and their dated occurrences."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplan.core.models import TimestampedModel
from workplan.core.policy import ScopedQuerySetMixin
from workplan.plans.models import PlanItem, Target
from workplan.progress.models.reports import ProgressReport

USER = settings.AUTH_USER_MODEL


class ObligationQuerySet(ScopedQuerySetMixin, models.QuerySet["Obligation"]):
    """Scoped by the model's policy (``visible_to``)."""


class Obligation(TimestampedModel):
    """A frequency target ("每季度至少1次") turned into an RFC 5545 rule and dated occurrences.

    ``rrule`` starts each window; ``per_window`` occurrences fall in each window (when the
    count does not divide the period into equal windows). ``assumed`` marks a target with
    no number ("定期", "regularly"), read with the default rule.
    """

    target = models.OneToOneField(Target, on_delete=models.CASCADE, related_name="obligation")
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="obligations")
    rrule = models.TextField(_("recurrence rule (RFC 5545)"))
    per_window = models.PositiveSmallIntegerField(_("occurrences per window"), default=1)
    assumed = models.BooleanField(_("default rule assumed"), default=False)
    description = models.CharField(_("description"), max_length=200, blank=True)

    objects: ClassVar[ObligationQuerySet] = ObligationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("recurring obligation")
        verbose_name_plural = _("recurring obligations")

    def __str__(self) -> str:
        return f"{self.item} · {self.description or self.rrule}"


class OccurrenceQuerySet(ScopedQuerySetMixin, models.QuerySet["Occurrence"]):
    """Scoped by the model's policy (``visible_to``)."""


class Occurrence(TimestampedModel):
    """One expected occurrence of a recurring obligation, due by ``window_end``.

    It is met by a progress report (``met_by``); past its window and not met, it is missed
    (derived, never stored, so a late mark by the planner can still correct it).
    """

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="occurrences")
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="+")
    index = models.PositiveSmallIntegerField(_("number"))
    window_start = models.DateField(_("window start"))
    window_end = models.DateField(_("due by"))
    met_by = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="occurrences_met"
    )
    met_at = models.DateTimeField(_("marked met at"), null=True, blank=True)
    met_marked_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects: ClassVar[OccurrenceQuerySet] = OccurrenceQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")
        ordering: ClassVar[list[str]] = ["obligation", "index"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["obligation", "index"], name="occurrence_unique_index")
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["item", "window_end"])]

    def __str__(self) -> str:
        return f"{self.obligation} #{self.index} ({self.window_start}–{self.window_end})"
