"""Who hears about what, and how: in-app notifications now, e-mail after the commit.

Called by the services of this app inside their transactions; it writes no audit rows of
its own (the calling service audits the change that caused the message).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.mail import send_mass_mail

from workplan.accounts.models import Membership, Role, Unit, User
from workplan.core import clock
from workplan.plans.models import PlanItem
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


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    item: PlanItem | None = None,
    email: bool = True,
) -> list[Notification]:
    """Create one in-app notification per recipient; e-mail those with an address after commit.

    The e-mail is a background task queued in the caller's transaction (``progress.send_email``),
    so a rolled-back change never sends a message, and a failing mail server neither undoes the
    change nor loses the message: the task is retried, and shows as failed once its attempts
    are spent.
    """
    unique: list[User] = []
    for user in recipients:
        if user.pk is not None and user not in unique:
            unique.append(user)
    if not unique:
        return []
    now = clock.now()
    rows = Notification.objects.bulk_create(
        [
            Notification(recipient=user, kind=kind, title=title[:300], body=body, item=item, created_at=now)
            for user in unique
        ]
    )
    if email:
        messages = [[title, body or title, user.email] for user in unique if user.email]
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
