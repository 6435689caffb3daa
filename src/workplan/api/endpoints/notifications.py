"""Your in-app notifications (personal: nobody else sees them)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router

from workplan.api.endpoints import actor
from workplan.api.pagination import keyset_page
from workplan.api.schemas import DEFAULT_LIMIT, Done, IdCursor, Limit, Out, PathId, responses
from workplan.progress import selectors as progress_selectors
from workplan.progress import services
from workplan.progress.models import Notification, NotificationKind

router = Router(tags=["notifications"])


class NotificationOut(Out):
    id: int
    kind: NotificationKind
    title: str
    body: str
    item_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(Out):
    items: list[NotificationOut]
    next_cursor: str | None


def notification_out(notification: Notification) -> NotificationOut:
    return NotificationOut(
        id=notification.pk,
        kind=NotificationKind(notification.kind),
        title=notification.title,
        body=notification.body,
        item_id=notification.item_id,
        created_at=notification.created_at,
        read_at=notification.read_at,
    )


@router.get(
    "/notifications", response=responses(NotificationPage), summary="Your notifications, newest first"
)
def notification_list(
    request: HttpRequest, unread: bool = False, cursor: IdCursor = None, limit: Limit = DEFAULT_LIMIT
) -> NotificationPage:
    notifications = progress_selectors.notification_list_for_user(user=actor(request), unread=unread)
    rows, next_cursor = keyset_page(notifications, key="id", cursor=cursor, limit=limit, descending=True)
    return NotificationPage(items=[notification_out(n) for n in rows], next_cursor=next_cursor)


@router.post(
    "/notifications/{notification_id}/read",
    response=responses(NotificationOut),
    summary="Mark one notification read",
)
def notification_read(request: HttpRequest, notification_id: PathId) -> NotificationOut:
    user = actor(request)
    notification = progress_selectors.notification_get_for_user(user=user, notification_id=notification_id)
    return notification_out(services.notification_mark_read(actor=user, notification=notification))


@router.post("/notifications/read-all", response=responses(Done), summary="Mark all your notifications read")
def notification_read_all(request: HttpRequest) -> Done:
    return Done(count=services.notification_mark_all_read(actor=actor(request)))
