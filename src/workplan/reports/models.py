"""Good-practice marks on accepted reports, and the record of every generated document."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplan.core.models import TimestampedModel
from workplan.core.policy import ScopedQuerySetMixin
from workplan.plans.models import Plan
from workplan.progress.models import Period, ProgressReport
from workplan.tasks.models import task_link

USER = settings.AUTH_USER_MODEL


class GoodPracticeQuerySet(ScopedQuerySetMixin, models.QuerySet["GoodPractice"]):
    """Scoped by the model's policy (``visible_to``)."""


class GoodPractice(models.Model):
    """An accepted report the planner marked as an example (典型经验) for the bulletin."""

    report = models.OneToOneField(ProgressReport, on_delete=models.CASCADE, related_name="good_practice")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("why it is an example"), max_length=300, blank=True)
    marked_at = models.DateTimeField(_("marked at"))
    marked_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    objects: ClassVar[GoodPracticeQuerySet] = GoodPracticeQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practice")
        ordering: ClassVar[list[str]] = ["marked_at", "id"]

    def __str__(self) -> str:
        return f"{self.report}"


class DocumentKind(models.TextChoices):
    BULLETIN = "bulletin", _("progress bulletin")
    SUMMARY = "summary", _("annual summary")


class DocumentFormat(models.TextChoices):
    DOCX = "docx", "Word (.docx)"
    XLSX = "xlsx", "Excel (.xlsx)"
    PDF = "pdf", "PDF"
    HTML = "html", "HTML"


class GeneratedDocumentQuerySet(ScopedQuerySetMixin, models.QuerySet["GeneratedDocument"]):
    """Scoped by the model's policy (``visible_to``)."""


class GeneratedDocument(models.Model):
    """One generation of a bulletin or summary: who, when, with which inputs and figures.

    ``inputs`` holds what was asked (period, year, format, the as-of date, the data's state:
    counts and the newest change); ``figures`` the headline figures with the ids of the rows
    behind each one, so the document can be checked and regenerated as it was. A document asked
    for on the web page or with ``POST /documents`` is made by its ``task`` and kept in ``file``
    (through the storage, so any app host serves it); its state is the task's.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    format = models.CharField(_("format"), max_length=5, choices=DocumentFormat.choices)
    period = models.ForeignKey(Period, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    year = models.PositiveIntegerField(_("year"))
    created_at = models.DateTimeField(_("generated at"))
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    inputs = models.JSONField(_("inputs"), default=dict)
    figures = models.JSONField(_("figures"), default=dict)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    seconds = models.FloatField(_("generation time (s)"), default=0)
    # Made by a background task (reports.generate): the file is stored once it is done.
    task = task_link()
    file = models.FileField(_("file"), upload_to="documents/%Y/", blank=True)

    objects: ClassVar[GeneratedDocumentQuerySet] = GeneratedDocumentQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["plan", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.plan} · {self.format}"

    def download_name(self) -> str:
        """The file's name for a download: bulletin-12-2019-06.docx, summary-12-2019.pdf."""
        return f"{self.kind}-{self.plan_id}-{self.period.label if self.period else self.year}.{self.format}"


class ReportWordingQuerySet(ScopedQuerySetMixin, models.QuerySet["ReportWording"]):
    """Scoped by the model's policy (``visible_to``)."""


class ReportWording(TimestampedModel):
    """The office's own wording for a plan's documents: title, issuer, number (文号), and the
    fixed sentences, each a template with placeholders (see ``reports.wording``). Keys left
    out use the default wording."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="report_wording")
    values = models.JSONField(_("wording"), default=dict)

    objects: ClassVar[ReportWordingQuerySet] = ReportWordingQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("report wording")
        verbose_name_plural = _("report wording")

    def __str__(self) -> str:
        return f"{self.plan}"
