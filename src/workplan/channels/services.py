"""Writes of the messaging channels: group robots (administrators), a test message, each
user's mail preference, and the digests sent from the scheduled tick. Each is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from workplan.channels import crypto, fanout, safety
from workplan.channels.models import (
    Delivery,
    DigestFrequency,
    MailPreference,
    Platform,
    WebhookEndpoint,
)
from workplan.core import audit, clock
from workplan.core.errors import Invalid
from workplan.core.policy import Action, policy_for
from workplan.permissions import require_admin
from workplan.progress.models import Notification, NotificationKind
from workplan.tasks import queue

# What a new robot hears about unless told otherwise: the five kinds of news.
DEFAULT_KINDS = ("assigned", "due_soon", "overdue", "escalation", "returned", "instruction")
AUDITED = ("name", "platform", "unit", "plan", "url_hint", "secret_hint", "kinds", "active")
MAX_NAME = 200
MAX_SECRET = 200


def _url_hint(url: str) -> str:
    target = safety.check_url(url, resolve=False)
    return f"{target.scheme}://{target.host}/{crypto.hint(url)}"[:300]


def _clean_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip() or "\x00" in name:
        raise Invalid(_("Give the robot a name."), details={"name": [_("required")]})
    if len(name.strip()) > MAX_NAME:
        raise Invalid(_("The name is too long."), details={"name": [_("too long")]})
    return name.strip()


def _clean_secret(secret: Any) -> str:
    if not isinstance(secret, str) or len(secret) > MAX_SECRET or any(ord(c) < 32 for c in secret):
        raise Invalid(_("The signing secret is not valid."), details={"secret": [_("invalid")]})
    return secret.strip()


def _clean_kinds(kinds: Any) -> list[str]:
    valid = set(NotificationKind.values)
    if not isinstance(kinds, list | tuple) or not all(isinstance(k, str) and k in valid for k in kinds):
        raise Invalid(_("Unknown notification kind."), details={"kinds": [_("invalid")]})
    if not kinds:
        raise Invalid(_("Choose at least one kind of notification."), details={"kinds": [_("required")]})
    return sorted(set(kinds))


def _clean_platform(platform: Any) -> str:
    if platform not in Platform.values:
        raise Invalid(_("Unknown platform."), details={"platform": [_("invalid")]})
    return str(platform)


@transaction.atomic
def endpoint_create(
    *,
    actor: Any,
    name: str,
    platform: str,
    url: str,
    secret: str = "",
    unit: Any = None,
    plan: Any = None,
    kinds: list[str] | tuple[str, ...] = DEFAULT_KINDS,
    active: bool = True,
) -> WebhookEndpoint:
    """Add a group robot for one unit or one plan (administrators); the URL is checked first."""
    require_admin(actor, _("configure group robots"))
    if (unit is None) == (plan is None):
        raise Invalid(_("Choose a unit or a plan (one of them)."), details={"unit": [_("required")]})
    safety.check_url(url)
    secret = _clean_secret(secret)
    now = clock.now()
    endpoint = WebhookEndpoint(
        name=_clean_name(name),
        platform=_clean_platform(platform),
        unit=unit,
        plan=plan,
        url_encrypted=crypto.seal(url.strip()),
        url_hint=_url_hint(url),
        secret_encrypted=crypto.seal(secret),
        secret_hint=crypto.hint(secret) if secret else "",
        kinds=_clean_kinds(list(kinds)),
        active=bool(active),
        created_at=now,
        created_by=actor if getattr(actor, "pk", None) else None,
        updated_at=now,
    )
    endpoint.save(force_insert=True)
    audit.record(
        actor=actor,
        action="endpoint.created",
        target=endpoint,
        after=audit.snapshot(endpoint, AUDITED),
    )
    return endpoint


@transaction.atomic
def endpoint_update(
    *,
    actor: Any,
    endpoint: WebhookEndpoint,
    name: str | None = None,
    url: str | None = None,
    secret: str | None = None,
    kinds: list[str] | None = None,
    active: bool | None = None,
) -> WebhookEndpoint:
    """Change a robot; an empty ``url`` or a ``secret`` of None keeps the stored one ("" clears it)."""
    policy_for(WebhookEndpoint).require(actor, Action.EDIT, endpoint)
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = audit.snapshot(locked, AUDITED)
    fields = ["updated_at"]
    if name is not None:
        locked.name = _clean_name(name)
        fields.append("name")
    if url:
        safety.check_url(url)
        locked.url_encrypted, locked.url_hint = crypto.seal(url.strip()), _url_hint(url)
        fields += ["url_encrypted", "url_hint"]
    if secret is not None:
        secret = _clean_secret(secret)
        locked.secret_encrypted = crypto.seal(secret)
        locked.secret_hint = crypto.hint(secret) if secret else ""
        fields += ["secret_encrypted", "secret_hint"]
    if kinds is not None:
        locked.kinds = _clean_kinds(kinds)
        fields.append("kinds")
    if active is not None:
        locked.active = bool(active)
        fields.append("active")
    locked.updated_at = clock.now()
    locked.save(update_fields=fields)
    audit.record(
        actor=actor,
        action="endpoint.updated",
        target=locked,
        before=before,
        after=audit.snapshot(locked, AUDITED),
    )
    return locked


@transaction.atomic
def endpoint_delete(*, actor: Any, endpoint: WebhookEndpoint) -> None:
    """Remove a robot; its delivery records stay (with the robot's name)."""
    policy_for(WebhookEndpoint).require(actor, Action.EDIT, endpoint)
    audit.record(
        actor=actor,
        action="endpoint.deleted",
        target=endpoint,
        before=audit.snapshot(endpoint, AUDITED),
    )
    endpoint.delete()


@transaction.atomic
def endpoint_test(*, actor: Any, endpoint: WebhookEndpoint) -> Delivery:
    """Queue a test message to the robot; the delivery record shows how it went."""
    policy_for(WebhookEndpoint).require(actor, Action.EDIT, endpoint)
    with translation.override(settings.LANGUAGE_CODE):
        title = _("workplan: test message")
        text = _("This group will receive the work plan's notifications here.")
    row = Delivery(
        endpoint=endpoint,
        platform=endpoint.platform,
        endpoint_name=endpoint.name,
        kind="test",
        title=title,
        text=text,
        link=fanout.link_for(plan=endpoint.plan)[:500],
        created_at=clock.now(),
    )
    row.save(force_insert=True)
    fanout.enqueue_delivery(row)
    audit.record(actor=actor, action="endpoint.tested", target=endpoint, after={"delivery": row.pk})
    return row


@transaction.atomic
def mail_preference_set(*, actor: Any, frequency: str) -> MailPreference:
    """The actor chooses one e-mail per event, a daily or a weekly digest."""
    if frequency not in DigestFrequency.values:
        raise Invalid(_("Unknown e-mail frequency."), details={"frequency": [_("invalid")]})
    preference, _created = MailPreference.objects.select_for_update().get_or_create(
        user=actor, defaults={"updated_at": clock.now()}
    )
    before = audit.snapshot(preference, ["frequency"])
    preference.frequency = frequency
    preference.updated_at = clock.now()
    if frequency != DigestFrequency.IMMEDIATE and preference.last_digest_at is None:
        preference.last_digest_at = clock.now()  # the first digest covers what comes from now on
    preference.save(update_fields=["frequency", "updated_at", "last_digest_at"])
    audit.record(
        actor=actor,
        action="mail.preference_set",
        target=preference,
        before=before,
        after=audit.snapshot(preference, ["frequency"]),
    )
    return preference


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _digest_text(user: Any, notes: list[Notification], frequency: str) -> tuple[str, str]:
    with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
        subject = (
            _("Your daily digest: %(count)d notification(s)")
            if frequency == DigestFrequency.DAILY
            else _("Your weekly digest: %(count)d notification(s)")
        ) % {"count": len(notes)}
        lines = []
        for note in notes:
            lines.append(f"{timezone.localtime(note.created_at):%Y-%m-%d %H:%M}  {note.title}")
            if note.body:
                lines.extend(f"    {line}" for line in note.body.splitlines()[:10])
            if note.item_id:
                lines.append(f"    {fanout.link_for(item=note.item)}")
        return subject, "\n".join(lines)


@transaction.atomic
def digest_send_due(*, actor: Any) -> int:
    """Send each daily digest once a day and each weekly one on Mondays (from the tick).

    A digest lists the user's notifications since the last one and goes out through the
    ``progress.send_email`` task (retried with back-off). Each preference row is claimed by
    a conditional update, so two ticks at once send one digest.
    """
    now, today = clock.now(), clock.today()
    sent = 0
    due = MailPreference.objects.exclude(frequency=DigestFrequency.IMMEDIATE).select_related("user")
    for preference in due.filter(user__is_active=True).order_by("pk"):
        if preference.frequency == DigestFrequency.WEEKLY and today.weekday() != 0:
            continue
        last = preference.last_digest_at
        if last is not None and last >= _start_of(today):
            continue
        claimed = MailPreference.objects.filter(pk=preference.pk, last_digest_at=last).update(
            last_digest_at=now
        )
        if not claimed:
            continue
        days = 1 if preference.frequency == DigestFrequency.DAILY else 7
        since = last or (now - dt.timedelta(days=days))
        notes = list(
            Notification.objects.filter(recipient=preference.user, created_at__gt=since, created_at__lte=now)
            .select_related("item")
            .order_by("created_at", "pk")
        )
        if notes and preference.user.email:
            subject, body = _digest_text(preference.user, notes, preference.frequency)
            queue.enqueue("progress.send_email", {"messages": [[subject, body, preference.user.email]]})
            sent += 1
        audit.record(
            actor=actor,
            action="digest.sent",
            target=preference,
            after={"notifications": len(notes), "emailed": bool(notes and preference.user.email)},
        )
    return sent
