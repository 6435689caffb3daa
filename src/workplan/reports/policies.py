"""Permission policies of reports: seen with the plan, changed by the plan's planners."""

from __future__ import annotations

from workplan.core.policy import register
from workplan.progress.policies import OfPlanPolicy
from workplan.reports.models import GeneratedDocument, GoodPractice, ReportWording


@register
class GoodPracticePolicy(OfPlanPolicy):
    """Marking a report as good practice is a plan edit; everyone who sees the plan sees the mark."""

    model = GoodPractice


@register
class GeneratedDocumentPolicy(OfPlanPolicy):
    """The record of a generation is seen by the plan's readers; only planners change plans' rows."""

    model = GeneratedDocument


@register
class ReportWordingPolicy(OfPlanPolicy):
    """The plan's document wording: read with the plan, reworded by its planners."""

    model = ReportWording
