"""Assessment of units (目标管理考核): rubrics, scoring runs, results, judgement, objections.

A :class:`Rubric` belongs to a plan and scores one kind of subject (the organisation's units,
or the entities of a ledger) per period of a granularity (year, half, quarter, month). Its
weighted :class:`Criterion` rows say how points are computed (``assessment.scoring``). A
:class:`Run` computes every criterion for one period and stores each subject's
:class:`Result` with the inputs it used (the ids of the rows behind every point), so later
changes of the data never change a stored score; computing again makes a new version.
Assessors add :class:`ManualScore` (reviewed by a second assessor) and :class:`Bonus` points;
a unit may file an :class:`Objection` to a published result within the rubric's window.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplan.accounts.models import Unit
from workplan.core.models import TimestampedModel
from workplan.core.policy import ScopedQuerySetMixin
from workplan.core.records import RecordModel
from workplan.plans.models import Plan

USER = settings.AUTH_USER_MODEL


class Granularity(models.TextChoices):
    YEAR = "year", _("year")
    HALF = "half", _("half year")
    QUARTER = "quarter", _("quarter")
    MONTH = "month", _("month")


class Subject(models.TextChoices):
    UNITS = "units", _("units of the organisation")
    LEDGER = "ledger", _("entities of a ledger")


class CriterionKind(models.TextChoices):
    COMPLETION = "completion", _("completion")
    TIMELINESS = "timeliness", _("timeliness")
    INDICATOR = "indicator", _("indicator attainment")
    OBLIGATIONS = "obligations", _("recurring obligations met")
    INTEGRITY = "integrity", _("commitment integrity")
    MANUAL = "manual", _("manual score")
    DEDUCTION = "deduction", _("deductions")
    BONUS = "bonus", _("bonus points")


# Kinds whose weight is a cap on points added or taken away, outside the 100 % of weights.
CAPPED_KINDS = frozenset({CriterionKind.DEDUCTION, CriterionKind.BONUS})


class RubricQuerySet(ScopedQuerySetMixin, models.QuerySet["Rubric"]):
    """Scoped by the model's policy (``visible_to``)."""


class Rubric(RecordModel):
    """How a plan's units (or a ledger's entities) are scored, per period of ``granularity``.

    ``bands`` are the award bands by rank, best first: ``[{"name": "优秀", "top_percent": 20}]``.
    ``objection_days``: how long after publication a unit may object to its result.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="rubrics", verbose_name=_("plan"))
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    granularity = models.CharField(
        _("periods"), max_length=8, choices=Granularity.choices, default=Granularity.HALF
    )
    subject = models.CharField(_("scores"), max_length=8, choices=Subject.choices, default=Subject.UNITS)
    ledger = models.CharField(_("ledger code"), max_length=50, blank=True)
    bands = models.JSONField(_("award bands"), default=list, blank=True)
    objection_days = models.PositiveSmallIntegerField(
        _("days to object"), default=7, validators=[MaxValueValidator(90)]
    )
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects: ClassVar[RubricQuerySet] = RubricQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return self.name


class CriterionQuerySet(ScopedQuerySetMixin, models.QuerySet["Criterion"]):
    """Scoped by the model's policy (``visible_to``)."""


class Criterion(TimestampedModel):
    """One weighted criterion of a rubric. ``weight`` is the most points it gives; for
    deductions and bonus points it is the cap. ``params`` hold the kind's options
    (e.g. ``{"yellow": 1, "red": 2, "returned": 0.5}`` for deductions)."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=CriterionKind.choices)
    weight = models.DecimalField(
        _("weight (points)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    params = models.JSONField(_("options"), default=dict, blank=True)

    objects: ClassVar[CriterionQuerySet] = CriterionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering: ClassVar[list[str]] = ["rubric", "position"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["rubric", "code"], name="criterion_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


class ReviewState(models.TextChoices):
    PENDING = "pending", _("awaiting review")
    CONFIRMED = "confirmed", _("confirmed")
    REJECTED = "rejected", _("rejected")


class ManualScoreQuerySet(ScopedQuerySetMixin, models.QuerySet["ManualScore"]):
    """Scoped by the model's policy (``visible_to``)."""


class ManualScore(TimestampedModel):
    """An assessor's points for one subject on a manual criterion, with the reason; a second
    assessor may confirm or reject it (``review_state``)."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="manual_scores")
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("period"), max_length=10)
    subject_key = models.CharField(_("subject"), max_length=40)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason"))
    entered_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    review_state = models.CharField(
        _("review"), max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    objects: ClassVar[ManualScoreQuerySet] = ManualScoreQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("manual score")
        verbose_name_plural = _("manual scores")
        ordering: ClassVar[list[str]] = ["criterion", "subject_key"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["criterion", "period", "subject_key"], name="manual_score_once_per_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion} · {self.subject_key} · {self.points}"


class BonusQuerySet(ScopedQuerySetMixin, models.QuerySet["Bonus"]):
    """Scoped by the model's policy (``visible_to``)."""


class Bonus(TimestampedModel):
    """Bonus points for one subject (an award, a commendation) with the reason and evidence."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="bonuses")
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("period"), max_length=10)
    subject_key = models.CharField(_("subject"), max_length=40)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason"))
    evidence = models.TextField(_("evidence"))
    entered_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    objects: ClassVar[BonusQuerySet] = BonusQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("bonus points")
        verbose_name_plural = _("bonus points")
        ordering: ClassVar[list[str]] = ["criterion", "subject_key", "id"]

    def __str__(self) -> str:
        return f"{self.criterion} · {self.subject_key} · +{self.points}"


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    SUPERSEDED = "superseded", _("superseded")


class RunQuerySet(ScopedQuerySetMixin, models.QuerySet["Run"]):
    """Scoped by the model's policy (``visible_to``)."""


class Run(TimestampedModel):
    """One scoring of a rubric for a period (version ``number``), with the inputs it used.

    ``provisional``: the period had not ended when it was computed (a draft only).
    ``inputs`` keeps the criteria and options as they were. Published runs never change.
    """

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="runs")
    period = models.CharField(_("period"), max_length=10)
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT)
    provisional = models.BooleanField(_("period not ended"), default=False)
    window_start = models.DateField(_("from"))
    window_end = models.DateField(_("to"))
    as_of = models.DateField(_("data as of"))
    inputs = models.JSONField(_("inputs"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))
    computed_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    objections_until = models.DateField(_("objections until"), null=True, blank=True)

    objects: ClassVar[RunQuerySet] = RunQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("scoring run")
        verbose_name_plural = _("scoring runs")
        ordering: ClassVar[list[str]] = ["rubric", "period", "-number"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["rubric", "period", "number"], name="run_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.rubric} · {self.period} · v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == RunStatus.PUBLISHED


class ResultQuerySet(ScopedQuerySetMixin, models.QuerySet["Result"]):
    """Scoped by the model's policy (``visible_to``)."""


class Result(models.Model):
    """One subject's score in a run: points per criterion (deductions negative, ``total`` is
    their sum), rank (``tied`` when shared), award band, and ``detail``: per criterion the
    figures and the ids of the rows behind them (``assessment.scoring``)."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="results")
    subject_key = models.CharField(_("subject"), max_length=40)
    subject_label = models.CharField(_("name"), max_length=300)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(_("score"), max_digits=8, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"))
    tied = models.BooleanField(_("tied"), default=False)
    band = models.CharField(_("award"), max_length=50, blank=True)
    points = models.JSONField(_("points"), default=dict)
    detail = models.JSONField(_("sources"), default=dict)

    objects: ClassVar[ResultQuerySet] = ResultQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering: ClassVar[list[str]] = ["run", "rank", "subject_label"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["run", "subject_key"], name="result_once_per_subject")
        ]

    def __str__(self) -> str:
        return f"{self.subject_label} · {self.total}"


class ObjectionState(models.TextChoices):
    OPEN = "open", _("open")
    ANSWERED = "answered", _("answered")


class ObjectionQuerySet(ScopedQuerySetMixin, models.QuerySet["Objection"]):
    """Scoped by the model's policy (``visible_to``)."""


class Objection(TimestampedModel):
    """A unit's objection to its published result, and the assessor's answer."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="objections")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"))
    filed_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField(_("filed at"))
    state = models.CharField(
        _("state"), max_length=10, choices=ObjectionState.choices, default=ObjectionState.OPEN
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects: ClassVar[ObjectionQuerySet] = ObjectionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering: ClassVar[list[str]] = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.result} · {self.get_state_display()}"
