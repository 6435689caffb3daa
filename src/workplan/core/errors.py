"""Domain errors raised by services and selectors, mapped to responses by each adapter.

They carry a message for the person who caused them; adapters (web, API, CLI) decide the
status code or exit status. Missing and forbidden reads both raise :class:`NotFound`.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of the errors a service reports to its caller."""

    code = "error"

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    """The object does not exist, or the actor may not see it (the two look the same)."""

    code = "not_found"


class Forbidden(DomainError):
    """The actor may see the object but not do this to it."""

    code = "forbidden"


class Invalid(DomainError):
    """The input breaks a rule; ``details`` may map fields to messages."""

    code = "invalid"


class Conflict(DomainError):
    """The write is stale: someone else changed the object first."""

    code = "conflict"


def pk_or_not_found(raw: Any) -> int:
    """An id from a URL or a request as an integer; anything else is simply not found."""
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise NotFound("not found") from None
