"""Indicator attainment from the ledgers app (``workplan.ledgers.selectors.indicator_attainments``).

Imported lazily: without the ledgers app this provider answers None and the section says
that no figures are available (see :mod:`workplan.reports.providers`).
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from django.utils.translation import gettext as _

from workplan.plans.models import Plan
from workplan.reports.document import clean
from workplan.reports.providers import ProvidedTable


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"


def _status(code: str) -> str:
    labels = {
        "met": _("met"),
        "on_track": _("on track"),
        "behind": _("behind"),
        "no_data": _("no data"),
        "no_target": _("no target"),
    }
    return labels.get(code, code)


def indicator_attainment(*, user: Any, plan: Plan, as_of: dt.date) -> ProvidedTable | None:
    """Each indicator of the plan: its target, value, attainment and status, with its item."""
    try:
        ledgers = importlib.import_module("workplan.ledgers.selectors")
    except ImportError:
        return None
    rows = ledgers.indicator_attainments(plan, user=user, as_of=as_of)
    return ProvidedTable(
        columns=[_("Indicator"), _("Target"), _("Value"), _("Attainment"), _("Status"), _("Records")],
        rows=[
            [
                clean(f"{r.code} {r.name}"),
                clean(r.target_text or f"{r.comparator}{_number(r.target)}{r.measure_unit}"),
                clean(f"{_number(r.value)}{r.measure_unit}"),
                "—" if r.attainment is None else f"{round(r.attainment * 100)}%",
                _status(r.status),
                str(r.records),
            ]
            for r in rows
        ],
        item_ids=[r.item_id for r in rows],
        widths=[3, 2.2, 1.2, 1, 1, 0.8],
    )
