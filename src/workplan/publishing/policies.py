"""Permission policies of publishing: seen with the plan, changed (published) by its planners."""

from __future__ import annotations

from workplan.core.policy import register
from workplan.progress.policies import OfPlanPolicy
from workplan.publishing.models import Publication, PublicEvidence, PublicNarrative


@register
class PublicationPolicy(OfPlanPolicy):
    """Publishing a plan is a plan edit; everyone who sees the plan sees whether it is public."""

    model = Publication


@register
class PublicNarrativePolicy(OfPlanPolicy):
    """Making a narrative public is a plan edit (the reviewing planner's choice)."""

    model = PublicNarrative


@register
class PublicEvidencePolicy(OfPlanPolicy):
    """Offering an evidence file on the public page is a plan edit (the planner's choice)."""

    model = PublicEvidence
