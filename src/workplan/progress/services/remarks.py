"""Leaders' instructions (批示) and comments on an item."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from workplan import permissions
from workplan.accounts.models import Unit
from workplan.core import audit
from workplan.core.errors import Invalid
from workplan.permissions import Action
from workplan.plans.models import Assignment, PlanItem
from workplan.progress import notify
from workplan.progress.models import (
    EventKind,
    ItemEvent,
    NotificationKind,
)
from workplan.progress.services._common import (
    REPORTING_ROLES,
    _event,
    _planners_of,
)


def _owning_units(item: PlanItem) -> list[Unit]:
    return [
        a.unit
        for a in Assignment.objects.filter(item=item, role__in=REPORTING_ROLES)
        .select_related("unit")
        .order_by("id")
    ]


def _display_name(actor: Any) -> str:
    full_name = getattr(actor, "get_full_name", None)
    return (full_name() if callable(full_name) else "") or str(actor)


def _remark(*, actor: Any, item: PlanItem, text: str, kind: str, audit_action: str) -> ItemEvent:
    text = (text or "").strip()
    if not text:
        raise Invalid("the text is empty", details={"text": ["required"]})
    event = _event(actor=actor, item=item, kind=kind, text=text)
    audit.record(actor=actor, action=audit_action, target=event, after=audit.snapshot(event))
    recipients = [u for unit in _owning_units(item) for u in notify.reporters_of(unit)]
    if kind == EventKind.COMMENT:
        recipients += _planners_of(item.plan)
    notify.notify(
        recipients=[u for u in recipients if u.pk != getattr(actor, "pk", None)],
        kind=NotificationKind.INSTRUCTION if kind == EventKind.INSTRUCTION else NotificationKind.COMMENT,
        title=lambda: (
            (
                gettext("Instruction: %(item)s")
                if kind == EventKind.INSTRUCTION
                else gettext("Comment: %(item)s")
            )
            % {"item": item}
        ),
        body=f"{_display_name(actor)}: {text}",
        item=item,
        units=_owning_units(item),
    )
    return event


@transaction.atomic
def instruction_create(*, actor: Any, item: PlanItem, text: str) -> ItemEvent:
    """A leader's written instruction on an item (批示); the owning units are notified."""
    permissions.require(actor, Action.VIEW, item)
    permissions.require(
        actor,
        Action.INSTRUCT,
        item,
        gettext("Only leaders over the plan or its units may write instructions."),
    )
    return _remark(
        actor=actor, item=item, text=text, kind=EventKind.INSTRUCTION, audit_action="instruction.created"
    )


@transaction.atomic
def comment_create(*, actor: Any, item: PlanItem, text: str) -> ItemEvent:
    """A comment on an item by its planners, its units' reporters or a leader over it."""
    permissions.require(actor, Action.VIEW, item)
    permissions.require(
        actor,
        Action.COMMENT,
        item,
        gettext("Only the item's planners, its units and leaders may comment on it."),
    )
    return _remark(actor=actor, item=item, text=text, kind=EventKind.COMMENT, audit_action="comment.created")
