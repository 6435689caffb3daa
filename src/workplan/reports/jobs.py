"""Background work of this app: making a requested bulletin or summary."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from workplan.reports import services
from workplan.tasks.registry import job


@job("reports.generate", label=_("making a bulletin or summary"), max_attempts=3)
def generate_job(document_id: int) -> dict[str, Any]:
    return services.document_make(document_id=document_id)
