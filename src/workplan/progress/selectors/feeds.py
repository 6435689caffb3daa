"""Calendar feeds (.ics) and their tokens."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from workplan.core import clock
from workplan.core.errors import NotFound
from workplan.progress import ics
from workplan.progress.models import (
    CLOSED_STATES,
    FeedToken,
    Occurrence,
    Period,
    Track,
)
from workplan.progress.policies import feed_is_valid


def feed_token_list(*, user: Any) -> QuerySet[FeedToken]:
    return FeedToken.objects.visible_to(user).select_related("unit").order_by("-created_at", "-id")


def _feed_token(raw: str) -> FeedToken:
    token = (
        FeedToken.objects.filter(token_hash=FeedToken.hash_of(raw or ""), revoked_at__isnull=True)
        .select_related("unit", "created_by")
        .first()
    )
    if token is None or not token.created_by.is_active:
        raise NotFound("no such calendar feed (the link may have been revoked)")
    if not feed_is_valid(token):
        raise NotFound("no such calendar feed (the link may have been revoked)")
    return token


def feed_ics(*, token: str) -> bytes:
    """The .ics calendar of a unit's (and its sub-units') deadlines, for a valid feed token.

    Events: each open reporting period's due date (one per plan), each task's due date,
    and each unmet occurrence of a recurring obligation. A revoked or unknown token, or one
    whose creator has left the unit, raises NotFound.
    """
    feed = _feed_token(token)
    unit = feed.unit
    tracks = list(
        Track.objects.filter(unit__path__startswith=unit.path)
        .exclude(state__in=CLOSED_STATES)
        .select_related("item__plan", "unit")
        .order_by("item__path")
    )
    events: list[ics.FeedEvent] = []
    per_plan: dict[int, list[Track]] = defaultdict(list)
    for track in tracks:
        per_plan[track.item.plan_id].append(track)
        if track.item.due_date:
            events.append(
                ics.FeedEvent(
                    uid=f"item-{track.item_id}-unit-{track.unit_id}@workplan",
                    day=track.item.due_date,
                    summary=f"任务截止 Task due: {track.item}",
                    description=f"{track.item.plan} · {track.unit}",
                    category="deadline",
                )
            )
    for period in Period.objects.filter(plan_id__in=per_plan, closed_at__isnull=True).select_related("plan"):
        count = len(per_plan[period.plan_id])
        events.append(
            ics.FeedEvent(
                uid=f"period-{period.pk}-unit-{unit.pk}@workplan",
                day=period.due_date,
                summary=f"进展报送 Reports due: {period.plan} {period.label} ({count})",
                description="\n".join(str(t.item) for t in per_plan[period.plan_id][:50]),
                category="report",
            )
        )
    occurrences = Occurrence.objects.filter(
        item_id__in={t.item_id for t in tracks}, met_by__isnull=True
    ).select_related("obligation", "item")
    events.extend(
        ics.FeedEvent(
            uid=f"occurrence-{occurrence.pk}@workplan",
            day=occurrence.window_end,
            summary=f"按期开展 Due: {occurrence.obligation.description} · {occurrence.item}",
            description=f"{occurrence.window_start} – {occurrence.window_end}",
            category="obligation",
        )
        for occurrence in occurrences
    )
    events.sort(key=lambda e: (e.day, e.uid))
    return ics.render(name=f"{unit} · workplan", events=events, stamp=clock.now())
