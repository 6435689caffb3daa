"""Render a list of dated deadlines as an iCalendar (RFC 5545) feed with all-day events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from icalendar import Calendar, Event

PRODID = "-//workplan//progress feed//ZH"


@dataclass(frozen=True)
class FeedEvent:
    uid: str  # stable across renders, so calendar clients update instead of duplicating
    day: dt.date
    summary: str
    description: str = ""
    category: str = ""


def render(*, name: str, events: Iterable[FeedEvent], stamp: dt.datetime) -> bytes:
    """The .ics bytes of ``events`` (one all-day VEVENT each) for a calendar called ``name``."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp.astimezone(dt.UTC))
        event.add("dtstart", item.day)
        event.add("dtend", item.day + dt.timedelta(days=1))
        event.add("summary", item.summary)
        event.add("transp", "TRANSPARENT")
        if item.description:
            event.add("description", item.description)
        if item.category:
            event.add("categories", [item.category])
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data
