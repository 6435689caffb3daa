"""In-app notifications."""

from __future__ import annotations

from typing import Any

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
