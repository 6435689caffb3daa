"""Reads of publishing: the planner's side (scoped with ``visible_to``) and the anonymous public
pages, which read only what a :class:`Publication` makes public.

The public page is built once per state of the data: its stamp is (plan, publication version,
the newest audit row's id, today, language). Every write service records an audit row in its
transaction (``tests/test_audit_every_write.py`` enforces it), so the newest audit id changes
whenever anything the page shows could have changed; the status also depends on the date,
hence today. The stamp is the ETag, and the view keeps the rendered page in Django's cache
under it: a warm page costs two queries whatever the plan's size (docs/public-pages.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, QuerySet
from django.utils import timezone

from workplan.core import clock
from workplan.core.errors import NotFound
from workplan.core.models import AuditEntry
from workplan.core.policy import Action
from workplan.plans.models import ItemStatus, Plan, PlanItem, Target
from workplan.progress import evidence as evidence_files
from workplan.progress.models import Evidence, ProgressReport, ReportStatus
from workplan.progress.selectors import EvidenceFile, default_as_of, plan_status_board
from workplan.publishing.models import Publication, PublicEvidence, PublicNarrative

MAX_ID = 2**63 - 1


def _public_id(raw: Any) -> int:
    """An id from a public URL; junk, zero, negative and beyond 64 bits are all simply missing.

    Only ASCII digits: ``int()`` alone would also take spaces, ``+``, ``_`` and other scripts'
    digits, so one object would have many addresses."""
    text = str(raw)
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        raise NotFound("not found")
    value = int(text, 10)
    if not 1 <= value <= MAX_ID:
        raise NotFound("not found")
    return value


# --- the planner's side ----------------------------------------------------------------------


def publication_for_plan(*, user: Any, plan: Plan) -> Publication | None:
    """The plan's publication row (active or not), if ``user`` sees the plan."""
    return Publication.objects.visible_to(user).filter(plan=plan).prefetch_related("parts").first()


def plan_parts(*, user: Any, plan: Plan) -> list[PlanItem]:
    """The plan's top-level parts (what can be published one by one)."""
    return list(
        PlanItem.objects.visible_to(user)
        .filter(plan=plan, depth=1, status=ItemStatus.ACTIVE)
        .only("id", "path", "depth", "number", "label", "title")
        .order_by("path")
    )


@dataclass(frozen=True)
class NarrativeChoice:
    """An accepted report with a narrative, and whether that narrative is public."""

    report: ProgressReport
    is_public: bool


def narrative_choices(*, user: Any, plan: Plan) -> list[NarrativeChoice]:
    """The plan's accepted reports with a narrative, newest period first (two queries)."""
    reports = list(
        ProgressReport.objects.visible_to(user)
        .filter(item__plan=plan, status=ReportStatus.ACCEPTED)
        .exclude(narrative="")
        .select_related("item", "period", "unit")
        .order_by("-period__index", "item__path", "unit__name")
    )
    public = set(
        PublicNarrative.objects.visible_to(user).filter(plan=plan).values_list("report_id", flat=True)
    )
    return [NarrativeChoice(report=r, is_public=r.pk in public) for r in reports]


def narrative_get_for_user(*, user: Any, report_id: Any, action: Action = Action.VIEW) -> PublicNarrative:
    """The public-narrative choice on a report, if ``user`` may see (or change) it."""
    try:
        return (
            PublicNarrative.objects.visible_to(user, action)
            .select_related("plan")
            .get(report_id=_public_id(report_id))
        )
    except PublicNarrative.DoesNotExist:
        raise NotFound("no such public narrative") from None


@dataclass(frozen=True)
class EvidenceChoice:
    """An evidence file of an accepted report, and whether it is offered on the public page."""

    evidence: Evidence
    is_public: bool


def evidence_choices(*, user: Any, plan: Plan) -> list[EvidenceChoice]:
    """The evidence files of the plan's accepted reports, newest period first (two queries)."""
    files = list(
        Evidence.objects.visible_to(user)
        .filter(report__item__plan=plan, report__status=ReportStatus.ACCEPTED)
        .select_related("report__item", "report__period", "report__unit")
        .order_by("-report__period__index", "report__item__path", "report__unit__name", "original_name", "id")
    )
    public = set(
        PublicEvidence.objects.visible_to(user).filter(plan=plan).values_list("evidence_id", flat=True)
    )
    return [EvidenceChoice(evidence=e, is_public=e.pk in public) for e in files]


def public_evidence_get_for_user(
    *, user: Any, evidence_id: Any, action: Action = Action.VIEW
) -> PublicEvidence:
    """The public mark on an evidence file, if ``user`` may see (or change) it."""
    try:
        return (
            PublicEvidence.objects.visible_to(user, action)
            .select_related("plan")
            .get(evidence_id=_public_id(evidence_id))
        )
    except PublicEvidence.DoesNotExist:
        raise NotFound("no such public evidence file") from None


# --- the public side -------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicPlanSummary:
    """One line of the public index."""

    plan_id: int
    title: str
    year: int
    published_on: dt.date


def _active() -> QuerySet[Publication]:
    return Publication.objects.filter(is_active=True)


def public_plan_list() -> list[PublicPlanSummary]:
    """Every published plan, newest year first (one query)."""
    rows = _active().select_related("plan").order_by("-plan__year", "plan__title", "plan_id")
    return [
        PublicPlanSummary(
            plan_id=p.plan_id,
            title=p.plan.title,
            year=p.plan.year,
            published_on=timezone.localdate(p.published_at),
        )
        for p in rows
    ]


def _newest_change() -> int:
    return int(AuditEntry.objects.aggregate(newest=Max("id"))["newest"] or 0)


def public_index_stamp(*, language: str) -> str:
    """The ETag of the index: changes with any audited write (one query)."""
    raw = f"index|{_newest_change()}|{language}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def public_plan_stamp(*, plan_id: Any, language: str) -> str | None:
    """The ETag of a plan's public page, or None when it is not published (two queries)."""
    try:
        pk = _public_id(plan_id)
    except NotFound:
        return None
    version = _active().filter(plan_id=pk).values_list("version", flat=True).first()
    if version is None:
        return None
    raw = f"plan|{pk}|{version}|{_newest_change()}|{clock.today().isoformat()}|{language}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class PublicTarget:
    """A quantified target and, where an indicator measures it, the value computed now."""

    text: str
    goal: float | None
    goal_max: float | None
    unit: str
    value: float | None
    attainment: float | None
    status: str  # ledgers.attainment: met, on_track, behind, no_data, no_target; "" = not measured


@dataclass(frozen=True)
class PublicNarrativeRow:
    period: str
    unit: str
    text: str


@dataclass(frozen=True)
class PublicEvidenceRow:
    """A public evidence file: what the page says about it (never who uploaded it)."""

    evidence_id: int
    name: str
    size: int


@dataclass
class PublicItemRow:
    """One published item: structure, status, percent, targets, public narratives and files."""

    item_id: int
    depth: int
    number: str
    heading: str
    status: str
    percent: int | None
    due: dt.date
    targets: list[PublicTarget] = field(default_factory=list)
    narratives: list[PublicNarrativeRow] = field(default_factory=list)
    evidence: list[PublicEvidenceRow] = field(default_factory=list)


@dataclass
class PublicPlanPage:
    """What the anonymous page of one published plan shows (no people, no internal links, only
    the evidence files marked public)."""

    plan_id: int
    title: str
    year: int
    as_of: dt.date
    published_on: dt.date
    whole_plan: bool
    rows: list[PublicItemRow]
    counts: dict[str, int]
    percent: int | None


def _published_publication(plan_id: Any) -> Publication:
    pk = _public_id(plan_id)
    publication = _active().select_related("plan").filter(plan_id=pk).first()
    if publication is None:
        raise NotFound("not found")
    return publication


def public_plan_page(*, plan_id: Any) -> PublicPlanPage:
    """The public page of a published plan; an unpublished or missing plan raises NotFound alike."""
    return _build_page(_published_publication(plan_id))


def _build_page(publication: Publication) -> PublicPlanPage:
    from workplan.accounts.services import system_actor
    from workplan.ledgers.selectors import indicator_list

    plan = publication.plan
    part_paths = [p.path for p in publication.parts.all()]
    reader = system_actor()  # reads everything; only the published subset leaves this function
    today = default_as_of(plan)

    def published(path: str) -> bool:
        return not part_paths or any(path.startswith(p) for p in part_paths)

    board = [
        row
        for row in plan_status_board(user=reader, plan=plan, today=today)
        if row.item.status == ItemStatus.ACTIVE and published(row.item.path)
    ]
    item_ids = {row.item.pk for row in board}
    measured = {a.target_id: a for a in indicator_list(user=reader, plan=plan) if a.target_id is not None}
    targets: dict[int, list[PublicTarget]] = defaultdict(list)
    for target in Target.objects.filter(item__plan=plan, item_id__in=item_ids).order_by("item_id", "id"):
        if not target.is_quantified:
            continue
        figure = measured.get(target.pk)
        targets[target.item_id].append(
            PublicTarget(
                text=target.text,
                goal=target.value,
                goal_max=target.value_max,
                unit=target.unit,
                value=figure.value if figure else None,
                attainment=figure.attainment if figure else None,
                status=figure.status if figure else "",
            )
        )
    narratives: dict[int, list[PublicNarrativeRow]] = defaultdict(list)
    public_reports = (
        PublicNarrative.objects.filter(
            plan=plan, report__status=ReportStatus.ACCEPTED, report__item_id__in=item_ids
        )
        .order_by("report__period__index", "report__unit__name")
        .values_list("report__item_id", "report__period__label", "report__unit__name", "report__narrative")
    )
    for item_id, period, unit, text in public_reports:
        narratives[item_id].append(PublicNarrativeRow(period=period, unit=unit, text=text))
    files = _public_files(plan, item_ids)
    leaf_percents = _leaf_percents([row.item.path for row in board], [row.percent for row in board])
    rows = [
        PublicItemRow(
            item_id=row.item.pk,
            depth=row.item.depth,
            number=row.item.number,
            heading=row.item.heading,
            status=str(row.status),
            percent=row.percent if row.percent is not None else leaf_percents[n][0],
            due=row.due,
            targets=targets.get(row.item.pk, []),
            narratives=narratives.get(row.item.pk, []),
            evidence=files.get(row.item.pk, []),
        )
        for n, row in enumerate(board)
    ]
    leaves = [r for n, r in enumerate(rows) if leaf_percents[n][1]]
    counts: dict[str, int] = defaultdict(int)
    for r in leaves:
        counts[r.status] += 1
    known = [r.percent for r in leaves if r.percent is not None]
    return PublicPlanPage(
        plan_id=plan.pk,
        title=plan.title,
        year=plan.year,
        as_of=today,
        published_on=timezone.localdate(publication.published_at),
        whole_plan=not part_paths,
        rows=rows,
        counts=dict(counts),
        percent=round(sum(known) / len(known)) if known else None,
    )


def _public_files(plan: Plan, item_ids: set[int]) -> dict[int, list[PublicEvidenceRow]]:
    """The files marked public on the accepted reports of these items, by item (one query)."""
    files: dict[int, list[PublicEvidenceRow]] = defaultdict(list)
    rows = (
        PublicEvidence.objects.filter(
            plan=plan,
            evidence__report__status=ReportStatus.ACCEPTED,
            evidence__report__item_id__in=item_ids,
        )
        .order_by("evidence__report__period__index", "evidence__original_name", "evidence_id")
        .values_list("evidence__report__item_id", "evidence_id", "evidence__original_name", "evidence__size")
    )
    for item_id, evidence_id, name, size in rows:
        files[item_id].append(PublicEvidenceRow(evidence_id=evidence_id, name=name, size=size))
    return files


def public_evidence_file(*, plan_id: Any, evidence_id: Any) -> EvidenceFile:
    """A public evidence file of a published plan, to download; NotFound alike when the plan is
    not published, the file's item is outside the published parts (or archived), the file is
    not marked public, its report is no longer accepted, it is missing from storage, or an id
    is junk."""
    publication = _published_publication(plan_id)
    pk = _public_id(evidence_id)
    row = (
        PublicEvidence.objects.filter(
            plan_id=publication.plan_id,
            evidence_id=pk,
            evidence__report__status=ReportStatus.ACCEPTED,
            evidence__report__item__plan_id=publication.plan_id,
            evidence__report__item__status=ItemStatus.ACTIVE,
        )
        .select_related("evidence__report__item")
        .first()
    )
    if row is None:
        raise NotFound("not found")
    evidence = row.evidence
    part_paths = [p.path for p in publication.parts.all()]
    if part_paths and not any(evidence.report.item.path.startswith(p) for p in part_paths):
        raise NotFound("not found")
    if not evidence_files.exists(evidence.sha256):
        raise NotFound("not found")
    return EvidenceFile(
        evidence=evidence,
        content_type=evidence.content_type,
        filename=evidence.original_name,
        size=evidence.size,
    )


def _leaf_percents(paths: list[str], percents: list[int | None]) -> list[tuple[int | None, bool]]:
    """For each row (in path order): the mean percent of the reported leaves under it, and
    whether it is a leaf itself. Linear: every leaf adds to each of its ancestors once."""
    present = set(paths)
    is_leaf = [not (n + 1 < len(paths) and paths[n + 1].startswith(path)) for n, path in enumerate(paths)]
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for path, percent, leaf in zip(paths, percents, is_leaf, strict=True):
        if not leaf or percent is None:
            continue
        for cut in range(4, len(path) + 1, 4):
            if path[:cut] in present:
                sums[path[:cut]][0] += percent
                sums[path[:cut]][1] += 1
    result: list[tuple[int | None, bool]] = []
    for path, leaf in zip(paths, is_leaf, strict=True):
        total, count = sums.get(path, (0, 0))
        result.append((round(total / count) if count else None, leaf))
    return result
