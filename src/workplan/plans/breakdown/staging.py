"""An uploaded breakdown table kept between its dry run and the planner's "Apply".

The dry run stores the table under its SHA-256 through Django's storage API (so with a shared
storage backend the table applies on any app host); applying reads it back, runs the same
import with ``apply=True`` and removes it. Nothing here writes the database itself: the
import does, with its audit rows.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext

from workplan.core.errors import Invalid
from workplan.plans.breakdown.changes import BreakdownPreview, breakdown_import
from workplan.plans.models import Plan

_TOKEN = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class StagedPreview:
    preview: BreakdownPreview
    # What the "Apply" form sends back; empty when there is nothing to apply.
    token: str


def _name(token: str) -> str:
    return f"staging/{token}.xlsx"


def breakdown_dry_run(*, actor: Any, plan: Plan, data: bytes, filename: str = "") -> StagedPreview:
    """The dry run of an uploaded table; a table with changes and no problem is kept for applying."""
    preview = breakdown_import(actor=actor, plan=plan, data=data, filename=filename)
    token = ""
    if preview.ok and preview.changes:
        token = hashlib.sha256(data).hexdigest()
        if not default_storage.exists(_name(token)):
            default_storage.save(_name(token), ContentFile(data))
    return StagedPreview(preview=preview, token=token)


def breakdown_apply_staged(*, actor: Any, plan: Plan, token: str) -> BreakdownPreview:
    """Apply the table kept by :func:`breakdown_dry_run`; it is removed once applied."""
    if not _TOKEN.match(token or "") or not default_storage.exists(_name(token)):
        raise Invalid(gettext("The uploaded table has expired: upload it again."))
    with default_storage.open(_name(token), "rb") as staged:
        data = staged.read()
    preview = breakdown_import(actor=actor, plan=plan, data=data, apply=True)
    if preview.applied:
        default_storage.delete(_name(token))
    return preview
