"""Scheduled work of ``workplan tick``: reminders and the escalation ladder (三色督办).

Idempotent and safe to run concurrently: each reminder claims its row in ``Reminder``
(unique on kind, track, slot, recipient) and each warning its row in ``Escalation`` (unique on
track, level) inside the transaction before anything is sent; a second worker's insert fails on
the constraint and it skips. Work is done in a fixed order (by id) so two workers on PostgreSQL
wait on each other instead of deadlocking.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from workplan import permissions
from workplan.accounts.models import User
from workplan.core import audit, clock
from workplan.plans.models import PlanItem, PlanStatus
from workplan.progress import notify
from workplan.progress import status as rules_module
from workplan.progress.models import (
    REPORTING_STATES,
    Escalation,
    EventKind,
    ItemEvent,
    NotificationKind,
    Period,
    ProgressReport,
    Reminder,
    ReminderKind,
    ReportingCalendar,
    ReportStatus,
    Track,
)
from workplan.progress.selectors import track_facts, with_latest, working_days


def _claim(
    *, kind: str, track: Track, slot: str, recipient: User, period: Period | None, level: str
) -> Reminder | None:
    """Insert the reminder's ledger row, or return None if someone already sent it."""
    try:
        with transaction.atomic():  # a savepoint: losing the race must not end the outer transaction
            return Reminder.objects.create(
                kind=kind,
                track=track,
                slot=slot,
                period=period,
                level=level,
                recipient=recipient,
                sent_at=clock.now(),
            )
    except IntegrityError:
        return None


def _send_claimed(
    *,
    actor: Any,
    claimed: list[Reminder],
    kind: str,
    title: notify.Text,
    lines: dict[int, list[str]],
    item: PlanItem | None,
) -> None:
    by_recipient: dict[int, list[Reminder]] = defaultdict(list)
    for reminder in claimed:
        by_recipient[reminder.recipient_id].append(reminder)
    for reminders in by_recipient.values():
        recipient = reminders[0].recipient
        body = "\n".join(line for r in reminders for line in lines.get(r.track_id, []))
        sent = notify.notify(
            recipients=[recipient],
            kind=kind,
            title=title,
            body=body,
            item=item,
            units={r.track.unit for r in reminders},
            plan=reminders[0].track.item.plan,
        )
        if sent:
            Reminder.objects.filter(pk__in=[r.pk for r in reminders]).update(notification=sent[0])
    audit.record_many(actor=actor, action="reminder.sent", targets=claimed)


def _owing_tracks(period: Period) -> list[Track]:
    """Tracks that still owe a report for ``period`` (dispatched before it was due)."""
    reported = ProgressReport.objects.filter(
        period=period, status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED]
    ).values("track_id")
    tracks = (
        Track.objects.filter(item__plan_id=period.plan_id, state__in=REPORTING_STATES)
        .exclude(pk__in=reported)
        .exclude(item__start_date__gt=period.end)
        .select_related("item", "unit")
        .order_by("id")
    )
    return [t for t in tracks if timezone.localdate(t.assigned_at) <= period.due_date]


def reminder_send_due(*, actor: Any, today: dt.date | None = None) -> int:
    """Remind units before a report is due and urge them once it is late; returns how many sent.

    Before: from ``remind_before_days`` working days ahead until the due date. After: from
    ``remind_after_days`` working days past the due date, for the latest such period only
    (a unit is not flooded for a whole past year). Each (kind, track, period, recipient)
    goes out once, whoever runs the tick and however often. Each period is its own short
    transaction, so a long run never holds the database for long.
    """
    permissions.require_admin(actor, gettext("send reminders"))
    today = today or clock.today()
    days = working_days()
    sent = 0
    calendars = ReportingCalendar.objects.exclude(plan__status=PlanStatus.CLOSED).select_related("plan")
    for calendar in calendars.order_by("id"):
        periods = list(Period.objects.filter(plan=calendar.plan, closed_at__isnull=True).order_by("index"))
        due_soon = [
            p for p in periods if days.add(p.due_date, -calendar.remind_before_days) <= today <= p.due_date
        ]
        late = [p for p in periods if days.add(p.due_date, calendar.remind_after_days) <= today]
        work = [(ReminderKind.DUE_SOON, p) for p in due_soon] + [(ReminderKind.OVERDUE, p) for p in late[-1:]]
        for kind, period in work:
            with transaction.atomic():
                sent += _remind_period(actor=actor, kind=kind, period=period)
    return sent


def _remind_period(*, actor: Any, kind: str, period: Period) -> int:
    tracks = _owing_tracks(period)
    if not tracks:
        return 0
    claimed: list[Reminder] = []
    lines: dict[int, list[str]] = {}
    recipients_of: dict[int, list[User]] = {}
    for track in tracks:
        if track.unit_id not in recipients_of:
            recipients_of[track.unit_id] = sorted(notify.reporters_of(track.unit), key=lambda u: u.pk)
        lines[track.pk] = [f"- {track.item} ({track.unit})"]
        for recipient in recipients_of[track.unit_id]:
            reminder = _claim(
                kind=kind,
                track=track,
                slot=f"period:{period.pk}",
                recipient=recipient,
                period=period,
                level="",
            )
            if reminder is not None:
                claimed.append(reminder)
    if not claimed:
        return 0
    if kind == ReminderKind.DUE_SOON:
        template = gettext_noop("Report due %(date)s: %(plan)s %(period)s")
        notification_kind = NotificationKind.DUE_SOON
    else:
        template = gettext_noop("Report overdue since %(date)s: %(plan)s %(period)s")
        notification_kind = NotificationKind.OVERDUE
    values = {"date": f"{period.due_date:%Y-%m-%d}", "plan": period.plan, "period": period.label}

    def title() -> str:
        return gettext(template) % values

    _send_claimed(actor=actor, claimed=claimed, kind=notification_kind, title=title, lines=lines, item=None)
    return len(claimed)


def escalation_raise_due(*, actor: Any, today: dt.date | None = None) -> int:
    """Raise the ladder's warnings that apply today; returns how many were raised.

    Per unit track, only the highest level that applies is raised, and only if it is higher
    than any raised before (a tick that missed a week does not back-fill milder colours).
    Each warning is its own transaction.
    """
    permissions.require_admin(actor, gettext("raise supervision warnings"))
    today = today or clock.today()
    rules = rules_module.rules()
    steps = {step.level: step for step in rules.ladder}
    tracks = list(
        with_latest(
            Track.objects.filter(state__in=REPORTING_STATES)
            .exclude(item__plan__status=PlanStatus.CLOSED)
            .select_related("item__plan__owner_unit", "unit")
            .order_by("id")
        )
    )
    order = {step.level: position for position, step in enumerate(rules.ladder, start=1)}
    highest: dict[int, int] = defaultdict(int)
    raised_before = Escalation.objects.filter(track__in=[t.pk for t in tracks]).values_list(
        "track_id", "level"
    )
    for track_id, level in raised_before:
        highest[track_id] = max(highest[track_id], order.get(level, 0))
    raised = 0
    for track in tracks:
        warning = rules_module.escalation(track_facts(track, today), rules)
        if warning is None or order[warning.step.level] <= highest[track.pk]:
            continue
        with transaction.atomic():
            if _raise(actor=actor, track=track, warning=warning, today=today, step=steps[warning.step.level]):
                raised += 1
    return raised


def _raise(
    *, actor: Any, track: Track, warning: rules_module.Warning, today: dt.date, step: rules_module.LadderStep
) -> bool:
    facts_percent = track.latest_percent
    start, due = rules_module.window(
        start=track.item.start_date, due=track.item.due_date, year=track.item.plan.year
    )
    left = rules_module.Facts(start=start, due=due, today=today).time_left_share
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                track=track,
                item=track.item,
                unit=track.unit,
                level=step.level,
                raised_at=clock.now(),
                reason=warning.reason,
                percent=facts_percent,
                time_left_share=round(left, 4),
            )
    except IntegrityError:  # another worker raised it first
        return False
    audit.record(
        actor=actor,
        action="escalation.raised",
        target=escalation,
        after=audit.snapshot(escalation),
        reason=warning.reason,
    )
    ItemEvent.objects.create(
        item=track.item,
        kind=EventKind.ESCALATED,
        at=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_repr=str(getattr(actor, "username", "system")),
        unit=track.unit,
        track=track,
        text=warning.reason,
        data={"level": step.level},
    )
    recipients: list[User] = []
    for audience in step.notify:
        if audience == "unit":
            recipients += notify.reporters_of(track.unit)
        elif audience == "unit_leaders":
            recipients += notify.leaders_of(track.unit)
        elif audience == "plan_leaders":
            recipients += notify.leaders_of(track.item.plan.owner_unit)
    claimed = []
    seen: set[int] = set()
    for recipient in sorted(recipients, key=lambda u: u.pk):
        if recipient.pk in seen:
            continue
        seen.add(recipient.pk)
        reminder = _claim(
            kind=ReminderKind.ESCALATION,
            track=track,
            slot=f"level:{step.level}",
            recipient=recipient,
            period=None,
            level=step.level,
        )
        if reminder is not None:
            claimed.append(reminder)
    if claimed:
        titles = {
            "blue": gettext_noop("Blue warning (蓝色督办): %(item)s (%(unit)s)"),
            "yellow": gettext_noop("Yellow warning (黄色督办): %(item)s (%(unit)s)"),
            "red": gettext_noop("Red warning (红色督办): %(item)s (%(unit)s)"),
        }
        template = titles.get(step.level, gettext_noop("Warning %(level)s: %(item)s (%(unit)s)"))
        values = {"item": track.item, "unit": track.unit, "level": step.level}
        _send_claimed(
            actor=actor,
            claimed=claimed,
            kind=NotificationKind.ESCALATION,
            title=lambda: gettext(template) % values,
            lines={track.pk: [warning.reason]},
            item=track.item,
        )
    return True
