"""Group robots on DingTalk, WeCom and Feishu/Lark (administrators), their messages, and each
user's e-mail frequency (one per event, or a daily or weekly digest)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router
from pydantic import Field, StringConstraints

from workplan.accounts.selectors import unit_get_for_user
from workplan.api.endpoints import actor, status
from workplan.api.pagination import keyset_page
from workplan.api.schemas import (
    DEFAULT_LIMIT,
    NO_NUL,
    Id,
    IdCursor,
    Input,
    Limit,
    Name,
    Out,
    PathId,
    responses,
)
from workplan.channels import safety, selectors, services
from workplan.channels.models import Delivery, DeliveryState, DigestFrequency, Platform, WebhookEndpoint
from workplan.plans.selectors import plan_get_for_user
from workplan.progress.models import NotificationKind

router = Router(tags=["channels"])

WebhookUrl = Annotated[str, StringConstraints(max_length=safety.MAX_URL_LENGTH, pattern=NO_NUL)]
Secret = Annotated[str, StringConstraints(max_length=services.MAX_SECRET, pattern=NO_NUL)]
UnitCode = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=NO_NUL)]


class EndpointOut(Out):
    id: int
    name: str
    platform: Platform
    unit_id: int | None
    plan_id: int | None
    url_hint: str = Field(description="The URL's scheme, host and last characters; never the whole URL.")
    secret_hint: str = Field(description="The secret's last characters; empty when there is none.")
    kinds: list[str]
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class EndpointPage(Out):
    items: list[EndpointOut]
    next_cursor: str | None


class EndpointIn(Input):
    name: Name
    platform: Platform
    url: WebhookUrl = Field(
        description="https, on a public address (or a host in WORKPLAN_WEBHOOK_ALLOWED_HOSTS)."
    )
    secret: Secret = ""
    unit_code: UnitCode | None = Field(None, description="The unit whose notifications the group receives.")
    plan_id: Id | None = Field(None, description="…or the plan whose notifications it receives.")
    kinds: list[NotificationKind] = Field(
        default_factory=lambda: [NotificationKind(k) for k in services.DEFAULT_KINDS],
        min_length=1,
        max_length=20,
    )
    active: bool = True


class EndpointPatch(Input):
    name: Name | None = None
    url: WebhookUrl | None = Field(None, description="Omit (or send empty) to keep the stored URL.")
    secret: Secret | None = Field(None, description="Omit to keep the stored secret; empty to remove it.")
    kinds: list[NotificationKind] | None = Field(None, min_length=1, max_length=20)
    active: bool | None = None


class DeliveryOut(Out):
    id: int
    endpoint_id: int | None
    endpoint_name: str
    platform: Platform
    kind: str
    title: str
    link: str
    state: DeliveryState
    attempts: int
    status_code: int | None
    error_code: str = Field(description="The platform's own code (DingTalk/WeCom errcode, Feishu code).")
    error: str
    created_at: dt.datetime
    last_attempt_at: dt.datetime | None
    sent_at: dt.datetime | None
    task_id: int | None


class DeliveryPage(Out):
    items: list[DeliveryOut]
    next_cursor: str | None


class MailPreferenceOut(Out):
    frequency: DigestFrequency


class MailPreferenceIn(Input):
    frequency: DigestFrequency


def endpoint_out(e: WebhookEndpoint) -> EndpointOut:
    return EndpointOut(
        id=e.pk,
        name=e.name,
        platform=Platform(e.platform),
        unit_id=e.unit_id,
        plan_id=e.plan_id,
        url_hint=e.url_hint,
        secret_hint=e.secret_hint,
        kinds=list(e.kinds),
        active=e.active,
        created_at=e.created_at,
        updated_at=e.updated_at,
    )


def delivery_out(d: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=d.pk,
        endpoint_id=d.endpoint_id,
        endpoint_name=d.endpoint_name,
        platform=Platform(d.platform),
        kind=d.kind,
        title=d.title,
        link=d.link,
        state=DeliveryState(d.state),
        attempts=d.attempts,
        status_code=d.status_code,
        error_code=d.error_code,
        error=d.error,
        created_at=d.created_at,
        last_attempt_at=d.last_attempt_at,
        sent_at=d.sent_at,
        task_id=d.task_id,
    )


@router.get("/channels", response=responses(EndpointPage), summary="Group robots (administrators)")
def endpoint_list(
    request: HttpRequest, cursor: IdCursor = None, limit: Limit = DEFAULT_LIMIT
) -> EndpointPage:
    rows, next_cursor = keyset_page(
        selectors.endpoint_list(user=actor(request)), key="id", cursor=cursor, limit=limit
    )
    return EndpointPage(items=[endpoint_out(e) for e in rows], next_cursor=next_cursor)


@router.post("/channels", response=responses(EndpointOut, 201), summary="Add a group robot (administrators)")
def endpoint_create(request: HttpRequest, payload: EndpointIn) -> Any:
    user = actor(request)
    unit = unit_get_for_user(user=user, code=payload.unit_code) if payload.unit_code else None
    plan = plan_get_for_user(user=user, plan_id=payload.plan_id) if payload.plan_id else None
    endpoint = services.endpoint_create(
        actor=user,
        name=payload.name,
        platform=payload.platform.value,
        url=payload.url,
        secret=payload.secret,
        unit=unit,
        plan=plan,
        kinds=[k.value for k in payload.kinds],
        active=payload.active,
    )
    return status(201, endpoint_out(endpoint))


@router.get("/channels/{endpoint_id}", response=responses(EndpointOut), summary="One group robot")
def endpoint_get(request: HttpRequest, endpoint_id: PathId) -> EndpointOut:
    return endpoint_out(selectors.endpoint_get_for_user(user=actor(request), endpoint_id=endpoint_id))


@router.patch("/channels/{endpoint_id}", response=responses(EndpointOut), summary="Change a group robot")
def endpoint_update(request: HttpRequest, endpoint_id: PathId, payload: EndpointPatch) -> EndpointOut:
    user = actor(request)
    endpoint = selectors.endpoint_get_for_user(user=user, endpoint_id=endpoint_id)
    return endpoint_out(
        services.endpoint_update(
            actor=user,
            endpoint=endpoint,
            name=payload.name,
            url=payload.url or None,
            secret=payload.secret,
            kinds=[k.value for k in payload.kinds] if payload.kinds is not None else None,
            active=payload.active,
        )
    )


@router.delete("/channels/{endpoint_id}", response=responses(None, 204), summary="Remove a group robot")
def endpoint_delete(request: HttpRequest, endpoint_id: PathId) -> Any:
    user = actor(request)
    services.endpoint_delete(
        actor=user, endpoint=selectors.endpoint_get_for_user(user=user, endpoint_id=endpoint_id)
    )
    return status(204, None)


@router.post(
    "/channels/{endpoint_id}/test", response=responses(DeliveryOut, 202), summary="Send a test message"
)
def endpoint_test(request: HttpRequest, endpoint_id: PathId) -> Any:
    user = actor(request)
    endpoint = selectors.endpoint_get_for_user(user=user, endpoint_id=endpoint_id)
    return status(202, delivery_out(services.endpoint_test(actor=user, endpoint=endpoint)))


@router.get(
    "/channels/{endpoint_id}/deliveries",
    response=responses(DeliveryPage),
    summary="A group robot's messages and how each went",
)
def delivery_list(
    request: HttpRequest,
    endpoint_id: PathId,
    state: DeliveryState | None = None,
    cursor: IdCursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> DeliveryPage:
    user = actor(request)
    endpoint = selectors.endpoint_get_for_user(user=user, endpoint_id=endpoint_id)
    rows, next_cursor = keyset_page(
        selectors.delivery_list(user=user, endpoint=endpoint, state=state.value if state else ""),
        key="id",
        cursor=cursor,
        limit=limit,
        descending=True,
    )
    return DeliveryPage(items=[delivery_out(d) for d in rows], next_cursor=next_cursor)


@router.get("/me/mail", response=responses(MailPreferenceOut), summary="How you receive e-mail")
def mail_get(request: HttpRequest) -> MailPreferenceOut:
    return MailPreferenceOut(frequency=DigestFrequency(selectors.mail_frequency_of(user=actor(request))))


@router.put("/me/mail", response=responses(MailPreferenceOut), summary="One e-mail per event, or a digest")
def mail_set(request: HttpRequest, payload: MailPreferenceIn) -> MailPreferenceOut:
    preference = services.mail_preference_set(actor=actor(request), frequency=payload.frequency.value)
    return MailPreferenceOut(frequency=DigestFrequency(preference.frequency))
