"""A revised plan document uploaded in the web UI, kept between its diff and "Apply".

The upload is parsed and compared with the stored plan (``revisions.revision_diff``, no
writes); the document is kept under its SHA-256 through Django's storage API, and applying
reads it back, parses it again and runs ``revisions.revision_apply`` (audited) on a fresh
diff, so what is applied is exactly what the stored plan and the document say at that moment.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext

from workplan.core.errors import Invalid
from workplan.parsing import ParseError, parse_document, read_bytes
from workplan.plans.models import Plan
from workplan.plans.revisions import ChangeKind, ItemChange, RevisionDiff, revision_apply, revision_diff

_TOKEN = re.compile(r"^[0-9a-f]{64}$")
_SUFFIX = re.compile(r"\.([A-Za-z0-9]{1,5})$")


@dataclass
class RevisionRow:
    """One changed item as the page shows it, with its promises before and after."""

    change: ItemChange
    old_promises: list[str] = field(default_factory=list)
    new_promises: list[str] = field(default_factory=list)

    @property
    def promises_changed(self) -> bool:
        return self.old_promises != self.new_promises


@dataclass(frozen=True)
class StagedRevision:
    diff: RevisionDiff
    rows: list[RevisionRow]
    token: str  # what the "Apply" form sends back

    @property
    def counts(self) -> list[tuple[str, int]]:
        return revision_counts(self.diff)


def revision_counts(diff: RevisionDiff) -> list[tuple[str, int]]:
    """How many items of each kind of change, in the order the page shows them."""
    kinds: tuple[ChangeKind, ...] = ("added", "removed", "moved", "reworded", "unchanged")
    return [(kind, diff.count(kind)) for kind in kinds]


def _name(token: str, suffix: str) -> str:
    return f"staging/revision-{token}.{suffix}"


def _parse(data: bytes, filename: str, year: int) -> Any:
    try:
        return parse_document(read_bytes(data, filename=filename), year=year)
    except ParseError as error:
        raise Invalid(str(error)) from None


def _stored_promises(change: ItemChange) -> list[str]:
    if change.old is None:
        return []
    return [t.text for t in change.old.targets.all()] + [d.text for d in change.old.deadlines.all()]


def _rows(diff: RevisionDiff) -> list[RevisionRow]:
    rows = []
    for change in diff.changes:
        if change.kind == "unchanged":
            continue
        old = _stored_promises(change)
        new = (
            [t.text for t in change.new.targets] + [d.text for d in change.new.deadlines]
            if change.new
            else []
        )
        rows.append(RevisionRow(change=change, old_promises=old, new_promises=new))
    return rows


def revision_preview(*, actor: Any, plan: Plan, data: bytes, filename: str) -> StagedRevision:
    """Parse the revised document and diff it with the plan; keep it for applying."""
    match = _SUFFIX.search(filename or "")
    if match is None:
        raise Invalid(gettext("The file has no extension: upload a .docx, .xlsx, .pdf, .txt or .md file."))
    diff = revision_diff(user=actor, plan=plan, parsed=_parse(data, filename, plan.year))
    token = f"{hashlib.sha256(data).hexdigest()}"
    name = _name(token, match.group(1).lower())
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))
    return StagedRevision(diff=diff, rows=_rows(diff), token=f"{token}.{match.group(1).lower()}")


def revision_apply_staged(*, actor: Any, plan: Plan, token: str) -> RevisionDiff:
    """Apply the document kept by :func:`revision_preview`; it is removed once applied."""
    digest, _, suffix = (token or "").partition(".")
    name = _name(digest, suffix)
    if (
        not _TOKEN.match(digest)
        or not re.fullmatch(r"[a-z0-9]{1,5}", suffix)
        or not default_storage.exists(name)
    ):
        raise Invalid(gettext("The uploaded document has expired: upload it again."))
    with default_storage.open(name, "rb") as staged:
        data = staged.read()
    diff = revision_diff(user=actor, plan=plan, parsed=_parse(data, f"revision.{suffix}", plan.year))
    revision_apply(actor=actor, diff=diff)
    default_storage.delete(name)
    return diff
