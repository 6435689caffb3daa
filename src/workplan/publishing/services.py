"""Writes of publishing: publish / unpublish a plan (or parts of it), make a narrative or an
evidence file public.

Each is a plan edit (the plan's planners, administrators), in one transaction with its audit row.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from workplan import permissions
from workplan.core import audit, clock
from workplan.core.errors import Invalid
from workplan.permissions import Action
from workplan.plans.models import Plan, PlanItem
from workplan.progress.models import Evidence, ProgressReport, ReportStatus
from workplan.publishing.models import Publication, PublicEvidence, PublicNarrative


def _require_planner(actor: Any, plan: Plan) -> None:
    permissions.require(actor, Action.EDIT, plan, _("Only the plan's planners may publish it."))


def _snapshot(publication: Publication) -> dict[str, Any]:
    return {**audit.snapshot(publication), "parts": sorted(p.pk for p in publication.parts.all())}


def _chosen_parts(plan: Plan, part_ids: Iterable[int]) -> list[PlanItem]:
    wanted = set(part_ids)
    parts = list(PlanItem.objects.filter(plan=plan, depth=1, pk__in=wanted).order_by("path"))
    if len(parts) != len(wanted):
        missing = sorted(wanted - {p.pk for p in parts})
        raise Invalid(
            _("Only the plan's own top-level parts can be published."),
            details={"parts": [f"not a part of this plan: {n}" for n in missing[:20]]},
        )
    return parts


@transaction.atomic
def publication_publish(*, actor: Any, plan: Plan, part_ids: Iterable[int] | None = None) -> Publication:
    """Publish ``plan`` at ``/public/plans/<id>/``: the whole plan (no ``part_ids``) or only
    those top-level parts. Publishing again replaces the choice of parts."""
    _require_planner(actor, plan)
    parts = _chosen_parts(plan, part_ids or [])
    now = clock.now()
    publication = Publication.objects.select_for_update().filter(plan=plan).first()
    before = _snapshot(publication) if publication is not None else None
    if publication is None:
        publication = Publication.objects.create(plan=plan, published_at=now, published_by=actor)
    else:
        publication.is_active = True
        publication.published_at, publication.published_by = now, actor
        publication.unpublished_at = publication.unpublished_by = None
        publication.version += 1
        publication.save(
            update_fields=[
                "is_active",
                "published_at",
                "published_by",
                "unpublished_at",
                "unpublished_by",
                "version",
                "updated_at",
            ]
        )
    publication.parts.set(parts)
    audit.record(
        actor=actor,
        action="publication.published",
        target=publication,
        before=before,
        after=_snapshot(publication),
    )
    return publication


@transaction.atomic
def publication_unpublish(*, actor: Any, plan: Plan) -> Publication:
    """Take ``plan``'s public page down (its address then answers 404, like a missing plan)."""
    _require_planner(actor, plan)
    publication = Publication.objects.select_for_update().filter(plan=plan, is_active=True).first()
    if publication is None:
        raise Invalid(_("This plan is not published."), details={"plan": ["not published"]})
    before = _snapshot(publication)
    publication.is_active = False
    publication.unpublished_at, publication.unpublished_by = clock.now(), actor
    publication.version += 1
    publication.save(update_fields=["is_active", "unpublished_at", "unpublished_by", "version", "updated_at"])
    audit.record(
        actor=actor,
        action="publication.unpublished",
        target=publication,
        before=before,
        after=_snapshot(publication),
    )
    return publication


@transaction.atomic
def narrative_publish(*, actor: Any, report: ProgressReport) -> PublicNarrative:
    """Show an accepted report's narrative on the plan's public page (the reviewer's choice)."""
    plan = report.item.plan
    permissions.require(actor, Action.EDIT, plan, _("Only the plan's planners may make a narrative public."))
    if report.status != ReportStatus.ACCEPTED:
        raise Invalid(
            _("Only an accepted report's narrative can be made public."),
            details={"report": ["not accepted"]},
        )
    if not report.narrative.strip():
        raise Invalid(_("This report has no narrative."), details={"report": ["no narrative"]})
    narrative, created = PublicNarrative.objects.get_or_create(
        report=report, defaults={"plan": plan, "published_at": clock.now(), "published_by": actor}
    )
    if created:
        audit.record(
            actor=actor, action="narrative.published", target=narrative, after=audit.snapshot(narrative)
        )
    return narrative


@transaction.atomic
def narrative_unpublish(*, actor: Any, narrative: PublicNarrative) -> None:
    """Take a narrative off the public page."""
    permissions.require(
        actor, Action.EDIT, narrative.plan, _("Only the plan's planners may make a narrative public.")
    )
    audit.record(
        actor=actor, action="narrative.unpublished", target=narrative, before=audit.snapshot(narrative)
    )
    narrative.delete()


def _require_evidence_planner(actor: Any, plan: Plan) -> None:
    permissions.require(
        actor, Action.EDIT, plan, _("Only the plan's planners may show an evidence file on the public page.")
    )


@transaction.atomic
def evidence_publish(*, actor: Any, evidence: Evidence) -> PublicEvidence:
    """Offer an accepted report's evidence file on the plan's public page (by name and size, for
    download); choosing it again returns the same row."""
    plan = evidence.report.item.plan
    _require_evidence_planner(actor, plan)
    # The status as stored now, not as the caller's copy of the report says (it may be stale).
    status = ProgressReport.objects.filter(pk=evidence.report_id).values_list("status", flat=True).first()
    if status != ReportStatus.ACCEPTED:
        raise Invalid(
            _("Only the evidence files of an accepted report can be shown on the public page."),
            details={"evidence": ["report not accepted"]},
        )
    public, created = PublicEvidence.objects.get_or_create(
        evidence=evidence, defaults={"plan": plan, "published_at": clock.now(), "published_by": actor}
    )
    if created:
        audit.record(actor=actor, action="evidence.published", target=public, after=audit.snapshot(public))
    return public


@transaction.atomic
def evidence_unpublish(*, actor: Any, public_evidence: PublicEvidence) -> None:
    """Take an evidence file off the public page (its public address then answers 404)."""
    _require_evidence_planner(actor, public_evidence.plan)
    audit.record(
        actor=actor,
        action="evidence.unpublished",
        target=public_evidence,
        before=audit.snapshot(public_evidence),
    )
    public_evidence.delete()
