"""The "as of" date a request asks for: parsed, checked against the plan's life, end of that day."""

from __future__ import annotations

import datetime as dt

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from workplan.core import clock
from workplan.core.errors import Invalid
from workplan.core.models import AuditEntry
from workplan.plans.models import Plan
from workplan.progress.models import ItemEvent
from workplan.progress.selectors import default_as_of


class BadDay(Invalid):
    """An "as of" day that cannot be shown: malformed, in the future, or before the plan (HTTP 400)."""


def parse_date(text: str, *, name: str = "as_of") -> dt.date:
    """An ISO 8601 day (``2019-03-31``), or ``Invalid`` with a message the user can read."""
    try:
        return dt.date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise BadDay(
            _("“%(value)s” is not a date; write it as YYYY-MM-DD, e.g. 2019-03-31") % {"value": text[:40]},
            details={name: ["not a date"]},
        ) from None


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of ``day`` in the site's time zone: "as of" means after that day's work."""
    start = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(start, timezone.get_current_timezone()) - dt.timedelta(microseconds=1)


def plan_began(plan: Plan) -> dt.date:
    """The first day the plan has any history: its first audit row or its first timeline event.

    Both carry the injected clock's time (``created_at`` is the machine's, so it is not used
    when the history says earlier: a plan loaded with back-dated history began then).
    """
    first_audit = AuditEntry.objects.filter(target_type__model="plan", target_id=str(plan.pk)).aggregate(
        at=Min("at")
    )["at"]
    first_event = ItemEvent.objects.filter(item__plan=plan).aggregate(at=Min("at"))["at"]
    stamps = [s for s in (first_audit, first_event, plan.created_at) if s is not None]
    return timezone.localdate(min(stamps))


def _had_history_by(plan: Plan, day: dt.date) -> bool:
    """Whether ``day`` is on or after :func:`plan_began`, by the cheapest test first (the answer
    on every page asked for a past day; the first day itself only for the refusal's message)."""
    if timezone.localdate(plan.created_at) <= day:
        return True
    end = end_of_day(day)
    audited = AuditEntry.objects.filter(target_type__model="plan", target_id=str(plan.pk), at__lte=end)
    return audited.exists() or ItemEvent.objects.filter(item__plan=plan, at__lte=end).exists()


def check_past_day(plan: Plan, day: dt.date, *, name: str = "as_of") -> dt.date:
    """``day`` if the plan existed then and it is not in the future; else ``Invalid`` (HTTP 400)."""
    today = clock.today()
    if day > today:
        raise BadDay(
            _("%(day)s is in the future: the history ends today (%(today)s)")
            % {"day": day.isoformat(), "today": today.isoformat()},
            details={name: ["in the future"]},
        )
    if not _had_history_by(plan, day):
        began = plan_began(plan)
        raise BadDay(
            _("%(day)s is before the plan existed: its history begins on %(began)s")
            % {"day": day.isoformat(), "began": began.isoformat()},
            details={name: ["before the plan existed"]},
        )
    return day


def past_day(plan: Plan, text: str | None, *, name: str = "as_of") -> dt.date | None:
    """The checked past day a query parameter asks for; ``None`` when it is absent or today."""
    if text is None or not text.strip():
        return None
    day = parse_date(text, name=name)
    if day in (clock.today(), default_as_of(plan)):
        return None  # the day today's pages show (a future plan's first day): today's view
    return check_past_day(plan, day, name=name)


def change_window(plan: Plan, *, since: str | None, until: str | None) -> tuple[dt.date, dt.date]:
    """The two days a diff compares: given, else today and 30 days before (not before the plan)."""
    last = check_past_day(plan, parse_date(until, name="until"), name="until") if until else clock.today()
    if since:
        first = check_past_day(plan, parse_date(since, name="since"), name="since")
    else:
        first = max(last - dt.timedelta(days=30), plan_began(plan))
    if first > last:
        raise BadDay(
            _("the first day (%(since)s) must not come after the second (%(until)s)")
            % {"since": first.isoformat(), "until": last.isoformat()},
            details={"since": ["not before until"]},
        )
    return first, last
