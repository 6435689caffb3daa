"""Writes about time: reporting calendars and periods, the holiday list, recurring
obligations, and the scheduled work of ``workplan tick`` (reminders and warnings).

Scheduled work is idempotent and safe to run concurrently: each reminder claims its row
in ``Reminder`` (unique on kind, track, slot, recipient) and each warning its row in
``Escalation`` (unique on track, level) inside the transaction before anything is sent;
a second worker's insert fails on the constraint and it skips. Work is done in a fixed
order (by id) so two workers on PostgreSQL wait on each other instead of deadlocking.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from workplan import permissions
from workplan.accounts.models import User
from workplan.core import audit, clock
from workplan.core.errors import Forbidden, Invalid
from workplan.core.services import instance_create, instance_delete, instance_update
from workplan.permissions import Action
from workplan.plans.models import Plan, PlanItem, PlanStatus, Target, TargetKind
from workplan.progress import notify, recurrence
from workplan.progress import status as rules_module
from workplan.progress.models import (
    REPORTING_STATES,
    Escalation,
    EventKind,
    Frequency,
    ItemEvent,
    NotificationKind,
    Obligation,
    Occurrence,
    Period,
    ProgressReport,
    Reminder,
    ReminderKind,
    ReportingCalendar,
    ReportStatus,
    SpecialDay,
    Track,
)
from workplan.progress.selectors import track_facts, with_latest, working_days
from workplan.progress.workdays import WorkingDays, generate_periods


def _require_planner(actor: Any, plan: Plan) -> None:
    try:
        permissions.require(actor, Action.EDIT, plan)
    except Forbidden:
        raise Forbidden(
            f"only planners of {plan.owner_unit} may change the reporting calendar of {plan}"
        ) from None


def _require_admin(actor: Any, what: str) -> None:
    if not permissions.scope_for(actor).is_admin:
        raise Forbidden(f"only an administrator may {what}")


# --- reporting calendar and periods --------------------------------------------------------


def _validate_calendar(frequency: str, due_day: int, remind_before_days: int, remind_after_days: int) -> None:
    if frequency not in Frequency.values:
        raise Invalid(f"unknown reporting frequency {frequency!r}; use {', '.join(Frequency.values)}")
    if not 1 <= due_day <= 31:
        raise Invalid(f"the due day must be a day of the month (1–31), not {due_day}")
    if not 0 <= remind_before_days <= 30 or not 1 <= remind_after_days <= 30:
        raise Invalid("reminders go 0–30 working days before and 1–30 working days after the due date")


@transaction.atomic
def calendar_configure(
    *,
    actor: Any,
    plan: Plan,
    frequency: str = Frequency.MONTHLY,
    due_day: int = 25,
    remind_before_days: int = 3,
    remind_after_days: int = 1,
    expected_version: int | None = None,
) -> ReportingCalendar:
    """Set how often and when the plan's units report; (re)generates the year's periods.

    The frequency can change only while no report exists; changing the due day moves the
    due dates of the open periods.
    """
    _require_planner(actor, plan)
    _validate_calendar(frequency, due_day, remind_before_days, remind_after_days)
    fields = {
        "frequency": frequency,
        "due_day": due_day,
        "remind_before_days": remind_before_days,
        "remind_after_days": remind_after_days,
    }
    calendar = ReportingCalendar.objects.filter(plan=plan).first()
    if calendar is None:
        calendar = instance_create(
            actor=actor, instance=ReportingCalendar(plan=plan, **fields), action="calendar.configured"
        )
    else:
        if frequency != calendar.frequency and ProgressReport.objects.filter(period__plan=plan).exists():
            raise Invalid(
                f"{plan} already has reports for its {calendar.get_frequency_display()} periods; "
                "the reporting frequency can no longer change"
            )
        calendar = instance_update(
            actor=actor,
            instance=calendar,
            changes=fields,
            action="calendar.updated",
            expected_version=expected_version,
        )
    _sync_periods(actor, calendar, working_days())
    return calendar


@transaction.atomic
def calendar_ensure(*, actor: Any, plan: Plan) -> ReportingCalendar:
    """The plan's reporting calendar, created with the defaults (monthly, due on the 25th) if missing."""
    existing = ReportingCalendar.objects.filter(plan=plan).first()
    if existing is not None:
        return existing
    return calendar_configure(actor=actor, plan=plan)


def _sync_periods(actor: Any, calendar: ReportingCalendar, days: WorkingDays) -> None:
    """Make the plan's periods match its calendar: recreate them when the frequency changed
    (only possible without reports), else move the due dates of open periods."""
    plan = calendar.plan
    specs = generate_periods(
        year=plan.year, frequency=calendar.frequency, due_day=calendar.due_day, days=days
    )
    periods = list(Period.objects.filter(plan=plan).order_by("index"))
    if [p.label for p in periods] != [s.label for s in specs]:
        for period in periods:
            audit.record(actor=actor, action="period.deleted", target=period, before=audit.snapshot(period))
        Period.objects.filter(plan=plan).delete()
        created = Period.objects.bulk_create(
            [
                Period(plan=plan, index=s.index, label=s.label, start=s.start, end=s.end, due_date=s.due_date)
                for s in specs
            ]
        )
        audit.record_many(actor=actor, action="period.created", targets=created)
        return
    for period, spec in zip(periods, specs, strict=True):
        if not period.is_closed and period.due_date != spec.due_date:
            instance_update(
                actor=actor,
                instance=period,
                changes={"due_date": spec.due_date},
                action="period.due_date_moved",
            )


@transaction.atomic
def period_close(*, actor: Any, period: Period, expected_version: int | None = None) -> Period:
    """Close a reporting period: it takes no more reports or evidence."""
    _require_planner(actor, period.plan)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.is_closed:
        raise Invalid(f"the period {period.label} is already closed")
    return instance_update(
        actor=actor,
        instance=period,
        changes={"closed_at": clock.now(), "closed_by": actor if getattr(actor, "pk", None) else None},
        action="period.closed",
        expected_version=expected_version,
    )


@transaction.atomic
def period_reopen(*, actor: Any, period: Period, reason: str) -> Period:
    """Reopen a closed period (for a late correction), with the reason."""
    _require_planner(actor, period.plan)
    if not reason.strip():
        raise Invalid("reopening a period needs a reason", details={"reason": ["required"]})
    period = Period.objects.select_for_update().get(pk=period.pk)
    if not period.is_closed:
        raise Invalid(f"the period {period.label} is open")
    return instance_update(
        actor=actor,
        instance=period,
        changes={"closed_at": None, "closed_by": None},
        action="period.reopened",
        reason=reason.strip(),
    )


# --- holidays and make-up working days -----------------------------------------------------------


def _refresh_due_dates(actor: Any) -> None:
    days = working_days()
    for calendar in ReportingCalendar.objects.select_related("plan").exclude(plan__status=PlanStatus.CLOSED):
        _sync_periods(actor, calendar, days)


@transaction.atomic
def holiday_set(*, actor: Any, date: dt.date, is_working: bool, name: str = "") -> SpecialDay:
    """Mark ``date`` as a holiday (``is_working=False``) or a make-up working day (``True``).

    Due dates of open periods move accordingly.
    """
    _require_admin(actor, "edit the holiday list")
    day = SpecialDay.objects.filter(date=date).first()
    if day is None:
        day = instance_create(
            actor=actor,
            instance=SpecialDay(date=date, is_working=is_working, name=name.strip()),
            action="holiday.set",
        )
    else:
        day = instance_update(
            actor=actor,
            instance=day,
            changes={"is_working": is_working, "name": name.strip()},
            action="holiday.set",
        )
    _refresh_due_dates(actor)
    return day


@transaction.atomic
def holiday_delete(*, actor: Any, day: SpecialDay) -> None:
    """Remove a date from the holiday list (it becomes an ordinary weekday or weekend day)."""
    _require_admin(actor, "edit the holiday list")
    instance_delete(actor=actor, instance=day, action="holiday.deleted")
    _refresh_due_dates(actor)


# --- recurring obligations -----------------------------------------------------------------------


@transaction.atomic
def obligation_generate(*, actor: Any, plan: Plan, items: Iterable[PlanItem] | None = None) -> int:
    """Turn the plan's frequency targets (or those of ``items``) into dated occurrences.

    Targets that already have an obligation are left alone; returns how many were made.
    """
    _require_planner(actor, plan)
    targets = Target.objects.filter(item__plan=plan, kind=TargetKind.FREQUENCY, obligation__isnull=True)
    if items is not None:
        targets = targets.filter(item__in=list(items))
    default_unit = rules_module.rules().default_frequency_unit
    made = 0
    for target in targets.select_related("item").order_by("id"):
        spec = recurrence.obligation_spec(value=target.value, unit=target.unit, default_unit=default_unit)
        obligation = Obligation.objects.create(
            target=target,
            item=target.item,
            rrule=spec.rrule,
            per_window=spec.per_window,
            assumed=spec.assumed,
            description=spec.description,
        )
        windows = recurrence.windows(
            spec.rrule, year=plan.year, start=target.item.start_date, end=target.item.due_date
        )
        occurrences = [
            Occurrence(obligation=obligation, item=target.item, index=number, window_start=lo, window_end=hi)
            for number, (lo, hi) in enumerate(
                ((lo, hi) for lo, hi in windows for _ in range(spec.per_window)), start=1
            )
        ]
        Occurrence.objects.bulk_create(occurrences)
        audit.record(
            actor=actor,
            action="obligation.created",
            target=obligation,
            after={**audit.snapshot(obligation), "occurrences": len(occurrences)},
        )
        made += 1
    return made


# --- scheduled work: reminders -------------------------------------------------------------------


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
    title: str,
    lines: dict[int, list[str]],
    item: PlanItem | None,
) -> None:
    by_recipient: dict[int, list[Reminder]] = defaultdict(list)
    for reminder in claimed:
        by_recipient[reminder.recipient_id].append(reminder)
    for reminders in by_recipient.values():
        recipient = reminders[0].recipient
        body = "\n".join(line for r in reminders for line in lines.get(r.track_id, []))
        sent = notify.notify(recipients=[recipient], kind=kind, title=title, body=body, item=item)
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
    _require_admin(actor, "send reminders")
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
        title = f"进展报告即将到期 Report due {period.due_date:%Y-%m-%d}: {period.plan} {period.label}"
        notification_kind = NotificationKind.DUE_SOON
    else:
        title = (
            f"进展报告已逾期 Report overdue since {period.due_date:%Y-%m-%d}: {period.plan} {period.label}"
        )
        notification_kind = NotificationKind.OVERDUE
    _send_claimed(actor=actor, claimed=claimed, kind=notification_kind, title=title, lines=lines, item=None)
    return len(claimed)


# --- scheduled work: the escalation ladder (三色督办) -----------------------------------------------


def escalation_raise_due(*, actor: Any, today: dt.date | None = None) -> int:
    """Raise the ladder's warnings that apply today; returns how many were raised.

    Per unit track, only the highest level that applies is raised, and only if it is higher
    than any raised before (a tick that missed a week does not back-fill milder colours).
    Each warning is its own transaction.
    """
    _require_admin(actor, "raise supervision warnings")
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
        colour = {"blue": "蓝色", "yellow": "黄色", "red": "红色"}.get(step.level, step.level)
        _send_claimed(
            actor=actor,
            claimed=claimed,
            kind=NotificationKind.ESCALATION,
            title=f"{colour}督办 {step.level} warning: {track.item} ({track.unit})",
            lines={track.pk: [warning.reason]},
            item=track.item,
        )
    return True
