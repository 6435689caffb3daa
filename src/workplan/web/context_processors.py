"""Values every page's navigation needs (one small query, only for signed-in users)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from workplan.progress.selectors import notification_unread_count

    return {"unread_notifications": SimpleLazyObject(lambda: notification_unread_count(user=user))}
