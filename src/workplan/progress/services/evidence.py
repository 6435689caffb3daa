"""Evidence files attached to reports (one size limit, typed by content, stored by hash)."""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from django.db import transaction

from workplan.core import clock
from workplan.core.errors import Invalid
from workplan.core.services import instance_create, instance_delete
from workplan.progress import evidence as evidence_files
from workplan.progress.models import (
    Evidence,
    ProgressReport,
    ReportStatus,
)
from workplan.progress.services._common import (
    _require_reporter,
    _user_or_none,
)
from workplan.progress.status import rules


def _clean_filename(filename: str) -> str:
    name = PureWindowsPath(PurePosixPath(filename or "").name).name.strip()
    return (name or "evidence")[:255]


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


@transaction.atomic
def evidence_add(*, actor: Any, report: ProgressReport, filename: str, data: bytes) -> Evidence:
    """Attach a file to a report, after checking its size and its type by content.

    The file is kept once per content (by SHA-256); attaching the same file twice to one
    report returns the first attachment.
    """
    _require_reporter(actor, report.track)
    name = _clean_filename(filename)
    report = ProgressReport.objects.select_for_update().select_related("period").get(pk=report.pk)
    if report.status == ReportStatus.ACCEPTED:
        raise Invalid("the report was accepted and can no longer change")
    if report.period.is_closed:
        raise Invalid(f"the period {report.period.label} is closed: its reports can no longer change")
    limits = rules()
    if len(data) == 0:
        raise Invalid(f"{name} is empty: nothing was attached", details={"file": ["empty"]})
    if len(data) > limits.max_evidence_bytes:
        raise Invalid(
            f"{name} is {_megabytes(len(data))}; evidence files may be at most "
            f"{_megabytes(limits.max_evidence_bytes)}: it was not attached",
            details={"file": ["too large"]},
        )
    sniffed = evidence_files.sniff(data)
    if sniffed.kind is None or sniffed.kind not in limits.evidence_kinds:
        raise Invalid(
            f"{name} is {sniffed.description}, which is not accepted as evidence: attach a "
            f"{evidence_files.describe_kinds(limits.evidence_kinds)} file (its content decides, not its name)",
            details={"file": ["type not allowed"]},
        )
    digest = evidence_files.store(data)
    existing = Evidence.objects.filter(report=report, sha256=digest).first()
    if existing is not None:
        return existing
    return instance_create(
        actor=actor,
        instance=Evidence(
            report=report,
            sha256=digest,
            size=len(data),
            kind=sniffed.kind,
            content_type=evidence_files.KINDS[sniffed.kind][0],
            original_name=name,
            uploaded_at=clock.now(),
            uploaded_by=_user_or_none(actor),
        ),
        action="evidence.added",
    )


@transaction.atomic
def evidence_remove(*, actor: Any, evidence: Evidence) -> None:
    """Detach a file from a report that is not yet accepted (the stored bytes may be shared)."""
    report = evidence.report
    _require_reporter(actor, report.track)
    if report.status == ReportStatus.ACCEPTED:
        raise Invalid("the report was accepted and can no longer change")
    instance_delete(actor=actor, instance=evidence, action="evidence.removed")
