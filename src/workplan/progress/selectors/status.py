"""Derived status: per track, per item, rolled up the plan's tree (rules in progress.status)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from workplan.core import clock
from workplan.core.errors import NotFound
from workplan.plans.models import Plan, PlanItem
from workplan.progress import status as rules_module
from workplan.progress.models import (
    Escalation,
    ItemProgress,
    ItemState,
    ReportStatus,
    SelfStatus,
    Track,
    TrackState,
)
from workplan.progress.selectors.tracks import track_facts, with_latest
from workplan.progress.status import Status


@dataclass
class TrackStatus:
    track: Track
    status: Status
    percent: int | None
    expected_percent: float
    warning_level: str | None  # the highest warning raised on the track


@dataclass
class ItemStatusRow:
    """An item's derived status, its slowest unit's percent, and each unit's own status."""

    item: PlanItem
    status: Status
    percent: int | None
    expected_percent: float
    due: dt.date
    state: str  # "not_dispatched", or ItemProgress.state
    tracks: list[TrackStatus]
    warning_level: str | None


_ROLL_UP_ORDER = [Status.OVERDUE, Status.AT_RISK]


def _roll_up(children: list[Status]) -> Status | None:
    if not children:
        return None
    if all(s == Status.DONE for s in children):
        return Status.DONE
    for worst in _ROLL_UP_ORDER:
        if worst in children:
            return worst
    if any(s in (Status.ON_TRACK, Status.DONE) for s in children):
        return Status.ON_TRACK
    return Status.NOT_STARTED


BOARD_ITEM_FIELDS = (
    "id", "plan_id", "path", "depth", "numchild", "number", "label", "title",
    "weight", "start_date", "due_date", "status",
)  # fmt: skip
BOARD_TRACK_FIELDS = (
    "id", "item_id", "unit_id", "role", "state", "latest_percent", "version",
    "unit__id", "unit__name", "unit__short_name", "unit__path", "unit__depth", "unit__code",
)  # fmt: skip


def plan_status_board(*, user: Any, plan: Plan, today: dt.date | None = None) -> list[ItemStatusRow]:
    """Every visible item of the plan with its derived status, in document order.

    Items with units are judged by the rules of ``progress.status`` (the slowest unit's
    percent); items without (parts, unassigned measures) roll up their children: done when
    all are, else the worst of overdue / at risk, else on track once anything moves.
    Five queries whatever the plan's size.
    """
    today = today or clock.today()
    rules = rules_module.rules()
    # Only the columns the board reads: a 2,000-item plan means ~4,000 model instances, and
    # every deferred text or datetime column not converted is time saved.
    items = list(
        PlanItem.objects.visible_to(user).filter(plan=plan).only(*BOARD_ITEM_FIELDS).order_by("path")
    )
    items_by_id = {item.pk: item for item in items}
    for item in items:
        item.plan = plan  # the same object for all: no query per item
    states = dict(ItemProgress.objects.filter(plan=plan).values_list("item_id", "state"))
    tracks_by_item: dict[int, list[Track]] = defaultdict(list)
    tracks = (
        with_latest(
            Track.objects.visible_to(user).filter(item__plan=plan).exclude(state=TrackState.REASSIGNED)
        )
        .select_related("unit")
        .only(*BOARD_TRACK_FIELDS)
    )
    for track in tracks.order_by("id"):
        if track.item_id in items_by_id:
            track.item = items_by_id[track.item_id]
        tracks_by_item[track.item_id].append(track)
    order = {step.level: n for n, step in enumerate(rules.ladder, start=1)}
    warnings: dict[int, str] = {}
    for track_id, level in Escalation.objects.filter(item__plan=plan).values_list("track_id", "level"):
        if order.get(level, 0) > order.get(warnings.get(track_id, ""), 0):
            warnings[track_id] = level
    rows: dict[int, ItemStatusRow] = {}
    children: dict[str, list[Status]] = defaultdict(list)
    for item in reversed(items):  # children before parents
        state = states.get(item.pk, "not_dispatched")
        start, due = rules_module.window(start=item.start_date, due=item.due_date, year=plan.year)
        per_track = []
        for track in tracks_by_item.get(item.pk, []):
            facts = track_facts(track, today)
            per_track.append(
                TrackStatus(
                    track=track,
                    status=rules_module.derive(facts, rules),
                    percent=track.latest_percent,
                    expected_percent=facts.expected_percent,
                    warning_level=warnings.get(track.pk),
                )
            )
        percents = [t.percent for t in per_track]
        percent = None if all(p is None for p in percents) else min(p or 0 for p in percents)
        facts = rules_module.Facts(
            start=start,
            due=due,
            today=today,
            percent=percent,
            returned=any(getattr(t.track, "latest_status", None) == ReportStatus.RETURNED for t in per_track),
            self_flagged=any(
                getattr(t.track, "latest_self_status", None) in (SelfStatus.AT_RISK, SelfStatus.BEHIND)
                for t in per_track
            ),
            done=state == ItemState.COMPLETED,
        )
        derived = rules_module.derive(facts, rules)
        if not per_track and state != ItemState.COMPLETED:
            derived = _roll_up(children.get(item.path, [])) or derived
        levels = [t.warning_level for t in per_track if t.warning_level]
        rows[item.pk] = ItemStatusRow(
            item=item,
            status=derived,
            percent=percent,
            expected_percent=facts.expected_percent,
            due=due,
            state=state,
            tracks=per_track,
            warning_level=max(levels, key=lambda lv: order.get(lv, 0)) if levels else None,
        )
        if item.depth > 1:
            children[item.path[: -PlanItem.steplen]].append(derived)
    return [rows[item.pk] for item in items]


def item_status(*, user: Any, item: PlanItem, today: dt.date | None = None) -> ItemStatusRow:
    """One item's derived status (see :func:`plan_status_board`)."""
    for row in plan_status_board(user=user, plan=item.plan, today=today):
        if row.item.pk == item.pk:
            return row
    raise NotFound("no such item")
