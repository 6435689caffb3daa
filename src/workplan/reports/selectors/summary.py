"""The annual work summary (年度工作总结) in the plan's own structure and numbering, as a Doc.

For every part and task, in document order and under its own label: the promise as written
(title, targets, deadlines), what was reported (each unit's last accepted narrative), the
counts of reports and evidence files, the completion and status at year end, and whether
it was carried over. An overview opens it; the tasks behind and the carried-over ones close
it. Figures are the dashboard's as of the plan's default date (its last day for a past year).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from workplan.core.errors import Invalid
from workplan.plans.models import Deadline, Plan, Target
from workplan.progress.dashboard import Dashboard, plan_dashboard
from workplan.progress.models import Evidence, ItemState, ProgressReport, ReportStatus
from workplan.progress.selectors import ItemStatusRow
from workplan.progress.selectors.item_page import default_as_of
from workplan.progress.status import Status
from workplan.reports import providers, wording
from workplan.reports.document import Chart, Doc, FigureList, Heading, Para, Ref, Table, clean
from workplan.reports.selectors.common import (
    item_ref,
    new_doc,
    percent_text,
    status_label,
    status_refs,
    unit_names,
)


@dataclass
class ItemFacts:
    """What the summary says about items beyond their status: promises and reports."""

    targets: dict[int, list[str]]
    deadlines: dict[int, list[str]]
    reports: Counter[int]
    evidence: Counter[int]
    narratives: dict[int, list[tuple[str, str]]]  # item -> [(unit, last accepted narrative)]


def item_facts(*, user: Any, plan: Plan) -> ItemFacts:
    """Targets, deadlines, report and evidence counts and last accepted narratives (five queries)."""
    targets: dict[int, list[str]] = defaultdict(list)
    for item_id, text in (
        Target.objects.visible_to(user).filter(item__plan=plan).values_list("item_id", "text")
    ):
        targets[item_id].append(clean(text))
    deadlines: dict[int, list[str]] = defaultdict(list)
    for item_id, text in (
        Deadline.objects.visible_to(user).filter(item__plan=plan).values_list("item_id", "text")
    ):
        deadlines[item_id].append(clean(text))
    reports = ProgressReport.objects.visible_to(user).filter(item__plan=plan, submitted_at__isnull=False)
    report_counts = Counter(
        dict(reports.values("item_id").annotate(n=Count("id")).values_list("item_id", "n"))
    )
    evidence = Evidence.objects.visible_to(user).filter(report__item__plan=plan)
    evidence_counts = Counter(
        dict(evidence.values("report__item_id").annotate(n=Count("id")).values_list("report__item_id", "n"))
    )
    latest: dict[tuple[int, int], tuple[int, str, str]] = {}
    accepted = reports.filter(status=ReportStatus.ACCEPTED).values_list(
        "item_id", "unit_id", "period__index", "unit__name", "narrative"
    )
    for item_id, unit_id, index, unit_name, narrative in accepted.iterator():
        key = (item_id, unit_id)
        if key not in latest or latest[key][0] < index:
            latest[key] = (index, unit_name, narrative)
    narratives: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for (item_id, _unit), (_index, unit_name, narrative) in sorted(latest.items()):
        narratives[item_id].append((clean(unit_name), clean(narrative)))
    return ItemFacts(targets, deadlines, report_counts, evidence_counts, narratives)


def summary(*, user: Any, plan: Plan, year: int | None = None, template: dict[str, str] | None = None) -> Doc:
    """The annual summary of ``plan`` (``year`` must be the plan's own year, or None)."""
    if year is not None and year != plan.year:
        raise Invalid(
            _("This plan is for %(plan_year)s; there is no summary of it for %(year)s.")
            % {"plan_year": plan.year, "year": year},
            details={"year": ["not the plan's year"]},
        )
    template = template or {}
    as_of = default_as_of(plan)
    board = plan_dashboard(user=user, plan=plan, today=as_of)
    facts = item_facts(user=user, plan=plan)
    tracked = [r for r in board.rows if r.tracks]
    behind = [r for r in tracked if r.status in (Status.OVERDUE, Status.AT_RISK)]
    carried = [r for r in board.rows if r.state == ItemState.CARRIED_OVER]
    values = {
        "plan": clean(plan.title),
        "year": plan.year,
        "as_of": as_of.isoformat(),
        "items": board.overall.total,
        "done": board.overall.counts[Status.DONE],
        "completion": percent_text(board.overall.percent),
        "behind": len(behind),
        "carried": len(carried),
        "reports": sum(facts.reports.values()),
        "evidence": sum(facts.evidence.values()),
        "period": "",
        "on_track": board.overall.counts[Status.ON_TRACK],
        "at_risk": board.overall.counts[Status.AT_RISK],
        "overdue": board.overall.counts[Status.OVERDUE],
    }
    doc = new_doc(kind="summary", plan=plan, as_of=as_of, values=values, template=template)
    _overview(doc, board, facts, behind, carried, values, template)
    doc.add(Heading(_("The work, part by part"), 1))
    for row in board.rows:
        _item(doc, row, facts)
    _closing(doc, user=user, plan=plan, board=board, behind=behind, carried=carried)
    return doc


def _overview(
    doc: Doc,
    board: Dashboard,
    facts: ItemFacts,
    behind: list[ItemStatusRow],
    carried: list[ItemStatusRow],
    values: dict[str, Any],
    template: dict[str, str],
) -> None:
    doc.add(Heading(_("Overview"), 1))
    doc.add(Para(wording.render("summary_opening", template.get("summary_opening"), values)))
    with_reports = [item_ref(r.item) for r in board.rows if facts.reports.get(r.item.pk)]
    with_evidence = [item_ref(r.item) for r in board.rows if facts.evidence.get(r.item.pk)]
    figures = [
        doc.figure("items", _("Tasks tracked"), board.overall.total, status_refs(board.rows)),
        doc.figure(
            "completion",
            _("Overall completion"),
            percent_text(board.overall.percent),
            status_refs(board.rows),
        ),
    ]
    figures += [
        doc.figure(f"status_{s}", status_label(s), board.overall.counts[s], status_refs(board.rows, s))
        for s in (Status.DONE, Status.ON_TRACK, Status.AT_RISK, Status.OVERDUE, Status.NOT_STARTED)
    ]
    figures += [
        doc.figure("reports", _("Progress reports"), values["reports"], with_reports),
        doc.figure("evidence", _("Evidence files"), values["evidence"], with_evidence),
        doc.figure("behind", _("Tasks behind"), len(behind), [item_ref(r.item) for r in behind]),
        doc.figure(
            "carried", _("Carried over to next year"), len(carried), [item_ref(r.item) for r in carried]
        ),
    ]
    doc.add(FigureList(figures, [_("Figure"), _("Value")]))
    if board.parts:
        doc.add(
            Chart(
                title=_("Completion by part"),
                labels=[clean(p.part.heading) for p in board.parts],
                values=[float(p.tally.percent or 0) for p in board.parts],
            )
        )
    if not values["reports"]:
        doc.add(Para(_("No progress report has been submitted for this plan yet."), "note"))


def _item(doc: Doc, row: ItemStatusRow, facts: ItemFacts) -> None:
    item = row.item
    doc.add(Heading(clean(item.heading), min(int(item.depth) + 1, 4)))
    pk = item.pk
    promise = []
    if facts.targets.get(pk):
        promise.append(_("Targets: %(list)s") % {"list": "；".join(facts.targets[pk])})
    if facts.deadlines.get(pk):
        promise.append(_("Deadlines: %(list)s") % {"list": "；".join(facts.deadlines[pk])})
    if promise:
        doc.add(Para("　".join(promise), "quote"))
    if not row.tracks:
        return
    for unit, narrative in facts.narratives.get(pk, []):
        doc.add(Para(f"{unit}：{narrative}"))
    states: dict[str, str] = {
        ItemState.COMPLETED: _("completed"),
        ItemState.CARRIED_OVER: _("carried over to next year"),
    }
    state = states.get(row.state, status_label(row.status))
    doc.add(
        Para(
            _(
                "Units: %(units)s. Reports: %(reports)s; evidence files: %(evidence)s; "
                "completion %(percent)s; status at year end: %(state)s."
            )
            % {
                "units": unit_names(row),
                "reports": facts.reports.get(pk, 0),
                "evidence": facts.evidence.get(pk, 0),
                "percent": percent_text(100 if row.status == Status.DONE else row.percent),
                "state": state,
            },
            "note",
        )
    )


def _closing(
    doc: Doc,
    *,
    user: Any,
    plan: Plan,
    board: Dashboard,
    behind: list[ItemStatusRow],
    carried: list[ItemStatusRow],
) -> None:
    doc.add(Heading(_("Indicator attainment"), 1))
    table = providers.provided("indicators", user=user, plan=plan, as_of=board.today)
    if table is None:
        doc.add(Para(_("No figures are available for this section yet."), "note"))
    else:
        doc.add(
            Table(
                name=_("Indicators"),
                columns=table.columns,
                rows=table.rows,
                widths=table.widths,
                item_ids=table.item_ids or None,
            )
        )
    columns = [_("Task"), _("Units"), _("Due"), _("Completion"), _("Status")]
    for title, found in ((_("What is behind"), behind), (_("Carried over to next year"), carried)):
        doc.add(Heading(title, 1))
        if not found:
            doc.add(Para(_("None."), "note"))
            continue
        doc.add(
            Table(
                name=title,
                columns=columns,
                rows=[
                    [
                        clean(r.item.heading),
                        unit_names(r),
                        str(r.due),
                        percent_text(r.percent),
                        status_label(r.status),
                    ]
                    for r in found
                ],
                widths=[5, 2.5, 1.4, 1, 1.2],
                item_ids=[r.item.pk for r in found],
            )
        )


__all__ = ["ItemFacts", "Ref", "item_facts", "summary"]
