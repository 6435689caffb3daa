"""Who hears about what, and how: in-app notifications now, e-mail after the commit.

Called by the services of this app inside their transactions; it writes no audit rows of
its own (the calling service audits the change that caused the message).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import translation

from workplan.accounts.models import Membership, Role, Unit, User
from workplan.channels import fanout
from workplan.core import clock
from workplan.plans.models import Plan, PlanItem
from workplan.progress.models import Notification
from workplan.tasks import queue


def nearest_people(unit: Unit, role: str) -> list[User]:
    """Active users holding ``role`` in ``unit``, else in its nearest ancestor that has some.

    The reporters of a section answer for it; when it has none, its parent's reporters do
    (their scope covers the sub-unit). The same goes for a unit's leaders.
    """
    paths = [unit.path[:end] for end in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
    memberships = (
        Membership.objects.filter(role=role, unit__path__in=paths, user__is_active=True)
        .select_related("user", "unit")
        .order_by("-unit__depth", "user_id")
    )
    nearest_depth: int | None = None
    people: list[User] = []
    for membership in memberships:
        if nearest_depth is None:
            nearest_depth = membership.unit.depth
        if membership.unit.depth != nearest_depth:
            break
        if membership.user not in people:
            people.append(membership.user)
    return people


def reporters_of(unit: Unit) -> list[User]:
    return nearest_people(unit, Role.REPORTER)


def leaders_of(unit: Unit) -> list[User]:
    return nearest_people(unit, Role.LEADER)


# A text, or a function that renders it: called once per recipient, in the recipient's own
# language (their account setting, else the site's), so nobody receives another's language.
Text = str | Callable[[], str]


def _render(text: Text) -> str:
    return text() if callable(text) else str(text)


def _in_language_of(user: User, title: Text, body: Text) -> tuple[str, str]:
    with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
        return _render(title), _render(body)


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: Text,
    body: Text = "",
    item: PlanItem | None = None,
    email: bool = True,
    units: Iterable[Unit] = (),
    plan: Plan | None = None,
) -> list[Notification]:
    """Create one in-app notification per recipient; e-mail those with an address after commit.

    The e-mail is a background task queued in the caller's transaction (``progress.send_email``),
    so a rolled-back change never sends a message, and a failing mail server neither undoes the
    change nor loses the message: the task is retried, and shows as failed once its attempts
    are spent. Recipients who chose a daily or weekly digest get it in the digest instead.

    The group robots of ``units`` and of ``plan`` (default: the item's plan) that listen to
    ``kind`` get one message each (``workplan.channels``), sent off the request and retried.
    """
    fanout.queue_deliveries(kind=kind, title=title, body=body, item=item, units=units, plan=plan)
    unique: list[User] = []
    for user in recipients:
        if user.pk is not None and user not in unique:
            unique.append(user)
    if not unique:
        return []
    now = clock.now()
    texts = {user.pk: _in_language_of(user, title, body) for user in unique}
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=kind,
                title=texts[user.pk][0][:300],
                body=texts[user.pk][1],
                item=item,
                created_at=now,
            )
            for user in unique
        ]
    )
    if email:
        digest = fanout.wants_digest(u.pk for u in unique if u.email)
        messages = [
            [texts[u.pk][0], texts[u.pk][1] or texts[u.pk][0], u.email]
            for u in unique
            if u.email and u.pk not in digest
        ]
        if messages:
            queue.enqueue("progress.send_email", {"messages": messages})
    return rows


def send_email(messages: Sequence[Sequence[str]]) -> int:
    """Send ``[subject, body, address]`` messages in one connection; raises if the server fails."""
    prefix = getattr(settings, "EMAIL_SUBJECT_PREFIX", "")
    prefixed = tuple(
        (f"{prefix}{subject}", body, settings.DEFAULT_FROM_EMAIL, [address])
        for subject, body, address in messages
    )
    return int(send_mass_mail(prefixed, fail_silently=False))
