"""The progress bulletin (工作进展通报) of a plan for one reporting period, as a :class:`Doc`.

Its figures are the dashboard's (``progress.dashboard.plan_dashboard``) as of the period's
last day (or today, inside the period); the period's own rows — reports, warnings raised
and lifted, items completed, instructions, good practice — are the rows dated inside it.
A warning is *lifted* in the period when its track was completed in the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from workplan.core import clock
from workplan.plans.models import Plan
from workplan.progress.dashboard import Dashboard, plan_dashboard
from workplan.progress.models import (
    Escalation,
    EventKind,
    ItemEvent,
    ItemProgress,
    ItemState,
    Period,
    ProgressReport,
    ReportStatus,
    TrackState,
)
from workplan.progress.status import Status
from workplan.reports import providers, wording
from workplan.reports.document import Chart, Doc, FigureList, Heading, Para, Ref, Table, clean
from workplan.reports.models import GoodPractice
from workplan.reports.selectors.common import (
    item_ref,
    local_date,
    new_doc,
    percent_text,
    period_of_plan,
    status_label,
    status_refs,
    tally_cells,
    tally_columns,
    unit_names,
)

LEVEL_LABELS = {"blue": "蓝色 blue", "yellow": "黄色 yellow", "red": "红色 red"}


@dataclass
class PeriodRows:
    """The rows dated inside the period, each list in time order."""

    reports: list[ProgressReport]
    raised: list[Escalation]
    lifted: list[Escalation]
    completed: list[ItemProgress]
    instructions: list[ItemEvent]
    good: list[GoodPractice]


def _in(period: Period, field: str) -> dict[str, Any]:
    return {f"{field}__date__gte": period.start, f"{field}__date__lte": period.end}


def period_rows(*, user: Any, plan: Plan, period: Period) -> PeriodRows:
    """Everything the bulletin lists for the period (six queries, scoped to ``user``)."""
    reports = list(
        ProgressReport.objects.visible_to(user)
        .filter(period=period, submitted_at__isnull=False)
        .only("id", "item_id", "unit_id", "status", "submitted_at")
        .order_by("id")
    )
    warnings = Escalation.objects.visible_to(user).filter(item__plan=plan).select_related("item", "unit")
    raised = list(warnings.filter(**_in(period, "raised_at")).order_by("raised_at", "id"))
    lifted = list(
        warnings.filter(raised_at__date__lte=period.end, track__state=TrackState.COMPLETED)
        .filter(**_in(period, "track__closed_at"))
        .select_related("track")
        .order_by("track__closed_at", "id")
    )
    completed = list(
        ItemProgress.objects.visible_to(user)
        .filter(plan=plan, state=ItemState.COMPLETED)
        .filter(**_in(period, "closed_at"))
        .select_related("item")
        .order_by("closed_at", "id")
    )
    instructions = list(
        ItemEvent.objects.visible_to(user)
        .filter(item__plan=plan, kind=EventKind.INSTRUCTION)
        .filter(**_in(period, "at"))
        .select_related("item")
        .order_by("at", "id")
    )
    good = list(
        GoodPractice.objects.visible_to(user)
        .filter(plan=plan, report__period=period, report__status=ReportStatus.ACCEPTED)
        .select_related("report", "report__item", "report__unit")
        .order_by("marked_at", "id")
    )
    return PeriodRows(reports, raised, lifted, completed, instructions, good)


def as_of_for(period: Period) -> dt.date:
    """The period's last day, or today while the period runs."""
    return min(period.end, max(clock.today(), period.start))


def bulletin(
    *, user: Any, plan: Plan, period: str | int | Period, template: dict[str, str] | None = None
) -> Doc:
    """The bulletin of ``plan`` for ``period`` (a label such as '2019-06' or '2019-Q2', an id)."""
    found = period_of_plan(user=user, plan=plan, period=period)
    as_of = as_of_for(found)
    board = plan_dashboard(user=user, plan=plan, today=as_of)
    rows = period_rows(user=user, plan=plan, period=found)
    template = template or {}
    on_time = [r for r in rows.reports if (local_date(r.submitted_at) or found.due_date) <= found.due_date]
    returned = [r for r in rows.reports if r.status == ReportStatus.RETURNED]
    counts = board.overall.counts
    values = {
        "plan": clean(plan.title),
        "period": found.label,
        "as_of": as_of.isoformat(),
        "year": plan.year,
        "items": board.overall.total,
        "completion": percent_text(board.overall.percent),
        "done": counts[Status.DONE],
        "on_track": counts[Status.ON_TRACK],
        "at_risk": counts[Status.AT_RISK],
        "overdue": counts[Status.OVERDUE],
        "reports": len(rows.reports),
        "on_time": len(on_time),
        "returned": len(returned),
    }
    doc = new_doc(kind="bulletin", plan=plan, as_of=as_of, values=values, template=template, period=found)
    _headline(doc, board, rows, on_time, returned)
    doc.add(Para(wording.render("bulletin_opening", template.get("bulletin_opening"), values)))
    _units(doc, board, rows, found)
    _warnings(doc, rows)
    _completed_and_overdue(doc, board, rows)
    _provided(doc, user=user, plan=plan, as_of=as_of)
    _instructions_and_good_practice(doc, rows)
    doc.add(Para(wording.render("bulletin_closing", template.get("bulletin_closing"), values)))
    return doc


def _report_ref(report: ProgressReport) -> Ref:
    return Ref(kind="report", id=report.pk, text=f"#{report.pk}", item_id=report.item_id)


def _headline(
    doc: Doc,
    board: Dashboard,
    rows: PeriodRows,
    on_time: list[ProgressReport],
    returned: list[ProgressReport],
) -> None:
    all_items = status_refs(board.rows)
    figures = [
        doc.figure("items", _("Tasks tracked"), board.overall.total, all_items),
        doc.figure("completion", _("Overall completion"), percent_text(board.overall.percent), all_items),
    ]
    figures += [
        doc.figure(f"status_{s}", status_label(s), board.overall.counts[s], status_refs(board.rows, s))
        for s in (Status.DONE, Status.ON_TRACK, Status.AT_RISK, Status.OVERDUE, Status.NOT_STARTED)
    ]
    figures += [
        doc.figure(
            "reports", _("Reports submitted"), len(rows.reports), [_report_ref(r) for r in rows.reports]
        ),
        doc.figure("on_time", _("Reports on time"), len(on_time), [_report_ref(r) for r in on_time]),
        doc.figure("returned", _("Reports returned"), len(returned), [_report_ref(r) for r in returned]),
        doc.figure("raised", _("Warnings raised"), len(rows.raised), [_warning_ref(w) for w in rows.raised]),
        doc.figure("lifted", _("Warnings lifted"), len(rows.lifted), [_warning_ref(w) for w in rows.lifted]),
        doc.figure(
            "completed", _("Tasks completed"), len(rows.completed), [item_ref(p.item) for p in rows.completed]
        ),
    ]
    doc.add(Heading(_("1. The period in figures"), 1), FigureList(figures, [_("Figure"), _("Value")]))
    if not rows.reports:
        doc.add(Para(_("No progress report has been submitted for this period yet."), "note"))


def _warning_ref(warning: Escalation) -> Ref:
    return Ref(kind="warning", id=warning.pk, text=clean(warning.item.heading)[:80], item_id=warning.item_id)


def _units(doc: Doc, board: Dashboard, rows: PeriodRows, period: Period) -> None:
    submitted: dict[int, list[ProgressReport]] = {}
    for report in rows.reports:
        submitted.setdefault(report.unit_id, []).append(report)
    table = Table(
        name=_("Units"),
        columns=[_("Unit"), *tally_columns(), _("Reports"), _("On time"), _("Returned")],
        rows=[],
        widths=[3, 1, 1, 1, 1, 1, 1, 1.2, 1, 1, 1],
    )
    for summary in board.units:
        mine = submitted.get(summary.unit.pk, [])
        late = [r for r in mine if (local_date(r.submitted_at) or period.due_date) > period.due_date]
        table.rows.append(
            [
                clean(summary.unit.name),
                *tally_cells(summary.tally),
                str(len(mine)),
                str(len(mine) - len(late)),
                str(sum(r.status == ReportStatus.RETURNED for r in mine)),
            ]
        )
    doc.add(Heading(_("2. Progress by unit"), 1))
    doc.add(table if table.rows else Para(_("No unit has a task in this plan yet."), "note"))
    if board.units:
        doc.add(
            Chart(
                title=_("Completion by unit"),
                labels=[clean(u.unit.short_name or u.unit.name) for u in board.units],
                values=[float(u.tally.percent or 0) for u in board.units],
            )
        )


def _warnings(doc: Doc, rows: PeriodRows) -> None:
    doc.add(Heading(_("3. Supervision warnings (三色督办)"), 1))
    columns = [_("Level"), _("Task"), _("Unit"), _("Date"), _("Reason")]
    for title, found, stamp in (
        (_("Raised in the period"), rows.raised, "raised"),
        (_("Lifted in the period"), rows.lifted, "lifted"),
    ):
        doc.add(Heading(title, 2))
        if not found:
            doc.add(Para(_("None."), "note"))
            continue
        doc.add(
            Table(
                name=title,
                columns=columns,
                rows=[
                    [
                        LEVEL_LABELS.get(w.level, w.level),
                        clean(w.item.heading),
                        clean(w.unit.name),
                        str(local_date(w.raised_at if stamp == "raised" else w.track.closed_at)),
                        clean(w.reason),
                    ]
                    for w in found
                ],
                widths=[1.2, 4, 2, 1.4, 3],
                item_ids=[w.item_id for w in found],
            )
        )


def _completed_and_overdue(doc: Doc, board: Dashboard, rows: PeriodRows) -> None:
    doc.add(Heading(_("4. Tasks completed and tasks overdue"), 1), Heading(_("Completed in the period"), 2))
    if rows.completed:
        doc.add(
            Table(
                name=_("Completed"),
                columns=[_("Task"), _("Completed on")],
                rows=[[clean(p.item.heading), str(local_date(p.closed_at))] for p in rows.completed],
                widths=[6, 1.5],
                item_ids=[p.item_id for p in rows.completed],
            )
        )
    else:
        doc.add(Para(_("None."), "note"))
    doc.add(Heading(_("Overdue"), 2))
    overdue = [r for r in board.rows if r.tracks and r.status == Status.OVERDUE]
    if overdue:
        doc.add(
            Table(
                name=_("Overdue"),
                columns=[_("Task"), _("Units"), _("Due"), _("Completion")],
                rows=[
                    [clean(r.item.heading), unit_names(r), str(r.due), percent_text(r.percent)]
                    for r in overdue
                ],
                widths=[5, 2.5, 1.4, 1],
                item_ids=[r.item.pk for r in overdue],
            )
        )
    else:
        doc.add(Para(_("None."), "note"))


def _provided(doc: Doc, *, user: Any, plan: Plan, as_of: dt.date) -> None:
    for section, title in (
        ("indicators", _("5. Indicator attainment")),
        ("assessment", _("6. Assessment ranking")),
    ):
        doc.add(Heading(title, 1))
        table = providers.provided(section, user=user, plan=plan, as_of=as_of)
        if table is None:
            doc.add(Para(_("No figures are available for this section yet."), "note"))
            continue
        doc.add(
            Table(
                name=title[3:],
                columns=table.columns,
                rows=table.rows,
                widths=table.widths,
                item_ids=table.item_ids or None,
            )
        )
        if table.note:
            doc.add(Para(clean(table.note), "note"))


def _instructions_and_good_practice(doc: Doc, rows: PeriodRows) -> None:
    doc.add(Heading(_("7. Leaders' instructions (批示)"), 1))
    if not rows.instructions:
        doc.add(Para(_("None in this period."), "note"))
    for event in rows.instructions:
        doc.add(
            Para(
                f"{clean(event.item.heading)} — {clean(event.actor_repr)}（{local_date(event.at)}）：{clean(event.text)}"
            )
        )
    doc.add(Heading(_("8. Good practice"), 1))
    if not rows.good:
        doc.add(Para(_("No report of this period has been marked as good practice."), "note"))
    for mark in rows.good:
        report = mark.report
        doc.add(Heading(f"{clean(report.unit.name)}：{clean(report.item.heading)}", 2))
        doc.add(Para(clean(report.narrative)))
        if mark.note:
            doc.add(Para(clean(mark.note), "note"))
