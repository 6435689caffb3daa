"""Publishing: a plan's public page (whole or parts) and the narratives and evidence files shown on it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router
from pydantic import Field

from workplan.api.endpoints import actor, status
from workplan.api.schemas import Id, Input, Out, PathId, responses
from workplan.permissions import Action
from workplan.plans import selectors as plan_selectors
from workplan.plans.models import Plan
from workplan.progress import selectors as progress_selectors
from workplan.publishing import selectors, services
from workplan.publishing.models import Publication, PublicEvidence, PublicNarrative

router = Router(tags=["publishing"])


class PublishIn(Input):
    parts: list[Id] = Field(
        default_factory=list,
        max_length=500,
        description="Top-level part (item) ids to publish; empty: the whole plan.",
    )


class PublicationOut(Out):
    plan_id: int
    published: bool
    parts: list[int]
    url: str = Field(description="The anonymous page (404 while not published).")
    published_at: dt.datetime | None
    unpublished_at: dt.datetime | None


def _out(plan: Plan, publication: Publication | None) -> PublicationOut:
    return PublicationOut(
        plan_id=plan.pk,
        published=bool(publication and publication.is_active),
        parts=sorted(p.pk for p in publication.parts.all()) if publication else [],
        url=f"/public/plans/{plan.pk}/",
        published_at=publication.published_at if publication else None,
        unpublished_at=publication.unpublished_at if publication else None,
    )


@router.get(
    "/plans/{plan_id}/publication",
    response=responses(PublicationOut),
    summary="Whether the plan has a public page, and which parts",
)
def publication_get(request: HttpRequest, plan_id: PathId) -> PublicationOut:
    user = actor(request)
    plan = plan_selectors.plan_get_for_user(user=user, plan_id=plan_id)
    return _out(plan, selectors.publication_for_plan(user=user, plan=plan))


@router.put(
    "/plans/{plan_id}/publication",
    response=responses(PublicationOut),
    summary="Publish the plan (or only the given top-level parts) at /public/plans/{plan_id}/",
)
def publication_publish(request: HttpRequest, plan_id: PathId, payload: PublishIn) -> PublicationOut:
    user = actor(request)
    plan = plan_selectors.plan_get_for_user(user=user, plan_id=plan_id)
    return _out(plan, services.publication_publish(actor=user, plan=plan, part_ids=payload.parts))


@router.delete(
    "/plans/{plan_id}/publication",
    response=responses(PublicationOut),
    summary="Take the plan's public page down",
)
def publication_unpublish(request: HttpRequest, plan_id: PathId) -> PublicationOut:
    user = actor(request)
    plan = plan_selectors.plan_get_for_user(user=user, plan_id=plan_id)
    return _out(plan, services.publication_unpublish(actor=user, plan=plan))


class PublicNarrativeOut(Out):
    report_id: int
    plan_id: int
    published_at: dt.datetime


def _narrative_out(row: PublicNarrative) -> PublicNarrativeOut:
    return PublicNarrativeOut(report_id=row.report_id, plan_id=row.plan_id, published_at=row.published_at)


@router.put(
    "/reports/{report_id}/public-narrative",
    response=responses(PublicNarrativeOut),
    summary="Show an accepted report's narrative on the plan's public page",
)
def narrative_publish(request: HttpRequest, report_id: PathId) -> PublicNarrativeOut:
    user = actor(request)
    report = progress_selectors.report_get_for_user(user=user, report_id=report_id)
    return _narrative_out(services.narrative_publish(actor=user, report=report))


@router.delete(
    "/reports/{report_id}/public-narrative",
    response={204: None, **{k: v for k, v in responses(None).items() if k != 200}},
    summary="Take a report's narrative off the public page",
)
def narrative_unpublish(request: HttpRequest, report_id: PathId) -> Any:
    user = actor(request)
    row = selectors.narrative_get_for_user(user=user, report_id=report_id, action=Action.EDIT)
    services.narrative_unpublish(actor=user, narrative=row)
    return status(204, None)


class PublicEvidenceOut(Out):
    evidence_id: int
    plan_id: int
    published_at: dt.datetime
    url: str = Field(description="The anonymous download (404 while the plan or the file is not public).")


def _evidence_out(row: PublicEvidence) -> PublicEvidenceOut:
    return PublicEvidenceOut(
        evidence_id=row.evidence_id,
        plan_id=row.plan_id,
        published_at=row.published_at,
        url=f"/public/plans/{row.plan_id}/evidence/{row.evidence_id}/",
    )


@router.post(
    "/evidence/{evidence_id}/public",
    response=responses(PublicEvidenceOut),
    summary="Show an accepted report's evidence file on the plan's public page (planners)",
)
def evidence_publish(request: HttpRequest, evidence_id: PathId) -> PublicEvidenceOut:
    user = actor(request)
    evidence = progress_selectors.evidence_get_for_user(user=user, evidence_id=evidence_id)
    return _evidence_out(services.evidence_publish(actor=user, evidence=evidence))


@router.delete(
    "/evidence/{evidence_id}/public",
    response={204: None, **{k: v for k, v in responses(None).items() if k != 200}},
    summary="Take an evidence file off the public page (planners)",
)
def evidence_unpublish(request: HttpRequest, evidence_id: PathId) -> Any:
    user = actor(request)
    row = selectors.public_evidence_get_for_user(user=user, evidence_id=evidence_id, action=Action.EDIT)
    services.evidence_unpublish(actor=user, public_evidence=row)
    return status(204, None)
