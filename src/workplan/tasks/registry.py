"""Task functions by name. A function is registered with :func:`job` in its app's ``jobs.py``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from workplan.core.errors import Invalid


@dataclass(frozen=True)
class Job:
    name: str
    function: Callable[..., Any]
    max_attempts: int
    label: Any  # what a person calls it (lazy translation)
    # Called after each failed attempt, in its own transaction: on_failure(arguments=, error=, final=)
    on_failure: Callable[..., None] | None = None


_JOBS: dict[str, Job] = {}


def job(
    name: str, *, label: Any, max_attempts: int = 3, on_failure: Callable[..., None] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``function`` to run in the background as ``name``; it takes JSON-able keywords.

    A failed attempt rolls back whatever the function wrote; ``on_failure`` records it (in a
    transaction of its own) with ``final=True`` once the attempts are spent.
    """

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        _JOBS[name] = Job(
            name=name, function=function, max_attempts=max_attempts, label=label, on_failure=on_failure
        )
        return function

    return register


def get(name: str) -> Job:
    try:
        return _JOBS[name]
    except KeyError:
        raise Invalid(_("There is no background task called %(name)s.") % {"name": name}) from None


def names() -> list[str]:
    return sorted(_JOBS)
