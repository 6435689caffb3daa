"""In-app notifications: marking them read."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from workplan.core import audit, clock
from workplan.core.errors import NotFound
from workplan.progress.models import (
    Notification,
)


@transaction.atomic
def notification_mark_read(*, actor: Any, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read."""
    if not Notification.objects.visible_to(actor).filter(pk=notification.pk).exists():
        raise NotFound("no such notification")
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
        audit.record(actor=actor, action="notification.read", target=notification)
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: Any) -> int:
    """Mark all of the actor's unread notifications read; returns how many."""
    count = Notification.objects.visible_to(actor).unread().update(read_at=clock.now())
    audit.record(actor=actor, action="notification.read_all", target=None, after={"count": count})
    return count
