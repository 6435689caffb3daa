"""Reads of supervision notices, extension requests and occurrences to mark met."""

from __future__ import annotations

from typing import Any

from workplan.core.errors import NotFound
from workplan.permissions import Action
from workplan.plans.models import PlanItem
from workplan.progress.models import (
    ExtensionRequest,
    ExtensionState,
    NoticeState,
    Occurrence,
    ProgressReport,
    ReportStatus,
    SupervisionNotice,
)


def notice_list(
    *, user: Any, item: PlanItem | None = None, open_only: bool = False
) -> list[SupervisionNotice]:
    """Notices the user may see (on ``item``), oldest first; ``open_only``: not yet lifted."""
    notices = SupervisionNotice.objects.visible_to(user).select_related("unit", "item__plan", "track")
    if item is not None:
        notices = notices.filter(item=item)
    if open_only:
        notices = notices.exclude(state=NoticeState.LIFTED)
    return list(notices.order_by("issued_at", "id"))


def notices_to_answer(*, user: Any) -> list[SupervisionNotice]:
    """Open notices to units the user reports for (My tasks)."""
    notices = SupervisionNotice.objects.visible_to(user, Action.EDIT).exclude(state=NoticeState.LIFTED)
    return list(notices.select_related("unit", "item__plan").order_by("reply_due", "id"))


def notice_get_for_user(*, user: Any, notice_id: Any, action: Action = Action.VIEW) -> SupervisionNotice:
    try:
        notice: SupervisionNotice = (
            SupervisionNotice.objects.visible_to(user, action)
            .select_related("track", "item__plan", "unit")
            .get(pk=int(notice_id))
        )
    except (SupervisionNotice.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("no such notice") from None
    return notice


def extension_list(
    *, user: Any, item: PlanItem | None = None, pending_only: bool = False
) -> list[ExtensionRequest]:
    """Extension requests the user may see (on ``item``), oldest first."""
    extensions = ExtensionRequest.objects.visible_to(user).select_related("unit", "item__plan", "track")
    if item is not None:
        extensions = extensions.filter(item=item)
    if pending_only:
        extensions = extensions.filter(state=ExtensionState.PENDING)
    return list(extensions.order_by("requested_at", "id"))


def extension_get_for_user(*, user: Any, extension_id: Any) -> ExtensionRequest:
    try:
        extension: ExtensionRequest = (
            ExtensionRequest.objects.visible_to(user)
            .select_related("track", "item__plan", "unit")
            .get(pk=int(extension_id))
        )
    except (ExtensionRequest.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("no such extension request") from None
    return extension


def occurrence_get_for_user(*, user: Any, occurrence_id: Any) -> Occurrence:
    try:
        occurrence: Occurrence = (
            Occurrence.objects.visible_to(user).select_related("item__plan").get(pk=int(occurrence_id))
        )
    except (Occurrence.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("no such occurrence") from None
    return occurrence


def reports_meeting_candidates(*, user: Any, item: PlanItem) -> list[ProgressReport]:
    """Submitted or accepted reports on ``item`` that could meet one of its occurrences."""
    reports = ProgressReport.objects.visible_to(user).filter(
        item=item, status__in=(ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
    )
    return list(reports.select_related("period", "unit").order_by("period__index", "id"))
