"""The audit log, read only: administrators read everything; others the history of what they may see."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import Field

from workplan.api.endpoints import actor
from workplan.api.pagination import keyset_page
from workplan.api.schemas import DEFAULT_LIMIT, IdCursor, IsoDateTime, Limit, Out, QueryId, responses
from workplan.core import audit as audit_selectors
from workplan.core.models import AuditEntry, Interface

router = Router(tags=["audit"])


class AuditOut(Out):
    id: int
    at: dt.datetime
    actor_id: int | None
    actor: str
    action: str = Field(description="What happened, e.g. `plan.updated`, `report.returned`.")
    interface: Interface
    target_type: str | None = Field(description="`app_label.model`, e.g. `plans.planitem`.")
    target_id: str
    target: str
    before: Any
    after: Any
    reason: str


class AuditPage(Out):
    items: list[AuditOut]
    next_cursor: str | None


def audit_out(entry: AuditEntry) -> AuditOut:
    content_type = entry.target_type
    return AuditOut(
        id=entry.pk,
        at=entry.at,
        actor_id=entry.actor_id,
        actor=entry.actor_repr,
        action=entry.action,
        interface=Interface(entry.interface),
        target_type=f"{content_type.app_label}.{content_type.model}" if content_type is not None else None,
        target_id=entry.target_id,
        target=entry.target_repr,
        before=entry.before,
        after=entry.after,
        reason=entry.reason,
    )


@router.get(
    "/audit", response=responses(AuditPage), summary="Who changed what, when, through which interface"
)
def audit_list(
    request: HttpRequest,
    target_type: Annotated[str | None, Query(pattern=r"^[a-z_]{1,50}\.[a-z_]{1,50}$")] = None,
    target_id: Annotated[str | None, Query(pattern=r"^[0-9A-Za-z_-]{1,64}$")] = None,
    action: Annotated[str | None, Query(pattern=r"^[a-z_]{1,40}\.[a-z_]{1,40}$")] = None,
    actor_id: QueryId = None,
    since: IsoDateTime | None = None,
    until: IsoDateTime | None = None,
    cursor: IdCursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> AuditPage:
    entries = audit_selectors.audit_list_for_user(
        user=actor(request),
        target_type=target_type,
        target_id=target_id,
        action=action,
        actor_id=actor_id,
        since=since,
        until=until,
    )
    rows, next_cursor = keyset_page(entries, key="id", cursor=cursor, limit=limit, descending=True)
    return AuditPage(items=[audit_out(e) for e in rows], next_cursor=next_cursor)
