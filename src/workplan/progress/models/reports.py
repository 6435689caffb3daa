"""Progress reports and their evidence files."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplan.accounts.models import Unit
from workplan.core.models import TimestampedModel
from workplan.core.policy import ScopedQuerySetMixin
from workplan.plans.models import PlanItem
from workplan.progress.models.calendar import Period
from workplan.progress.models.chain import Track

USER = settings.AUTH_USER_MODEL


class SelfStatus(models.TextChoices):
    ON_TRACK = "on_track", _("on track")
    AT_RISK = "at_risk", _("at risk")
    BEHIND = "behind", _("behind")
    DONE = "done", _("done")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("returned")


class ProgressReportQuerySet(ScopedQuerySetMixin, models.QuerySet["ProgressReport"]):
    """Scoped by the model's policy (``visible_to``)."""


class ProgressReport(TimestampedModel):
    """A unit's report on one item for one period (反馈): narrative, percent, evidence.

    ``item`` and ``unit`` repeat the track's so that scoping is one join-free filter.
    A returned report is edited and submitted again; an accepted one is final.
    """

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="reports")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="reports")
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    narrative = models.TextField(_("progress"), blank=True)
    percent = models.PositiveSmallIntegerField(
        _("percent complete"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    self_status = models.CharField(
        _("self-assessed status"), max_length=10, choices=SelfStatus.choices, default=SelfStatus.ON_TRACK
    )
    status = models.CharField(
        _("review status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    review_note = models.TextField(_("review note or reason for return"), blank=True)

    objects: ClassVar[ProgressReportQuerySet] = ProgressReportQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["track", "period"], name="report_one_per_track_period")
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["item", "period"]),
            models.Index(fields=["unit", "status"]),
            # The review queue: reports awaiting review, oldest first, a page at a time.
            models.Index(
                fields=["submitted_at", "id"],
                condition=models.Q(status="submitted"),
                name="report_awaiting_review",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.unit} · {self.period}"


class ReportTally(models.Model):
    """The reports of one unit in one period, counted: the dashboard's trend sums these rows
    (a few per unit) instead of reading every report of the plan (issue #16).

    Counts the reports submitted at least once (``submitted_at`` set), as the trend does:
    ``reports``, ``accepted``, ``returned``, and ``percent_sum`` / ``percent_count`` over those
    not returned. Written only by ``progress.rollup_state``, in the transaction of each report
    write; a pair without such reports has no row. Internal state, read by selectors only.
    """

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    reports = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    percent_sum = models.PositiveBigIntegerField(default=0)
    percent_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("report tally")
        verbose_name_plural = _("report tallies")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["period", "unit"], name="report_tally_one_per_period_unit")
        ]

    def __str__(self) -> str:
        return f"{self.period_id} · {self.unit_id}: {self.reports}"


class EvidenceQuerySet(ScopedQuerySetMixin, models.QuerySet["Evidence"]):
    """Scoped by the model's policy (``visible_to``)."""


class Evidence(TimestampedModel):
    """A file attached to a report, stored once by its SHA-256 in the ``evidence`` storage.

    ``kind`` and ``content_type`` come from the file's bytes (magic numbers), not its name.
    """

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    kind = models.CharField(_("file type"), max_length=10)
    content_type = models.CharField(_("content type"), max_length=100)
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    objects: ClassVar[EvidenceQuerySet] = EvidenceQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering: ClassVar[list[str]] = ["report", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["report", "sha256"], name="evidence_once_per_report")
        ]

    def __str__(self) -> str:
        return self.original_name
