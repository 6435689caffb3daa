"""Requests per caller per time window, counted in the database so every process shares it.

One statement per request: an upsert that adds one to the caller's row for the current
window and returns the new count (SQLite ≥ 3.35 and PostgreSQL both support
``INSERT … ON CONFLICT … DO UPDATE … RETURNING``). No Redis needed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from workplan.api.models import RateCounter
from workplan.core import clock


@dataclass(frozen=True)
class RateState:
    count: int
    limit: int
    retry_after: int

    @property
    def exceeded(self) -> bool:
        return self.limit > 0 and self.count > self.limit


def hit(scope: str) -> RateState:
    """Count one request of ``scope`` (``token:<id>`` or ``user:<id>``) in the current window."""
    limit: int = settings.WORKPLAN_API_RATE_LIMIT
    window: int = settings.WORKPLAN_API_RATE_WINDOW_SECONDS
    if limit <= 0:
        return RateState(count=0, limit=0, retry_after=0)
    now = int(clock.now().timestamp())
    start = now - now % window
    quote = connection.ops.quote_name
    table = quote(RateCounter._meta.db_table)
    scope_col, start_col, count_col = quote("scope"), quote("window_start"), quote("count")
    sql = (
        f"INSERT INTO {table} ({scope_col}, {start_col}, {count_col}) VALUES (%s, %s, 1) "  # noqa: S608 - names are quoted model metadata
        f"ON CONFLICT ({scope_col}, {start_col}) DO UPDATE SET {count_col} = {table}.{count_col} + 1 "
        f"RETURNING {count_col}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [scope, start])
        row = cursor.fetchone()
    count = int(row[0]) if row else 1
    if count == 1:  # the caller's first request in this window: forget the older windows
        RateCounter.objects.filter(scope=scope, window_start__lt=start).delete()
    return RateState(count=count, limit=limit, retry_after=start + window - now)
