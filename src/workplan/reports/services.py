"""Writes of the reports app: generating a document (recorded), marking good practice."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from workplan import permissions
from workplan.core import audit, clock
from workplan.core.errors import Invalid
from workplan.core.services import instance_update
from workplan.permissions import Action
from workplan.plans.models import Plan
from workplan.progress.models import ProgressReport, ReportStatus
from workplan.reports import wording
from workplan.reports.document import Doc
from workplan.reports.models import (
    DocumentFormat,
    DocumentKind,
    GeneratedDocument,
    GoodPractice,
    ReportWording,
)
from workplan.reports.render import renderer
from workplan.reports.selectors import bulletin, summary, template_values
from workplan.tasks import queue

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


@dataclass(frozen=True)
class Generated:
    """A generated file and the row that records how it was made."""

    record: GeneratedDocument
    content: bytes
    filename: str
    content_type: str


def _data_state(plan: Plan) -> dict[str, Any]:
    """What the document was made from: how many reports, and the newest change among them."""
    reports = ProgressReport.objects.filter(item__plan=plan)
    newest = reports.aggregate(newest=Max("updated_at"))["newest"]
    return {
        "reports": reports.count(),
        "newest_report_change": newest.isoformat() if newest else None,
        "plan_version": plan.version,
    }


def _build(*, actor: Any, plan: Plan, kind: str, period: Any, year: int | None) -> Doc:
    template = template_values(plan=plan)
    if kind == DocumentKind.BULLETIN:
        if period in (None, ""):
            raise Invalid(_("Choose the reporting period of the bulletin."), details={"period": ["required"]})
        return bulletin(user=actor, plan=plan, period=period, template=template)
    if kind == DocumentKind.SUMMARY:
        return summary(user=actor, plan=plan, year=year, template=template)
    raise Invalid(_("Unknown kind of document."), details={"kind": ["unknown"]})


@transaction.atomic
def document_generate(
    *, actor: Any, plan: Plan, kind: str, fmt: str, period: Any = None, year: int | None = None
) -> Generated:
    """Build a bulletin or a summary as ``actor`` sees the plan, render it, and record it.

    The record keeps the time, the actor, the inputs (period, year, format, as-of date, the
    data's state) and every figure with the ids of its rows.
    """
    _check(actor=actor, plan=plan, fmt=fmt)
    record = GeneratedDocument(plan=plan, kind=kind, format=fmt, year=year or plan.year)
    content = _make(actor=actor, record=record, period=period, year=year)
    record.save(force_insert=True)
    audit.record(actor=actor, action="document.generated", target=record, after=audit.snapshot(record))
    return Generated(
        record=record, content=content, filename=record.download_name(), content_type=CONTENT_TYPES[fmt]
    )


def _check(*, actor: Any, plan: Plan, fmt: str) -> None:
    permissions.require(actor, Action.VIEW, plan)
    if fmt not in DocumentFormat.values:
        raise Invalid(_("Unknown format: use docx, xlsx, pdf or html."), details={"format": ["unknown"]})


def _make(*, actor: Any, record: GeneratedDocument, period: Any, year: int | None) -> bytes:
    """Build and render ``record``'s document as ``actor`` sees the plan; fill the record (unsaved)."""
    plan = record.plan
    started = time.perf_counter()
    doc = _build(actor=actor, plan=plan, kind=record.kind, period=period, year=year)
    content = renderer(record.format)(doc)
    period_row = getattr(doc, "period", None)
    record.period = period_row
    record.year = year or plan.year
    record.created_at = record.created_at or clock.now()
    record.created_by = actor if getattr(actor, "pk", None) else None
    record.inputs = {
        "period": period_row.label if period_row else None,
        "year": year or plan.year,
        "format": record.format,
        "as_of": doc.date.isoformat(),
        "language": doc.language,
        "data": _data_state(plan),
    }
    record.figures = doc.figures_json()
    record.sha256 = hashlib.sha256(content).hexdigest()
    record.size = len(content)
    record.seconds = round(time.perf_counter() - started, 3)
    return content


@transaction.atomic
def document_request(
    *,
    actor: Any,
    plan: Plan,
    kind: str,
    fmt: str,
    period: Any = None,
    year: int | None = None,
    language: str = "",
) -> GeneratedDocument:
    """Ask for a bulletin or summary to be made in the background (task ``reports.generate``).

    The record is written now, with its task; the task builds the document as ``actor`` sees
    the plan, in ``language``, stores the file and fills the record (document_make).
    """
    _check(actor=actor, plan=plan, fmt=fmt)
    if kind not in DocumentKind.values:
        raise Invalid(_("Unknown kind of document."), details={"kind": ["unknown"]})
    if kind == DocumentKind.BULLETIN and period in (None, ""):
        raise Invalid(_("Choose the reporting period of the bulletin."), details={"period": ["required"]})
    record = GeneratedDocument.objects.create(
        plan=plan,
        kind=kind,
        format=fmt,
        year=year or plan.year,
        created_at=clock.now(),
        created_by=actor,
        inputs={"asked": {"period": period, "year": year, "language": language}},
    )
    record.task = queue.enqueue("reports.generate", {"document_id": record.pk}, created_by=actor)
    record.save(update_fields=["task"])
    audit.record(actor=actor, action="document.requested", target=record, after=audit.snapshot(record))
    return record


@transaction.atomic
def document_make(*, document_id: int) -> dict[str, Any]:
    """Make a requested document (the ``reports.generate`` task) and store its file."""
    record = (
        GeneratedDocument.objects.select_for_update(of=("self",))
        .select_related("plan", "created_by")
        .get(pk=document_id)
    )
    if record.file:
        return {"skipped": "already made"}
    asked = record.inputs.get("asked", {})
    with translation.override(asked.get("language") or None):
        content = _make(
            actor=record.created_by, record=record, period=asked.get("period"), year=asked.get("year")
        )
    record.file.save(f"{record.sha256}-{record.download_name()}", ContentFile(content), save=False)
    record.save()
    audit.record(
        actor=record.created_by, action="document.generated", target=record, after=audit.snapshot(record)
    )
    return {"size": record.size, "sha256": record.sha256}


@transaction.atomic
def wording_update(
    *, actor: Any, plan: Plan, values: dict[str, str], expected_version: int | None = None
) -> ReportWording:
    """Reword the plan's documents: each key's template is checked before anything is stored
    (an empty value restores the default wording)."""
    permissions.require(actor, Action.EDIT, plan, _("Only the plan's planners may change the wording."))
    checked = {key: wording.check(key, text or "") for key, text in values.items() if (text or "").strip()}
    for key in values:
        wording.check(key, wording.default_text(key))  # unknown keys are refused even when empty
    row, created = ReportWording.objects.get_or_create(plan=plan)
    if created:
        audit.record(actor=actor, action="wording.created", target=row, after=audit.snapshot(row))
    merged = {k: v for k, v in {**row.values, **checked}.items() if k not in values or k in checked}
    return instance_update(
        actor=actor,
        instance=row,
        changes={"values": merged},
        action="wording.updated",
        expected_version=None if created else expected_version,
    )


@transaction.atomic
def good_practice_mark(*, actor: Any, report: ProgressReport, note: str = "") -> GoodPractice:
    """Mark an accepted report as good practice (典型经验) for the period's bulletin."""
    plan = report.item.plan
    permissions.require(
        actor, Action.EDIT, plan, _("Only the plan's planners may mark reports as good practice.")
    )
    if report.status != ReportStatus.ACCEPTED:
        raise Invalid(
            _("Only an accepted report can be marked as good practice."), details={"report": ["not accepted"]}
        )
    note = (note or "").replace("\x00", "").strip()
    if len(note) > 300:
        raise Invalid(_("The note is longer than 300 characters."), details={"note": ["too long"]})
    mark, created = GoodPractice.objects.get_or_create(
        report=report, defaults={"plan": plan, "note": note, "marked_at": clock.now(), "marked_by": actor}
    )
    if not created:
        before = audit.snapshot(mark)
        mark.note = note
        mark.save(update_fields=["note"])
        audit.record(
            actor=actor,
            action="good_practice.updated",
            target=mark,
            before=before,
            after=audit.snapshot(mark),
        )
        return mark
    audit.record(actor=actor, action="good_practice.marked", target=mark, after=audit.snapshot(mark))
    return mark


@transaction.atomic
def good_practice_unmark(*, actor: Any, mark: GoodPractice) -> None:
    """Take the good-practice mark off a report."""
    permissions.require(
        actor, Action.EDIT, mark.plan, _("Only the plan's planners may mark reports as good practice.")
    )
    audit.record(actor=actor, action="good_practice.unmarked", target=mark, before=audit.snapshot(mark))
    mark.delete()
