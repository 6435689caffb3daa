"""The audit API: ``record(actor=..., action="plan.created", target=..., before=..., after=...)``.

Every service that changes state calls :func:`record` inside its transaction; there is no
signal that writes audit rows behind anyone's back. The interface (web, api, cli, job) comes
from a context variable set by each adapter at its entry point.
"""

from __future__ import annotations

import datetime as dt
import decimal
import ipaddress
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile

from workplan.core import clock
from workplan.core.models import AuditEntry, Interface

_interface: ContextVar[str] = ContextVar("workplan_audit_interface", default=Interface.SYSTEM.value)
# (address, user agent) of the request being served, for every row written during it.
_client: ContextVar[tuple[str | None, str]] = ContextVar("workplan_audit_client", default=(None, ""))


@contextmanager
def interface(name: str) -> Iterator[None]:
    """Attribute the audit rows written inside the block to interface ``name``."""
    if name not in Interface.values:
        raise ValueError(f"unknown interface {name!r}")
    token = _interface.set(name)
    try:
        yield
    finally:
        _interface.reset(token)


def current_interface() -> str:
    return _interface.get()


@contextmanager
def client(address: str | None, user_agent: str) -> Iterator[None]:
    """Attribute the audit rows written inside the block to this client address and user agent."""
    token = _client.set((address, user_agent[:300]))
    try:
        yield
    finally:
        _client.reset(token)


def client_of(request: Any) -> tuple[str | None, str]:
    """The request's client address and user agent.

    The address is REMOTE_ADDR, or, behind ``WORKPLAN_TRUSTED_PROXIES`` reverse proxies, the
    entry of X-Forwarded-For that the outermost trusted proxy added. Anything that is not an
    IP address is dropped.
    """
    meta = request.META
    address = meta.get("REMOTE_ADDR", "")
    proxies = int(getattr(settings, "WORKPLAN_TRUSTED_PROXIES", 0))
    if proxies:
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        address = str(ipaddress.ip_address(address))
    except ValueError:
        address = None
    return address, str(meta.get("HTTP_USER_AGENT", ""))[:300]


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return value


SKIPPED_FIELDS = frozenset({"created_at", "updated_at", "password", "path", "depth", "numchild"})


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """A JSON-safe dict of the instance's concrete field values (foreign keys as ids)."""
    wanted = set(fields) if fields is not None else None
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in SKIPPED_FIELDS or (wanted is not None and field.name not in wanted):
            continue
        data[field.attname] = _json_value(getattr(instance, field.attname))
    return data


def _actor_repr(actor: Any) -> str:
    if actor is None:
        return "system"
    return str(getattr(actor, "username", actor))


def _require_transaction(what: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{what} must be called inside transaction.atomic()")


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Write one audit row. Must run inside the transaction of the change it records."""
    _require_transaction(f"audit.record({action!r})")
    row = entry(actor=actor, action=action, target=target, before=before, after=after, reason=reason)
    row.save(force_insert=True)
    return row


def entry(
    *,
    actor: Any,
    action: str,
    target: models.Model | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """An unsaved audit row, for bulk writes that save their rows with :func:`record_entries`."""
    return AuditEntry(**_entry_fields(actor, action, target, before, after, reason))


def record_entries(entries: Sequence[AuditEntry]) -> int:
    """Save rows made by :func:`entry` in one statement, inside the caller's transaction."""
    _require_transaction("audit.record_entries()")
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    return len(entries)


def record_many(*, actor: Any, action: str, targets: Sequence[models.Model], reason: str = "") -> int:
    """Audit a bulk creation: one row per created object, written in one statement."""
    _require_transaction(f"audit.record_many({action!r})")
    rows = [AuditEntry(**_entry_fields(actor, action, t, None, snapshot(t), reason)) for t in targets]
    AuditEntry.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _entry_fields(
    actor: Any,
    action: str,
    target: models.Model | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str,
) -> dict[str, Any]:
    actor_id = getattr(actor, "pk", None)
    return {
        "at": clock.now(),
        "actor_id": actor_id,
        "actor_repr": _actor_repr(actor),
        "action": action,
        "interface": current_interface(),
        "target_type": ContentType.objects.get_for_model(target) if target is not None else None,
        "target_id": str(target.pk) if target is not None and target.pk is not None else "",
        "target_repr": str(target)[:300] if target is not None else "",
        "before": before,
        "after": after,
        "reason": reason,
        "address": _client.get()[0],
        "user_agent": _client.get()[1],
    }


def history(target: models.Model) -> models.QuerySet[AuditEntry]:
    """The audit rows about ``target``, newest first."""
    return AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    ).select_related("actor")


def audit_list_for_user(
    *,
    user: Any,
    target_type: str | None = None,
    target_id: str | None = None,
    action: str | None = None,
    actor_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[AuditEntry]:
    """Audit entries the user may read: administrators all; others those about objects they see.

    ``target_type`` is ``app_label.model`` (e.g. ``plans.planitem``). Entries about deleted
    objects, users and memberships are for administrators only.
    """
    entries = AuditEntry.objects.visible_to(user).select_related("target_type")
    if target_type:
        app_label, _, model_name = target_type.partition(".")
        entries = entries.filter(target_type__app_label=app_label, target_type__model=model_name)
    if target_id:
        entries = entries.filter(target_id=target_id)
    if action:
        entries = entries.filter(action=action)
    if actor_id is not None:
        entries = entries.filter(actor_id=actor_id)
    if since is not None:
        entries = entries.filter(at__gte=since)
    if until is not None:
        entries = entries.filter(at__lt=until)
    return entries
