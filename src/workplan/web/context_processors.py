"""Values every page's navigation needs (computed lazily, only for signed-in users).

The navigation shows a link only to those whose permission policy allows what it leads to;
the template reads these flags and never decides itself.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from workplan import permissions
    from workplan.accounts.models import Unit
    from workplan.core.policy import Action
    from workplan.progress.selectors import notification_unread_count

    return {
        "unread_notifications": SimpleLazyObject(lambda: notification_unread_count(user=user)),
        "can_manage_users": SimpleLazyObject(lambda: permissions.is_admin(user)),
        "can_read_audit_log": SimpleLazyObject(lambda: permissions.may_read_audit_log(user)),
        "can_import": SimpleLazyObject(lambda: Unit.objects.visible_to(user, Action.PLAN).exists()),
    }
