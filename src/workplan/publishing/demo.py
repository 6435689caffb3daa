"""The demo's public page: the seed plan published, with a few accepted narratives made public."""

from __future__ import annotations

from typing import Any

from workplan.plans.models import Plan
from workplan.progress.models import ProgressReport, ReportStatus
from workplan.publishing import services
from workplan.publishing.models import Publication

DEMO_NARRATIVES = 5


def demo_publish(actor: Any, plan: Plan) -> None:
    """Publish the seed plan once (an unpublished demo stays unpublished) and make the narratives
    of a few accepted reports public, one per item, newest period first."""
    if Publication.objects.filter(plan=plan).exists():
        return
    services.publication_publish(actor=actor, plan=plan)
    accepted = (
        ProgressReport.objects.filter(item__plan=plan, status=ReportStatus.ACCEPTED)
        .exclude(narrative="")
        .select_related("item__plan")
        .order_by("-period__index", "item__path")
    )
    seen: set[int] = set()
    for report in accepted:
        if report.item_id in seen:
            continue
        seen.add(report.item_id)
        services.narrative_publish(actor=actor, report=report)
        if len(seen) >= DEMO_NARRATIVES:
            break
