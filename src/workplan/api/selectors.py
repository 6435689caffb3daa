"""Reads the API needs that the domain apps do not offer (yet); always scoped to the user.

Candidates to move into their apps once the web UI needs them too (see AGENTS.md): the
item filters, the list selectors of assignments, tracks, reports and drafts, the scoped
audit log. Missing and forbidden objects both raise ``NotFound``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from workplan.accounts.models import Unit
from workplan.api.models import ApiToken, ApiTokenQuerySet
from workplan.core.errors import NotFound
from workplan.core.models import AuditEntry
from workplan.permissions import Action
from workplan.plans import selectors as plan_selectors
from workplan.plans.models import (
    Assignment,
    AssignmentQuerySet,
    Deadline,
    ImportDraft,
    ImportDraftQuerySet,
    Plan,
    PlanItem,
    PlanItemQuerySet,
    Target,
)
from workplan.progress.models import (
    Evidence,
    ItemEvent,
    ItemProgress,
    ItemState,
    Notification,
    NotificationQuerySet,
    Occurrence,
    Period,
    ProgressReport,
    ProgressReportQuerySet,
    ReportingCalendar,
    Track,
    TrackQuerySet,
)


def _pk(raw: Any) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise NotFound("not found") from None


# --- tokens ---------------------------------------------------------------------------------


def token_list_for_user(*, user: Any) -> ApiTokenQuerySet:
    """The user's own API tokens (administrators: everyone's), newest first."""
    return ApiToken.objects.visible_to(user).select_related("user")


def token_get_for_user(*, user: Any, token_id: Any) -> ApiToken:
    token = token_list_for_user(user=user).filter(pk=_pk(token_id)).first()
    if token is None:
        raise NotFound("no such API token")
    return token


# --- units ----------------------------------------------------------------------------------


def unit_get_by_id_for_user(*, user: Any, unit_id: Any, action: Action = Action.VIEW) -> Unit:
    """The unit with this id (``accounts.selectors.unit_get_for_user`` finds units by code)."""
    unit: Unit | None = Unit.objects.visible_to(user, action).filter(pk=_pk(unit_id)).first()
    if unit is None:
        raise NotFound("no such unit")
    return unit


def tree_parent_ids(model: type[Model], rows: Iterable[Any], visible: QuerySet[Any]) -> dict[str, int]:
    """{path: id} of the parents of ``rows`` (tree nodes) that ``visible`` holds: one query."""
    steplen: int = getattr(model, "steplen", 4)
    paths = {row.path[:-steplen] for row in rows if row.depth > 1}
    if not paths:
        return {}
    return dict(visible.filter(path__in=paths).values_list("path", "id"))


# --- items ----------------------------------------------------------------------------------


def item_list_for_user(
    *,
    user: Any,
    plan: Plan,
    unit: Unit | None = None,
    include_subunits: bool = False,
    status: str | None = None,
    state: str | None = None,
    due_from: dt.date | None = None,
    due_to: dt.date | None = None,
    text: str | None = None,
    parent: PlanItem | None = None,
    depth: int | None = None,
) -> PlanItemQuerySet:
    """The plan's items the user may see, filtered, in document order, with owners and promises.

    A fixed number of queries whatever the plan's size (see ``plan_items_for_user``); the
    item's progress row comes in the same query.
    """
    items: PlanItemQuerySet = plan_selectors.plan_items_for_user(user=user, plan=plan).select_related(
        "progress"
    )
    if unit is not None:
        owners = Assignment.objects.filter(item_id=OuterRef("pk"))
        owners = (
            owners.filter(unit__path__startswith=unit.path) if include_subunits else owners.filter(unit=unit)
        )
        items = items.filter(Exists(owners))
    if status:
        items = items.filter(status=status)
    if state == ItemState.OPEN:  # no progress row yet, or one still open
        closed = ItemProgress.objects.filter(item_id=OuterRef("pk")).exclude(state=ItemState.OPEN)
        items = items.exclude(Exists(closed))
    elif state:
        items = items.filter(Exists(ItemProgress.objects.filter(item_id=OuterRef("pk"), state=state)))
    if due_from is not None:
        items = items.filter(due_date__gte=due_from)
    if due_to is not None:
        items = items.filter(due_date__lte=due_to)
    if text:
        items = items.filter(
            Q(title__icontains=text) | Q(body__icontains=text) | Q(label__icontains=text) | Q(number=text)
        )
    if parent is not None:
        items = items.filter(path__startswith=parent.path, depth=parent.depth + 1)
    if depth is not None:
        items = items.filter(depth=depth)
    return items


# --- assignments, tracks, reports -----------------------------------------------------------------


def assignment_list_for_user(
    *, user: Any, plan: Plan | None = None, item: PlanItem | None = None, unit: Unit | None = None
) -> AssignmentQuerySet:
    assignments = Assignment.objects.visible_to(user).select_related("unit")
    if plan is not None:
        assignments = assignments.filter(item__plan=plan)
    if item is not None:
        assignments = assignments.filter(item=item)
    if unit is not None:
        assignments = assignments.filter(unit=unit)
    return assignments


def assignment_get_for_user(*, user: Any, assignment_id: Any) -> Assignment:
    assignment = (
        Assignment.objects.visible_to(user)
        .select_related("unit", "item__plan")
        .filter(pk=_pk(assignment_id))
        .first()
    )
    if assignment is None:
        raise NotFound("no such assignment")
    return assignment


def track_list_for_user(
    *,
    user: Any,
    plan: Plan | None = None,
    item: PlanItem | None = None,
    unit: Unit | None = None,
    state: str | None = None,
) -> TrackQuerySet:
    tracks = Track.objects.visible_to(user).select_related("unit")
    if plan is not None:
        tracks = tracks.filter(item__plan=plan)
    if item is not None:
        tracks = tracks.filter(item=item)
    if unit is not None:
        tracks = tracks.filter(unit=unit)
    if state:
        tracks = tracks.filter(state=state)
    return tracks


def report_list_for_user(
    *,
    user: Any,
    plan: Plan | None = None,
    item: PlanItem | None = None,
    unit: Unit | None = None,
    period: Period | None = None,
    status: str | None = None,
) -> ProgressReportQuerySet:
    reports = ProgressReport.objects.visible_to(user).prefetch_related("evidence")
    if plan is not None:
        reports = reports.filter(item__plan=plan)
    if item is not None:
        reports = reports.filter(item=item)
    if unit is not None:
        reports = reports.filter(unit=unit)
    if period is not None:
        reports = reports.filter(period=period)
    if status:
        reports = reports.filter(status=status)
    return reports


# --- import drafts, notifications -----------------------------------------------------------------


def draft_list_for_user(*, user: Any, status: str | None = None) -> ImportDraftQuerySet:
    """The import drafts the user is reviewing (their own; administrators: all)."""
    drafts = ImportDraft.objects.visible_to(user)
    return drafts.filter(status=status) if status else drafts


def notification_list_for_user(*, user: Any, unread: bool = False) -> NotificationQuerySet:
    notifications = Notification.objects.visible_to(user)
    return notifications.unread() if unread else notifications


def notification_get_for_user(*, user: Any, notification_id: Any) -> Notification:
    notification = Notification.objects.visible_to(user).filter(pk=_pk(notification_id)).first()
    if notification is None:
        raise NotFound("no such notification")
    return notification


def remark_get_for_user(*, user: Any, remark_id: Any) -> ItemEvent:
    remark = ItemEvent.objects.visible_to(user).filter(pk=_pk(remark_id)).first()
    if remark is None:
        raise NotFound("no such comment or instruction")
    return remark


# --- the audit log -------------------------------------------------------------------------------

# What a non-administrator may read the history of: these objects, where they may see them.
AUDITED_MODELS: tuple[type[Model], ...] = (
    Unit,
    Plan,
    PlanItem,
    Target,
    Deadline,
    Assignment,
    ImportDraft,
    ReportingCalendar,
    Period,
    ItemProgress,
    Track,
    ProgressReport,
    Evidence,
    ItemEvent,
    Occurrence,
    Notification,
    ApiToken,
)


def audit_list_for_user(
    *,
    user: Any,
    target_type: str | None = None,
    target_id: str | None = None,
    action: str | None = None,
    actor_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[AuditEntry]:
    """Audit entries the user may read: administrators all; others those about objects they see.

    ``target_type`` is ``app_label.model`` (e.g. ``plans.planitem``). Entries about deleted
    objects, users and memberships are for administrators only.
    """
    entries = AuditEntry.objects.visible_to(user).select_related("target_type")
    if target_type:
        app_label, _, model_name = target_type.partition(".")
        entries = entries.filter(target_type__app_label=app_label, target_type__model=model_name)
    if target_id:
        entries = entries.filter(target_id=target_id)
    if action:
        entries = entries.filter(action=action)
    if actor_id is not None:
        entries = entries.filter(actor_id=actor_id)
    if since is not None:
        entries = entries.filter(at__gte=since)
    if until is not None:
        entries = entries.filter(at__lt=until)
    return entries
