"""Sections that other apps fill: indicator attainment (ledgers) and the assessment ranking.

A provider is a function ``(user=, plan=, as_of=) -> ProvidedTable | None``; None means the
app is not installed or has nothing for this plan, and the section says so. The real
providers are looked up by name (:data:`PROVIDERS`) so that this app does not import apps
that may not exist; a test may :func:`override` one.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from workplan.plans.models import Plan


@dataclass
class ProvidedTable:
    """A section's table: header, rows of text, and per row the item it is about (or None)."""

    columns: list[str]
    rows: list[list[str]]
    item_ids: list[int | None] = field(default_factory=list)
    note: str = ""
    widths: list[float] | None = None  # relative column widths


Provider = Callable[..., ProvidedTable | None]

# section -> "module:function" of the app that answers it.
PROVIDERS: dict[str, str] = {
    "indicators": "workplan.reports.adapters_ledgers:indicator_attainment",
    "assessment": "workplan.reports.adapters_assessment:published_ranking",
}
_overrides: dict[str, Provider] = {}


def _load(section: str) -> Provider | None:
    if section in _overrides:
        return _overrides[section]
    module_name, _, name = PROVIDERS[section].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    found: Provider | None = getattr(module, name, None)
    return found


def provided(section: str, *, user: Any, plan: Plan, as_of: dt.date) -> ProvidedTable | None:
    """The section's table from its provider, or None when there is none (or it has no rows)."""
    provider = _load(section)
    if provider is None:
        return None
    table = provider(user=user, plan=plan, as_of=as_of)
    return table if table is not None and table.rows else None


@contextmanager
def override(section: str, provider: Provider) -> Iterator[None]:
    """Use ``provider`` for ``section`` inside the block (tests)."""
    _overrides[section] = provider
    try:
        yield
    finally:
        _overrides.pop(section, None)
