"""Called by ``progress.notify`` inside the service's transaction: which group robots hear of a
notification (a Delivery row and a ``channels.deliver`` task each), and which recipients want
their e-mail as a digest instead of one message per event.

Writes no audit rows of its own: the service that caused the message audits the change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from workplan.channels.models import Delivery, DigestFrequency, MailPreference, WebhookEndpoint
from workplan.core import clock
from workplan.tasks import queue

# Kinds the scheduled tick sends: a robot hears each of them once a day, however many of the
# unit's people the reminder went to.
DAILY_KINDS = {"due_soon", "overdue", "escalation"}


def wants_digest(user_ids: Iterable[int]) -> set[int]:
    """The users among ``user_ids`` who chose a daily or weekly digest."""
    ids = [i for i in user_ids if i is not None]
    if not ids:
        return set()
    return set(
        MailPreference.objects.filter(user_id__in=ids)
        .exclude(frequency=DigestFrequency.IMMEDIATE)
        .values_list("user_id", flat=True)
    )


def link_for(*, item: object | None = None, plan: object | None = None) -> str:
    """The absolute URL of the item (or plan) page, from WORKPLAN_SITE_URL."""
    base = str(getattr(settings, "WORKPLAN_SITE_URL", "")).rstrip("/")
    if item is not None:
        return base + reverse("web:item_detail", args=[item.pk])  # type: ignore[attr-defined]
    if plan is not None:
        return base + reverse("web:plan_detail", args=[plan.pk])  # type: ignore[attr-defined]
    return base + "/" if base else ""


def queue_deliveries(
    *,
    kind: str,
    title: str | Callable[[], str],
    body: str | Callable[[], str],
    item: object | None,
    units: Iterable[object] = (),
    plan: object | None = None,
) -> list[Delivery]:
    """One Delivery per active robot of ``units`` or ``plan`` that listens to ``kind``."""
    unit_ids = {u.pk for u in units if u is not None}  # type: ignore[attr-defined]
    plan = plan if plan is not None else getattr(item, "plan", None)
    where = Q(unit_id__in=unit_ids) if unit_ids else Q(pk__in=[])
    if plan is not None:
        where |= Q(plan_id=getattr(plan, "pk", None))
    endpoints = [e for e in WebhookEndpoint.objects.filter(where, active=True) if kind in (e.kinds or [])]
    if not endpoints:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        title_text = str(title() if callable(title) else title)[:300]
        body_text = str(body() if callable(body) else body)
    link = link_for(item=item, plan=plan)
    fingerprint = ""
    if kind in DAILY_KINDS:
        key = f"{kind}|{getattr(item, 'pk', '')}|{title_text}|{body_text}|{clock.today().isoformat()}"
        fingerprint = hashlib.sha256(key.encode()).hexdigest()
    made: list[Delivery] = []
    for endpoint in endpoints:
        row = Delivery(
            endpoint=endpoint,
            platform=endpoint.platform,
            endpoint_name=endpoint.name,
            kind=kind,
            title=title_text,
            text=body_text,
            link=link[:500],
            fingerprint=fingerprint,
            created_at=clock.now(),
        )
        try:
            with transaction.atomic():  # a savepoint: a second tick's duplicate is skipped, not fatal
                row.save(force_insert=True)
        except IntegrityError:
            continue
        made.append(row)
        enqueue_delivery(row)
    return made


def enqueue_delivery(row: Delivery) -> None:
    """The task that sends ``row``; run off the request (see ``tasks.engines``)."""
    task = queue.enqueue("channels.deliver", {"delivery": row.pk}, background=True)
    Delivery.objects.filter(pk=row.pk).update(task=task)
    row.task = task
