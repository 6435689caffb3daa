"""In-app notifications."""

from __future__ import annotations

from typing import Any

from workplan.core.errors import NotFound, pk_or_not_found
from workplan.progress.models import (
    Notification,
    NotificationQuerySet,
)


def notification_unread(*, user: Any) -> NotificationQuerySet:
    return (
        Notification.objects.visible_to(user).unread().select_related("item").order_by("-created_at", "-id")
    )


def notification_unread_count(*, user: Any) -> int:
    return Notification.objects.visible_to(user).unread().count()


def notification_list(*, user: Any, limit: int = 50) -> list[Notification]:
    return list(
        Notification.objects.visible_to(user).select_related("item").order_by("-created_at", "-id")[:limit]
    )


def notification_list_for_user(*, user: Any, unread: bool = False) -> NotificationQuerySet:
    notifications = Notification.objects.visible_to(user)
    return notifications.unread() if unread else notifications


def notification_get_for_user(*, user: Any, notification_id: Any) -> Notification:
    notification = Notification.objects.visible_to(user).filter(pk=pk_or_not_found(notification_id)).first()
    if notification is None:
        raise NotFound("no such notification")
    return notification
