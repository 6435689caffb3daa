"""The working-day calendar: holidays and make-up working days."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplan.core.models import TimestampedModel
from workplan.core.policy import ScopedQuerySetMixin

USER = settings.AUTH_USER_MODEL


class SpecialDayQuerySet(ScopedQuerySetMixin, models.QuerySet["SpecialDay"]):
    """Scoped by the model's policy (``visible_to``)."""


class SpecialDay(TimestampedModel):
    """A public holiday (on a weekday) or a make-up working day (调休, on a weekend).

    Weekends are days off and weekdays are working days unless a row here says otherwise.
    """

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(_("working day"), default=False)
    name = models.CharField(_("name"), max_length=100, blank=True)

    objects: ClassVar[SpecialDayQuerySet] = SpecialDayQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("holiday or make-up day")
        verbose_name_plural = _("holidays and make-up days")
        ordering: ClassVar[list[str]] = ["date"]

    def __str__(self) -> str:
        kind = "workday" if self.is_working else "holiday"
        return f"{self.date} {self.name or kind}"
