"""Reads of the reports app: the documents as :class:`~workplan.reports.document.Doc`, the records."""

from __future__ import annotations

from typing import Any

from workplan.core.errors import NotFound, pk_or_not_found
from workplan.permissions import Action
from workplan.plans.models import Plan
from workplan.progress.models import Period, ProgressReport, ReportStatus
from workplan.reports.models import GeneratedDocument, GoodPractice, ReportWording
from workplan.reports.selectors.bulletin import bulletin, period_rows
from workplan.reports.selectors.common import period_label, period_of_plan
from workplan.reports.selectors.summary import item_facts, summary


def template_values(*, plan: Plan) -> dict[str, str]:
    """The plan's reworded sentences and title block (keys left out use the defaults)."""
    row = ReportWording.objects.filter(plan=plan).only("values").first()
    return {str(k): str(v) for k, v in (row.values if row else {}).items()}


def wording_for_user(*, user: Any, plan: Plan) -> tuple[dict[str, str], int]:
    """The plan's wording as the user may read it, with its version (0: never reworded)."""
    row = ReportWording.objects.visible_to(user).filter(plan=plan).first()
    return ({str(k): str(v) for k, v in row.values.items()} if row else {}), (row.version if row else 0)


def document_list(*, user: Any, plan: Plan, limit: int = 20) -> list[GeneratedDocument]:
    """The plan's latest generated documents, newest first."""
    return list(
        GeneratedDocument.objects.visible_to(user)
        .filter(plan=plan)
        .select_related("created_by", "period", "task")
        .order_by("-created_at", "-id")[:limit]
    )


def document_get_for_user(*, user: Any, document_id: Any) -> GeneratedDocument:
    """One generated document's record (the plan's readers see it)."""
    try:
        row: GeneratedDocument = (
            GeneratedDocument.objects.visible_to(user)
            .select_related("created_by", "period", "task")
            .get(pk=pk_or_not_found(document_id))
        )
    except GeneratedDocument.DoesNotExist:
        raise NotFound("no such document") from None
    return row


def document_file_for_user(*, user: Any, document_id: Any) -> GeneratedDocument:
    """A made document whose file ``user`` may download: only who asked for it, since it shows
    the plan as they see it. Missing, forbidden and not yet made all raise NotFound."""
    row = document_get_for_user(user=user, document_id=document_id)
    if row.created_by_id != getattr(user, "pk", None) or not row.file:
        raise NotFound("no such document file")
    return row


def good_practice_ids(*, user: Any, plan: Plan) -> set[int]:
    """The ids of the plan's reports marked as good practice."""
    return set(GoodPractice.objects.visible_to(user).filter(plan=plan).values_list("report_id", flat=True))


__all__ = [
    "accepted_reports",
    "bulletin",
    "document_list",
    "good_practice_ids",
    "item_facts",
    "latest_reported_period",
    "mark_get_for_user",
    "period_label",
    "period_of_plan",
    "period_rows",
    "summary",
    "template_values",
    "wording_for_user",
]


def accepted_reports(
    *, user: Any, plan: Plan, period: Period | None, limit: int = 200
) -> list[ProgressReport]:
    """The period's accepted reports (candidates for good practice), in document order."""
    if period is None:
        return []
    return list(
        ProgressReport.objects.visible_to(user)
        .filter(item__plan=plan, period=period, status=ReportStatus.ACCEPTED)
        .select_related("item", "unit")
        .order_by("item__path", "unit__path")[:limit]
    )


def latest_reported_period(*, user: Any, plan: Plan, accepted: bool = False) -> Period | None:
    """The last period with a submitted (or an ``accepted``) report."""
    reports = ProgressReport.objects.visible_to(user).filter(item__plan=plan, submitted_at__isnull=False)
    if accepted:
        reports = reports.filter(status=ReportStatus.ACCEPTED)
    report = reports.select_related("period").order_by("-period__index").only("id", "period").first()
    return report.period if report else None


def mark_get_for_user(*, user: Any, report_id: Any, action: Action = Action.VIEW) -> GoodPractice:
    """The good-practice mark on a report, if ``user`` may see (or change) it."""
    try:
        return (
            GoodPractice.objects.visible_to(user, action)
            .select_related("plan")
            .get(report_id=pk_or_not_found(report_id))
        )
    except GoodPractice.DoesNotExist:
        raise NotFound("no such mark") from None
