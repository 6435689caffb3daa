"""What a planner made public: a plan (whole, or chosen top-level parts), report narratives and
evidence files."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplan.core.models import TimestampedModel
from workplan.core.policy import ScopedQuerySetMixin
from workplan.plans.models import Plan, PlanItem
from workplan.progress.models import Evidence, ProgressReport

USER = settings.AUTH_USER_MODEL


class PublicationQuerySet(ScopedQuerySetMixin, models.QuerySet["Publication"]):
    """Scoped by the model's policy (``visible_to``)."""


class Publication(TimestampedModel):
    """A plan's public page (``/public/plans/<id>/``): one row per plan, kept when unpublished.

    ``parts`` empty = the whole plan; otherwise only those top-level parts (and everything
    under them) are public. ``is_active`` false = unpublished (the row keeps who and when).
    """

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="publication")
    is_active = models.BooleanField(_("published"), default=True)
    parts = models.ManyToManyField(PlanItem, blank=True, related_name="+", verbose_name=_("published parts"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    unpublished_at = models.DateTimeField(_("unpublished at"), null=True, blank=True)
    unpublished_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects: ClassVar[PublicationQuerySet] = PublicationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering: ClassVar[list[str]] = ["-published_at", "id"]

    def __str__(self) -> str:
        return f"{self.plan}"


class PublicNarrativeQuerySet(ScopedQuerySetMixin, models.QuerySet["PublicNarrative"]):
    """Scoped by the model's policy (``visible_to``)."""


class PublicNarrative(models.Model):
    """An accepted report whose narrative the reviewing planner chose to show on the public page.

    Only the narrative text and its period are shown, never the author, the unit's people or
    the evidence; a report returned after the choice is no longer shown (only accepted ones are).
    """

    report = models.OneToOneField(ProgressReport, on_delete=models.CASCADE, related_name="public_narrative")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    objects: ClassVar[PublicNarrativeQuerySet] = PublicNarrativeQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("public narrative")
        verbose_name_plural = _("public narratives")
        ordering: ClassVar[list[str]] = ["published_at", "id"]

    def __str__(self) -> str:
        return f"{self.report}"


class PublicEvidenceQuerySet(ScopedQuerySetMixin, models.QuerySet["PublicEvidence"]):
    """Scoped by the model's policy (``visible_to``)."""


class PublicEvidence(models.Model):
    """An evidence file of an accepted report that a planner chose to offer on the public page.

    The page lists it by file name and size (never who uploaded it) and serves it at
    ``/public/plans/<plan>/evidence/<evidence>/``; a report returned after the choice no longer
    shows its files (only accepted ones are public). ``plan`` is the report's item's plan, kept
    here so that the row is scoped like the plan's other publishing rows.
    """

    evidence = models.OneToOneField(Evidence, on_delete=models.CASCADE, related_name="public_evidence")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    objects: ClassVar[PublicEvidenceQuerySet] = PublicEvidenceQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("public evidence file")
        verbose_name_plural = _("public evidence files")
        ordering: ClassVar[list[str]] = ["published_at", "id"]

    def __str__(self) -> str:
        return f"{self.evidence}"
