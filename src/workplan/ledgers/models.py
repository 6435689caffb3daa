"""Ledgers (台账) with typed, user-defined fields; their records; indicators over them.

A record's values live in ``values`` (JSON, keyed by each field's stable ``key``), validated
by ``ledgers.fields`` against the ledger's field definitions: renaming a field changes its
label only, retiring it hides it from forms and keeps every recorded value.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplan.accounts.models import Unit
from workplan.core.models import TimestampedModel
from workplan.core.policy import ScopedQuerySetMixin
from workplan.core.records import RecordModel
from workplan.plans.models import PlanItem, Target
from workplan.progress.models import Occurrence

USER = settings.AUTH_USER_MODEL


class ScopedQuerySet(ScopedQuerySetMixin, models.QuerySet[Any]):
    """Scoped by the model's policy (``visible_to``)."""


class FieldKind(models.TextChoices):
    TEXT = "text", _("text")
    LONG_TEXT = "long_text", _("long text")
    NUMBER = "number", _("number")
    INTEGER = "integer", _("integer")
    DATE = "date", _("date")
    BOOLEAN = "boolean", _("yes/no")
    CHOICE = "choice", _("single choice")
    MULTI_CHOICE = "multi_choice", _("multiple choice")
    UNIT = "unit", _("unit of the organisation")
    ITEM = "item", _("plan item")
    FILE = "file", _("file")
    PERSON = "person", _("person")


class Ledger(RecordModel):
    """A register kept by units (sites, meetings, trainings …), defined by planners."""

    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="owned_ledgers", verbose_name=_("owner unit")
    )
    keeping_units = models.ManyToManyField(
        Unit, blank=True, related_name="kept_ledgers", verbose_name=_("keeping units")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects: ClassVar[ScopedQuerySet] = ScopedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("ledger")
        verbose_name_plural = _("ledgers")
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return self.name


class LedgerField(TimestampedModel):
    """One typed column of a ledger. ``key`` never changes (values are stored under it)."""

    ledger = models.ForeignKey(Ledger, on_delete=models.CASCADE, related_name="fields")
    key = models.CharField(_("key"), max_length=40)
    label = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=FieldKind.choices)
    required = models.BooleanField(_("required"), default=False)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    measure_unit = models.CharField(_("unit of measure"), max_length=40, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    retired = models.BooleanField(_("retired"), default=False)

    objects: ClassVar[ScopedQuerySet] = ScopedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("ledger field")
        verbose_name_plural = _("ledger fields")
        ordering: ClassVar[list[str]] = ["ledger", "position", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["ledger", "key"], name="ledger_field_unique_key")
        ]

    def __str__(self) -> str:
        return self.label


class LedgerRecord(RecordModel):
    """One row of a ledger, kept by ``unit``; optionally about a plan item and checking off
    an occurrence of a recurring obligation (the record is then its evidence)."""

    ledger = models.ForeignKey(Ledger, on_delete=models.CASCADE, related_name="records")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    item = models.ForeignKey(
        PlanItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("item")
    )
    occurrence = models.ForeignKey(
        Occurrence,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ledger_records",
        verbose_name=_("occurrence"),
    )
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects: ClassVar[ScopedQuerySet] = ScopedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("ledger record")
        verbose_name_plural = _("ledger records")
        ordering: ClassVar[list[str]] = ["ledger", "id"]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["ledger", "unit"])]

    def __str__(self) -> str:
        return f"{self.ledger} #{self.pk}"


class Measure(models.TextChoices):
    COUNT = "count", _("count of records")
    SUM = "sum", _("sum of a field")
    AVG = "avg", _("average of a field")
    MIN = "min", _("minimum of a field")
    MAX = "max", _("maximum of a field")
    RATIO = "ratio", _("share of records meeting a condition")
    MANUAL = "manual", _("entered by hand")


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")


class Indicator(TimestampedModel):
    """A measured quantity, computed from a ledger's records (or entered by hand), with an
    optional target; linked to a plan item (and the parsed Target it measures).

    ``filters`` narrow the records counted (``[{"field": key, "op": "eq", "value": v}]``);
    a ratio's numerator is the records that also meet ``condition`` (same shape), as a
    percentage of the filtered records. ``date_field`` dates the records for "as of" and
    per-period figures.
    """

    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=300)
    owner_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner unit")
    )
    item = models.ForeignKey(
        PlanItem,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("item"),
    )
    target = models.OneToOneField(
        Target,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicator",
        verbose_name=_("target"),
    )
    ledger = models.ForeignKey(
        Ledger,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("ledger"),
    )
    measure = models.CharField(_("measure"), max_length=10, choices=Measure.choices, default=Measure.COUNT)
    field_key = models.CharField(_("field"), max_length=40, blank=True)
    filters = models.JSONField(_("filters"), default=list, blank=True)
    condition = models.JSONField(_("condition"), default=list, blank=True)
    date_field = models.CharField(_("date field"), max_length=40, blank=True)
    measure_unit = models.CharField(_("unit of measure"), max_length=40, blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    comparator = models.CharField(_("comparator"), max_length=8, blank=True)
    target_value = models.FloatField(_("target value"), null=True, blank=True)
    target_max = models.FloatField(_("upper target value"), null=True, blank=True)

    objects: ClassVar[ScopedQuerySet] = ScopedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(TimestampedModel):
    """A hand-entered value of a ``manual`` indicator, as of ``as_of`` (optionally per unit)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="manual_values")
    as_of = models.DateField(_("as of"))
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    value = models.FloatField(_("value"))

    objects: ClassVar[ScopedQuerySet] = ScopedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering: ClassVar[list[str]] = ["indicator", "as_of", "id"]

    def __str__(self) -> str:
        return f"{self.indicator} {self.as_of}: {self.value}"
