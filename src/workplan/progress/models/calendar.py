"""The reporting calendar and its periods."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplan.core.models import TimestampedModel
from workplan.core.policy import ScopedQuerySetMixin
from workplan.plans.models import Plan

USER = settings.AUTH_USER_MODEL


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    FORTNIGHTLY = "fortnightly", _("fortnightly")


class ReportingCalendarQuerySet(ScopedQuerySetMixin, models.QuerySet["ReportingCalendar"]):
    """Scoped by the model's policy (``visible_to``)."""


class ReportingCalendar(TimestampedModel):
    """How often a plan's units report, and when: the period and the due day of each report.

    Monthly and quarterly reports are due on ``due_day`` of the period's last month (the
    month's last day when it is shorter); fortnightly ones on the period's last day. A due
    date on a day off moves to the next working day.
    """

    plan = models.OneToOneField(
        Plan, on_delete=models.CASCADE, related_name="reporting_calendar", verbose_name=_("plan")
    )
    frequency = models.CharField(
        _("frequency"), max_length=12, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    due_day = models.PositiveSmallIntegerField(
        _("due day"), default=25, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    remind_before_days = models.PositiveSmallIntegerField(
        _("remind this many working days before"), default=3, validators=[MaxValueValidator(30)]
    )
    remind_after_days = models.PositiveSmallIntegerField(
        _("urge this many working days after"), default=1, validators=[MinValueValidator(1)]
    )

    objects: ClassVar[ReportingCalendarQuerySet] = ReportingCalendarQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("reporting calendar")
        verbose_name_plural = _("reporting calendars")

    def __str__(self) -> str:
        return f"{self.plan} · {self.get_frequency_display()}"


class PeriodQuerySet(ScopedQuerySetMixin, models.QuerySet["Period"]):
    def open(self) -> PeriodQuerySet:
        return self.filter(closed_at__isnull=True)


class Period(TimestampedModel):
    """One reporting period of a plan (a month, a quarter, a fortnight) and its due date.

    A closed period takes no more reports.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="periods", verbose_name=_("plan"))
    index = models.PositiveSmallIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=20)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    due_date = models.DateField(_("report due"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects: ClassVar[PeriodQuerySet] = PeriodQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering: ClassVar[list[str]] = ["plan", "index"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["plan", "index"], name="period_unique_index")
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["plan", "start"])]

    def __str__(self) -> str:
        return self.label

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None
