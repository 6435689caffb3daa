"""The item timeline, instructions and comments, and the warnings raised."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from workplan.accounts.models import Unit
from workplan.core.errors import NotFound, pk_or_not_found
from workplan.plans.models import Plan, PlanItem
from workplan.progress.models import (
    Escalation,
    EventKind,
    ItemEvent,
)


def item_timeline(*, user: Any, item: PlanItem) -> list[ItemEvent]:
    """Every stamped step of the item, oldest first: 交办, 签收, 办理, 反馈, 审核, 办结, warnings,
    instructions and comments (raises NotFound when the user may not see the item)."""
    if not PlanItem.objects.visible_to(user).filter(pk=item.pk).exists():
        raise NotFound("no such item")
    return list(
        ItemEvent.objects.visible_to(user)
        .filter(item=item)
        .select_related("actor", "unit", "report__period")
        .order_by("at", "id")
    )


def item_remarks(*, user: Any, item: PlanItem) -> list[ItemEvent]:
    """The leaders' instructions (批示) and the comments on the item, oldest first."""
    return [
        e for e in item_timeline(user=user, item=item) if e.kind in (EventKind.INSTRUCTION, EventKind.COMMENT)
    ]


def escalation_list(
    *, user: Any, plan: Plan | None = None, unit: Unit | None = None, item: PlanItem | None = None
) -> QuerySet[Escalation]:
    """The supervision warnings the user may see, newest first (assessment reads these)."""
    warnings = Escalation.objects.visible_to(user).select_related("item__plan", "unit", "track")
    if plan is not None:
        warnings = warnings.filter(item__plan=plan)
    if unit is not None:
        warnings = warnings.filter(unit=unit)
    if item is not None:
        warnings = warnings.filter(item=item)
    return warnings.order_by("-raised_at", "-id")


def remark_get_for_user(*, user: Any, remark_id: Any) -> ItemEvent:
    remark = ItemEvent.objects.visible_to(user).filter(pk=pk_or_not_found(remark_id)).first()
    if remark is None:
        raise NotFound("no such comment or instruction")
    return remark
