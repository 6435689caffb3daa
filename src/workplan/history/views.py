"""Thin HTML views of the past: the item page as of a day, and what changed between two days."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from workplan.core.http import domain_errors
from workplan.history import changes as history_changes
from workplan.history import selectors
from workplan.history.dates import BadDay, change_window, past_day
from workplan.plans import selectors as plan_selectors
from workplan.plans.models import Plan

View = Callable[..., HttpResponse]


def bad_day_errors(view: View) -> View:
    """Answer a bad "as of" day (malformed, future, before the plan) with a 400 page saying why."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except BadDay as error:
            return render(request, "history/bad_day.html", {"message": error.message}, status=400)

    return wrapper


def requested_day(request: HttpRequest, plan: Plan, name: str = "as_of") -> dt.date | None:
    """The past day the request asks for (``?as_of=``), or ``None`` for today; ``BadDay`` if unusable."""
    return past_day(plan, request.GET.get(name), name=name)


def item_at(request: HttpRequest, item_id: int, day: dt.date) -> HttpResponse:
    """The item page as it stood at the end of ``day`` (read-only)."""
    page = selectors.item_page_at(user=request.user, item_id=item_id, day=day)
    return render(request, "history/item.html", {"page": page, "past": day, "plan": page.plan})


@login_required
@require_GET
@domain_errors
@bad_day_errors
def plan_changes(request: HttpRequest, plan_id: int) -> HttpResponse:
    """What changed in the plan between two days (``?since=&until=``; by default the last 30 days)."""
    plan = plan_selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    since, until = change_window(plan, since=request.GET.get("since"), until=request.GET.get("until"))
    found = history_changes.plan_changes(user=request.user, plan=plan, since=since, until=until)
    context = {"plan": plan, "since": since, "until": until, "changes": found, "past": until}
    return render(request, "history/changes.html", context)
