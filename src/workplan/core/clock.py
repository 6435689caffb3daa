"""The one clock the domain reads, so tests can move time without sleeping."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.utils import timezone

_now: Callable[[], dt.datetime] = timezone.now


def now() -> dt.datetime:
    """The current aware datetime (or the frozen one inside :func:`frozen`)."""
    return _now()


def today() -> dt.date:
    """Today's date in the project's time zone."""
    return timezone.localdate(now())


@contextmanager
def frozen(moment: dt.datetime) -> Iterator[None]:
    """Make :func:`now` return ``moment`` inside the block (tests, ``workplan tick --now``)."""
    if timezone.is_naive(moment):
        raise ValueError("frozen() needs an aware datetime")
    global _now
    previous = _now
    _now = lambda: moment  # noqa: E731
    try:
        yield
    finally:
        _now = previous
