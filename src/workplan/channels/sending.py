"""One attempt at sending a Delivery, and recording a failed one (the task runner retries)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext

from workplan.channels import crypto, platforms, safety
from workplan.channels.models import Delivery, DeliveryState
from workplan.core import clock
from workplan.core.errors import Invalid


class DeliveryFailed(Exception):
    """The robot did not take the message; the task runner retries, then gives up."""

    def __init__(self, message: str, *, status_code: int | None = None, error_code: str = "") -> None:
        super().__init__(message)
        self.status_code = status_code
        self.error_code = error_code


def attempt(delivery_id: int) -> str:
    """Send delivery ``delivery_id`` once; raises :class:`DeliveryFailed` when it did not go."""
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    if delivery.state == DeliveryState.SENT:
        return "already sent"
    endpoint = delivery.endpoint
    if endpoint is None or not endpoint.active:
        raise DeliveryFailed("the group robot was removed or switched off")
    try:
        url = crypto.unseal(endpoint.url_encrypted)
        secret = crypto.unseal(endpoint.secret_encrypted)
    except crypto.SecretUnreadable as error:
        raise DeliveryFailed(str(error)) from None
    with translation.override(settings.LANGUAGE_CODE):
        label = gettext("Open in workplan")
    message = platforms.Message(
        title=delivery.title, text=delivery.text, link=delivery.link, link_label=label
    )
    final_url, body = platforms.build(endpoint.platform, url, secret, message, now=time.time())
    try:
        status, answer = safety.post_json(final_url, body)
    except Invalid as error:
        raise DeliveryFailed(f"refused: {error.message}") from None
    except OSError as error:  # timeouts, refused connections, TLS errors
        raise DeliveryFailed(f"{type(error).__name__}: {error}") from None
    outcome = platforms.interpret(endpoint.platform, status, answer)
    if not outcome.ok:
        raise DeliveryFailed(outcome.error, status_code=status, error_code=outcome.error_code)
    now = clock.now()
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.SENT,
        attempts=F("attempts") + 1,
        status_code=status,
        error_code="",
        error="",
        last_attempt_at=now,
        sent_at=now,
    )
    return f"sent to {endpoint.name}"


def record_failure(*, arguments: dict[str, Any], error: Exception, final: bool) -> None:
    """After a failed attempt: its status, the platform's code, retrying or failed."""
    Delivery.objects.filter(pk=int(arguments.get("delivery") or 0)).exclude(state=DeliveryState.SENT).update(
        state=DeliveryState.FAILED if final else DeliveryState.RETRYING,
        attempts=F("attempts") + 1,
        status_code=getattr(error, "status_code", None),
        error_code=getattr(error, "error_code", ""),
        error=str(error)[:2000],
        last_attempt_at=clock.now(),
    )
