"""Reads of the messaging channels, always scoped (administrators see robots and deliveries)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from workplan.channels.models import Delivery, DigestFrequency, MailPreference, WebhookEndpoint
from workplan.core.errors import NotFound


def endpoint_list(*, user: Any) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.visible_to(user).select_related("unit", "plan").order_by("name", "id")


def endpoint_get_for_user(*, user: Any, endpoint_id: int) -> WebhookEndpoint:
    endpoint = endpoint_list(user=user).filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound("no such group robot")
    return endpoint


def delivery_list(
    *, user: Any, endpoint: WebhookEndpoint | None = None, state: str = ""
) -> QuerySet[Delivery]:
    rows = Delivery.objects.visible_to(user).order_by("-id")
    if endpoint is not None:
        rows = rows.filter(endpoint=endpoint)
    if state:
        rows = rows.filter(state=state)
    return rows


def mail_frequency_of(*, user: Any) -> str:
    row = MailPreference.objects.visible_to(user).filter(user_id=user.pk).first()
    return row.frequency if row is not None else DigestFrequency.IMMEDIATE
