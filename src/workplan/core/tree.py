"""Materialised paths for bulk loads of treebeard ``MP_Node`` trees.

treebeard inserts one node per query; importing a plan or generating a large organisation
computes the same paths here and inserts them with ``bulk_create``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Model, QuerySet

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's default
STEPLEN = 4


def path_step(position: int) -> str:
    """The 4-character step for the ``position``-th child (1-based)."""
    if not 1 <= position < len(ALPHABET) ** STEPLEN:
        raise ValueError(f"tree position {position} is out of range")
    digits = []
    value = position
    while value:
        value, remainder = divmod(value, len(ALPHABET))
        digits.append(ALPHABET[remainder])
    return "".join(reversed(digits)).rjust(STEPLEN, "0")


def step_position(step: str) -> int:
    """Inverse of :func:`path_step`."""
    value = 0
    for char in step:
        value = value * len(ALPHABET) + ALPHABET.index(char)
    return value


def child_path(parent_path: str, position: int) -> str:
    return parent_path + path_step(position)


def lock_forest(model: type[Model]) -> None:
    """Serialise inserts into ``model``'s tree until the transaction ends.

    A new node's path is computed from the last root or the parent's last child, so two
    transactions inserting at once would compute the same path (a unique-key error, found by
    four clients creating items in bench/peer). PostgreSQL: a transaction-level advisory lock
    per table; SQLite serialises writers by itself.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [model._meta.db_table])


def next_root_position(last_root_path: str | None) -> int:
    """The position after the last root (1 when the tree is empty)."""
    return 1 if not last_root_path else step_position(last_root_path[:STEPLEN]) + 1


def tree_parent_ids(model: type[Model], rows: Iterable[Any], visible: QuerySet[Any]) -> dict[str, int]:
    """{path: id} of the parents of ``rows`` (tree nodes) that ``visible`` holds: one query."""
    steplen: int = getattr(model, "steplen", 4)
    paths = {row.path[:-steplen] for row in rows if row.depth > 1}
    if not paths:
        return {}
    return dict(visible.filter(path__in=paths).values_list("path", "id"))
