"""Status roll-ups counted in the database: a few GROUP BY queries whatever the plans' size.

Each row is classified by :func:`workplan.progress.status.status_sql` (the rules of
``progress.status`` as a ``Case``) over the stored inputs of ``progress.rollup_state`` and the
items' own dates, with "today" a parameter — so a past date gives the figures as of then, with
today's reports. Items of a plan whose every track the user sees are counted from
``ItemProgress`` (one row per item); otherwise from the user's visible tracks, grouped by item
(a unit's own scope). Results are plain :class:`Group` rows; ``progress.dashboard`` turns them
into tallies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Substr

from workplan.accounts.models import Unit
from workplan.plans.models import Plan, PlanItem
from workplan.progress import status as rules_module
from workplan.progress.models import Escalation, ItemProgress, ItemState, Track, TrackState
from workplan.progress.policies import plans_seen_whole
from workplan.progress.status import Status


@dataclass(frozen=True)
class Group:
    """One group of counted rows: ``count`` rows of ``status``; ``weighted`` = Σ share × weight."""

    plan_id: int
    part: str  # the path of the top-level part the rows sit under
    unit_id: int | None  # for unit groups (tracks); None for item groups
    status: str
    count: int
    weighted: float  # Σ (100 if done else percent or 0) × item weight
    weight: float


def _share(status: Any, percent: str) -> Any:
    return Case(
        When(Q(**{f"{status}": Status.DONE.value}), then=Value(100)),
        default=Coalesce(F(percent), Value(0)),
        output_field=IntegerField(),
    )


def _weighted(status: str, percent: str, weight: str) -> Any:
    return Sum(
        ExpressionWrapper(
            Cast(_share(status, percent), FloatField()) * Cast(F(weight), FloatField()),
            output_field=FloatField(),
        )
    )


def _by_year(plans: Iterable[Plan]) -> dict[int, list[int]]:
    """Plan ids by year: a query per year keeps the window's defaults constant."""
    years: dict[int, list[int]] = {}
    for plan in plans:
        years.setdefault(plan.year, []).append(plan.pk)
    return years


def _classified_whole(plan_ids: Iterable[int], today: dt.date, year: int) -> Any:
    """Items of plans (of one year) seen whole, one row each from the stored state, with ``status``."""
    return ItemProgress.objects.filter(plan_id__in=list(plan_ids), tracked=True).annotate(
        status=rules_module.status_sql(
            start_date="item__start_date",
            due_date="item__due_date",
            year=year,
            today=today,
            percent="percent",
            returned="returned",
            self_flagged="self_flagged",
            done=Q(state=ItemState.COMPLETED),
        ),
        part=Substr("item__path", 1, PlanItem.steplen),
        group_plan=F("plan_id"),
        item_weight=F("item__weight"),
        item_percent=F("percent"),
    )


def _classified_scoped(user: Any, plan_ids: Iterable[int], today: dt.date, year: int) -> Any:
    """Items of the other plans (of one year), judged by the user's visible tracks only, per item."""
    return (
        Track.objects.visible_to(user)
        .filter(item__plan_id__in=list(plan_ids))
        .exclude(state=TrackState.REASSIGNED)
        .values(
            "item_id",
            "item__plan_id",
            "item__path",
            "item__weight",
            "item__start_date",
            "item__due_date",
            "item__plan__year",
            "item__progress__state",
        )
        .annotate(
            reported=Max("latest_percent"),
            slowest=Min(Coalesce("latest_percent", Value(0))),
            any_returned=Max(Cast("latest_returned", IntegerField())),
            any_flagged=Max(Cast("latest_self_flagged", IntegerField())),
        )
        .annotate(
            item_percent=Case(When(reported__isnull=True, then=Value(None)), default=F("slowest")),
        )
        .annotate(
            status=rules_module.status_sql(
                start_date="item__start_date",
                due_date="item__due_date",
                year=year,
                today=today,
                percent="item_percent",
                returned="any_returned",
                self_flagged="any_flagged",
                done=Q(item__progress__state=ItemState.COMPLETED),
            ),
            part=Substr("item__path", 1, PlanItem.steplen),
        )
    )


def item_groups(*, user: Any, plans: list[Plan], today: dt.date) -> Iterator[Group]:
    """Tracked items by plan, part and status (two queries per plan year, whatever the plans' size)."""
    whole = plans_seen_whole(user, plans)
    for year, ids in _by_year(p for p in plans if p.pk in whole).items():
        rows = (
            _classified_whole(ids, today, year)
            .values("group_plan", "part", "status")
            .annotate(
                n=Count("id"),
                weighted=_weighted("status", "percent", "item__weight"),
                weight=Sum(Cast("item__weight", FloatField())),
            )
            .order_by()
        )
        for row in rows:
            yield Group(row["group_plan"], row["part"], None, row["status"], row["n"], row["weighted"] or 0.0,
                        row["weight"] or 0.0)  # fmt: skip
    for year, ids in _by_year(p for p in plans if p.pk not in whole).items():
        # Per item already (the user's own scope); summed here, as plain tuples.
        for row in _classified_scoped(user, ids, today, year).values_list(
            "item__plan_id", "part", "status", "item_percent", "item__weight"
        ):
            plan_id, part, status, percent, weight = row
            share = 100 if status == Status.DONE else (percent or 0)
            yield Group(plan_id, part, None, status, 1, share * float(weight), float(weight))


def units_at_work(*, user: Any, plans: list[Plan]) -> QuerySet[Unit]:
    """The units with a visible track (not reassigned) in ``plans``, in the organisation's order:
    page it (a large organisation has thousands) and count the page's units with ``unit_groups``."""
    tracks = (
        Track.objects.visible_to(user)
        .filter(item__plan_id__in=[p.pk for p in plans])
        .exclude(state=TrackState.REASSIGNED)
    )
    units: QuerySet[Unit] = Unit.objects.filter(pk__in=tracks.values("unit_id")).order_by("path")
    return units


def unit_groups(
    *,
    user: Any,
    plans: list[Plan],
    today: dt.date,
    unit_ids: Iterable[int] | None = None,
    by_part: bool = True,
) -> Iterator[Group]:
    """Visible tracks (not reassigned) by plan, unit, part (unless ``by_part`` is false: ``part``
    is then empty) and status: one GROUP BY query per year."""
    for year, ids in _by_year(plans).items():
        yield from unit_group_rows(
            _unit_rows(user=user, plan_ids=ids, year=year, today=today, unit_ids=unit_ids, by_part=by_part)
        )


def _unit_rows(
    *,
    user: Any,
    plan_ids: list[int],
    year: int,
    today: dt.date,
    unit_ids: Iterable[int] | None,
    by_part: bool = True,
) -> Any:
    tracks: Any = (
        Track.objects.visible_to(user).filter(item__plan_id__in=plan_ids).exclude(state=TrackState.REASSIGNED)
    )
    if unit_ids is not None:
        tracks = tracks.filter(unit_id__in=list(unit_ids))
    return (
        tracks.annotate(
            status=rules_module.status_sql(
                start_date="item__start_date",
                due_date="item__due_date",
                year=year,
                today=today,
                percent="latest_percent",
                returned="latest_returned",
                self_flagged="latest_self_flagged",
                done=Q(state=TrackState.COMPLETED),
            ),
            part=Substr("item__path", 1, PlanItem.steplen) if by_part else Value(""),
        )
        .values("item__plan_id", "unit_id", "part", "status")
        .annotate(
            n=Count("id"),
            weighted=_weighted("status", "latest_percent", "item__weight"),
            weight=Sum(Cast("item__weight", FloatField())),
        )
        .order_by()
    )


def unit_group_rows(rows: Iterable[dict[str, Any]]) -> Iterator[Group]:
    for row in rows:
        yield Group(
            row["item__plan_id"],
            row["part"],
            row["unit_id"],
            row["status"],
            row["n"],
            row["weighted"] or 0.0,
            row["weight"] or 0.0,
        )


def _ladder_rank(rules: rules_module.Rules) -> Case:
    return Case(
        *[When(level=step.level, then=Value(n)) for n, step in enumerate(rules.ladder, start=1)],
        default=Value(0),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class AttentionItem:
    item_id: int
    status: str
    percent: int | None
    warning_level: str | None


def attention_items(
    *, user: Any, plan: Plan, today: dt.date, limit: int = 50
) -> tuple[int, list[AttentionItem]]:
    """Tracked items that are overdue or carry a warning, worst first: ``(how many, the first few)``.

    Three queries whatever the plan's size: the warned items with their worst level (a few),
    their rows, and the first ``limit`` overdue items without a warning with the count of all
    of them riding as a window; merged here in the order worst warning, overdue, due, path.
    """
    rules = rules_module.rules()
    levels = {n: step.level for n, step in enumerate(rules.ladder, start=1)}
    tracks = Track.objects.visible_to(user).exclude(state=TrackState.REASSIGNED)
    ranks: dict[int, int] = dict(
        Escalation.objects.filter(track__in=tracks.filter(item__plan=plan).values("pk"))
        .annotate(rank=_ladder_rank(rules))
        .values("item_id")
        .annotate(worst=Max("rank"))
        .values_list("item_id", "worst")
        .order_by()
    )
    rows: Any = (
        _classified_whole([plan.pk], today, plan.year)
        if plan.pk in plans_seen_whole(user, [plan])
        else _classified_scoped(user, [plan.pk], today, plan.year)
    )
    _, due = rules_module.window_sql(start_date="item__start_date", due_date="item__due_date", year=plan.year)
    rows = rows.annotate(due_day=due)
    fields = ("item_id", "status", "item_percent", "due_day", "item__path")
    warned = list(rows.filter(item_id__in=list(ranks)).values_list(*fields)) if ranks else []
    overdue = rows.filter(status=Status.OVERDUE.value)
    if ranks:
        overdue = overdue.exclude(item_id__in=list(ranks))
    # The count of every overdue row rides on the page as a window (before LIMIT).
    first = list(
        overdue.annotate(total=Window(Count("*")))
        .order_by("due_day", "item__path")
        .values_list(*fields, "total")[:limit]
    )
    total = len(warned) + (first[0][-1] if first else 0)
    candidates = [(*row, ranks[row[0]]) for row in warned] + [(*row[:-1], 0) for row in first]
    candidates.sort(key=lambda r: (-r[5], r[1] != Status.OVERDUE.value, r[3], r[4]))
    return total, [AttentionItem(i, s, p, levels.get(r)) for i, s, p, _, _, r in candidates[:limit]]


def rollup_drift(*, user: Any) -> list[tuple[Plan, int, int, int]]:
    """Per plan the user may edit: how many tracks, items and report tallies disagree with their reports."""
    from workplan.permissions import Action
    from workplan.progress import rollup_state

    return [
        (plan, *rollup_state.drift(plan))
        for plan in Plan.objects.visible_to(user, Action.EDIT).order_by("pk")
    ]


@dataclass
class TreeNode:
    """One item of a tree level: its own status (when units report on it) and its subtree's counts."""

    item: PlanItem
    status: str | None
    counts: dict[str, int]  # tracked items in the subtree (the item included) by status


@dataclass
class TreeLevel:
    parent: PlanItem | None
    nodes: list[TreeNode]
    total: int  # children of the parent the user sees
    offset: int
    limit: int

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.total else None


TREE_PAGE = 200


def tree_level(
    *, user: Any, plan: Plan, parent: PlanItem | None, today: dt.date, offset: int = 0, limit: int = TREE_PAGE
) -> TreeLevel:
    """One level of the plan's tree, a page at a time (at most ``limit`` rows), with each node's
    status counts below it counted in SQL: three queries whatever the plan's size."""
    depth = 1 if parent is None else parent.depth + 1
    prefix = "" if parent is None else parent.path
    children = PlanItem.objects.visible_to(user).filter(plan=plan, depth=depth, path__startswith=prefix)
    total = children.count()
    page = list(children.order_by("path")[offset : offset + limit])
    keys = [item.path for item in page]
    counts: dict[str, dict[str, int]] = {key: dict.fromkeys([s.value for s in Status], 0) for key in keys}
    own: dict[str, str] = {}
    if keys:
        node = Substr("item__path", 1, depth * PlanItem.steplen)
        whole = plan.pk in plans_seen_whole(user, [plan])
        rows: Any = (
            _classified_whole([plan.pk], today, plan.year)
            if whole
            else _classified_scoped(user, [plan.pk], today, plan.year)
        )
        rows = rows.filter(item__path__startswith=prefix, item__depth__gte=depth).annotate(node=node)
        rows = rows.filter(node__in=keys)
        if whole:
            grouped = rows.values("node", "status", "item__depth").annotate(n=Count("id")).order_by()
            found = [(r["node"], r["status"], r["item__depth"], r["n"]) for r in grouped]
        else:
            found = [(n, s, d, 1) for n, s, d in rows.values_list("node", "status", "item__depth")]
        for key, status, item_depth, n in found:
            counts[key][status] += n
            if item_depth == depth:
                own[key] = status
    for item in page:
        item.plan = plan
    nodes = [TreeNode(item, own.get(item.path), counts[item.path]) for item in page]
    return TreeLevel(parent=parent, nodes=nodes, total=total, offset=offset, limit=limit)
