"""Keyset (cursor) pagination: the next page starts after the last key seen, never at an OFFSET.

Used by the API and the generic register pages alike.

The key is a unique column: the tree ``path`` for items and units (so a page deep in a
50,000-item plan costs what the first page costs), ``id`` for everything else.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def keyset_page(
    queryset: QuerySet[M], *, key: str, cursor: str | None, limit: int, descending: bool = False
) -> tuple[list[M], str | None]:
    """One page of ``queryset`` ordered by ``key``, and the cursor of the next page (None at the end).

    ``cursor`` was validated by the schema (a path, or digits for an id key).
    """
    ordered = queryset.order_by(f"-{key}" if descending else key)
    if cursor:
        value: Any = int(cursor) if key == "id" else cursor
        ordered = ordered.filter(**{f"{key}__{'lt' if descending else 'gt'}": value})
    rows = list(ordered[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, str(getattr(rows[-1], key))
