"""Evidence files, served only to those who may see their report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files import File

from workplan.core.errors import NotFound
from workplan.progress import evidence as evidence_files
from workplan.progress.models import (
    Evidence,
)


@dataclass(frozen=True)
class EvidenceFile:
    """What a view needs to serve a file: stream ``open()`` as an attachment with these headers."""

    evidence: Evidence
    content_type: str
    filename: str
    size: int

    def open(self) -> File[Any]:
        return evidence_files.open_file(self.evidence.sha256)

    def read(self) -> bytes:
        return evidence_files.read(self.evidence.sha256)


def evidence_get_for_user(*, user: Any, evidence_id: Any) -> Evidence:
    try:
        evidence: Evidence = (
            Evidence.objects.visible_to(user).select_related("report__item").get(pk=int(evidence_id))
        )
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise NotFound("no such file") from None
    return evidence


def evidence_open(*, user: Any, evidence_id: Any) -> EvidenceFile:
    """The stored file of an evidence row, only for users who may see its report."""
    evidence = evidence_get_for_user(user=user, evidence_id=evidence_id)
    if not evidence_files.exists(evidence.sha256):
        raise NotFound("the file is missing from storage")
    return EvidenceFile(
        evidence=evidence,
        content_type=evidence.content_type,
        filename=evidence.original_name,
        size=evidence.size,
    )
