"""Background work of this app: reading a large uploaded plan document into its draft."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from workplan.plans import drafts
from workplan.tasks.registry import job


@job("plans.read_draft", label=_("reading an uploaded plan document"), max_attempts=3)
def read_draft_job(draft_id: int) -> dict[str, Any]:
    return drafts.draft_read(draft_id=draft_id)
