"""The ranking of the plan's latest published assessment run (``workplan.assessment``).

Imported lazily: without the assessment app, or before a run is published, this provider
answers None and the section says that no figures are available.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from django.utils.translation import gettext as _

from workplan.plans.models import Plan
from workplan.reports.document import clean
from workplan.reports.providers import ProvidedTable


def published_ranking(*, user: Any, plan: Plan, as_of: dt.date) -> ProvidedTable | None:
    """Rank, unit, score and award of the newest published run of a rubric of the plan."""
    try:
        assessment = importlib.import_module("workplan.assessment.selectors")
    except ImportError:
        return None
    run = (
        assessment.run_list_for_user(user=user)
        .filter(rubric__plan=plan, status="published")
        .order_by("-published_at", "-id")
        .first()
    )
    if run is None:
        return None
    results = list(assessment.results_for_user(user=user, run=run))
    return ProvidedTable(
        columns=[_("Rank"), _("Unit"), _("Score"), _("Award")],
        rows=[
            [f"{r.rank}{'=' if r.tied else ''}", clean(r.subject_label), str(r.total), clean(r.band) or "—"]
            for r in results
        ],
        item_ids=[None] * len(results),
        widths=[0.8, 4, 1, 1.5],
        note=_("%(rubric)s, period %(period)s, published %(date)s.")
        % {
            "rubric": clean(run.rubric),
            "period": run.period,
            "date": run.published_at.date() if run.published_at else "—",
        },
    )
