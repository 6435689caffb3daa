"""Reads shared by the bulletin and the summary: the plan, its periods, labels, refs."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from workplan.core import clock
from workplan.core.errors import Invalid, NotFound
from workplan.plans.models import Plan, PlanItem
from workplan.progress.dashboard import Tally
from workplan.progress.models import Period
from workplan.progress.selectors import ItemStatusRow
from workplan.progress.status import Status
from workplan.reports import wording
from workplan.reports.document import Doc, Ref, clean

_PERIOD = re.compile(r"^\s*(\d{4})\s*-?\s*(?:(\d{1,2})|[Qq](\d))\s*$")


def period_label(text: str) -> str:
    """A period as the calendar names it: '2019-06' (a month), '2019Q2' from '2019-Q2'."""
    found = _PERIOD.match(text or "")
    if not found:
        raise Invalid(
            _("Write the period as YYYY-MM for a month or YYYY-QN for a quarter, e.g. 2019-06 or 2019-Q2."),
            details={"period": ["unreadable"]},
        )
    year, month, quarter = found.groups()
    return f"{year}-{int(month):02d}" if month else f"{year}Q{quarter}"


def period_of_plan(*, user: Any, plan: Plan, period: str | int | Period) -> Period:
    """The plan's period named ``period`` (label or id); refused when unknown or not begun."""
    if isinstance(period, Period):
        found = period
    else:
        rows = Period.objects.visible_to(user).filter(plan=plan)
        try:
            found = rows.get(pk=period) if isinstance(period, int) else rows.get(label=period_label(period))
        except Period.DoesNotExist:
            raise NotFound(
                _("The plan has no reporting period %(period)s.") % {"period": clean(period)[:40]}
            ) from None
    if found.plan_id != plan.pk:
        raise NotFound(_("The plan has no reporting period %(period)s.") % {"period": found.label})
    if found.start > clock.today():
        raise Invalid(
            _("The period %(period)s has not started yet.") % {"period": found.label},
            details={"period": ["not started"]},
        )
    return found


def local_date(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(moment).date() if moment else None


def item_ref(item: PlanItem) -> Ref:
    return Ref(kind="item", id=item.pk, text=clean(item.heading)[:120], item_id=item.pk)


def status_label(status: str) -> str:
    """The status as the site names it (translated; the same msgids as the web's labels)."""
    labels = {
        Status.NOT_STARTED: _("Not started"),
        Status.ON_TRACK: _("On track"),
        Status.AT_RISK: _("At risk"),
        Status.OVERDUE: _("Overdue"),
        Status.DONE: _("Done"),
    }
    return labels.get(Status(status), str(status))


def status_refs(rows: list[ItemStatusRow], status: Status | None = None) -> list[Ref]:
    """The tracked items (those with units), of one status when given: the dashboard's rows."""
    return [item_ref(r.item) for r in rows if r.tracks and (status is None or r.status == status)]


def percent_text(value: int | float | None) -> str:
    return "—" if value is None else f"{round(value)}%"


def tally_cells(tally: Tally) -> list[str]:
    counts = tally.counts
    return [
        str(tally.total),
        str(counts[Status.DONE]),
        str(counts[Status.ON_TRACK]),
        str(counts[Status.AT_RISK]),
        str(counts[Status.OVERDUE]),
        str(counts[Status.NOT_STARTED]),
        percent_text(tally.percent),
    ]


def tally_columns() -> list[str]:
    return [
        _("Items"),
        _("Done"),
        _("On track"),
        _("At risk"),
        _("Overdue"),
        _("Not started"),
        _("Completion"),
    ]


def unit_names(row: ItemStatusRow) -> str:
    return "、".join(clean(t.track.unit.short_name or t.track.unit.name) for t in row.tracks)


def new_doc(
    *,
    kind: str,
    plan: Plan,
    as_of: dt.date,
    values: dict[str, Any],
    template: dict[str, str],
    period: Any = None,
) -> Doc:
    """A document with its title block from the plan's wording (``<kind>_title``, ``_subtitle``)."""

    def say(key: str) -> str:
        return wording.render(key, template.get(key), values)

    return Doc(
        kind=kind,
        title=say(f"{kind}_title"),
        subtitle=say(f"{kind}_subtitle"),
        number=say("number"),
        issuer=say("issuer"),
        date=as_of,
        appendix_title=_("Appendix: the rows behind each figure"),
        language=plan.language,
        period=period,
    )
