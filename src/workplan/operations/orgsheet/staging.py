"""An uploaded organisation workbook kept between its dry run and "apply" on the web page."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext

from workplan.core.errors import Invalid
from workplan.operations.orgsheet.preview import OrgPreview

_TOKEN = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class StagedOrgPreview:
    preview: OrgPreview
    token: str


def _name(token: str) -> str:
    return f"staging/organisation/{token}.xlsx"


def org_dry_run(*, actor: Any, data: bytes, filename: str = "") -> StagedOrgPreview:
    """The dry run of an uploaded workbook; one with changes and no problem is kept for applying."""
    from workplan.operations.services import organisation_import

    preview = organisation_import(actor=actor, data=data, filename=filename)
    token = ""
    if preview.ok and preview.changes:
        token = hashlib.sha256(data).hexdigest()
        if not default_storage.exists(_name(token)):
            default_storage.save(_name(token), ContentFile(data))
    return StagedOrgPreview(preview=preview, token=token)


def org_apply_staged(*, actor: Any, token: str) -> OrgPreview:
    """Apply the workbook kept by :func:`org_dry_run`; it is removed once applied."""
    from workplan.operations.services import organisation_import

    if not _TOKEN.match(token or "") or not default_storage.exists(_name(token)):
        raise Invalid(gettext("The uploaded workbook has expired: upload it again."))
    with default_storage.open(_name(token), "rb") as staged:
        data = staged.read()
    preview = organisation_import(actor=actor, data=data, filename="organisation.xlsx", apply=True)
    if preview.applied:
        default_storage.delete(_name(token))
    return preview
