"""Ledger records: validated against the ledger's fields, scoped by unit, audited; a record
about an occurrence of a recurring obligation checks it off (the record is its evidence)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext

from workplan import permissions
from workplan.accounts.models import Unit
from workplan.core import audit, clock
from workplan.core.errors import Invalid
from workplan.core.policy import Action, policy_for
from workplan.core.services import instance_create, instance_delete, instance_update
from workplan.ledgers.models import Ledger, LedgerRecord
from workplan.ledgers.validation import checked_values
from workplan.plans.models import PlanItem
from workplan.progress.models import Occurrence


def _refused() -> str:
    return gettext(
        "Only the keeping unit's reporters and planners (or the owner's planners) may change this record."
    )


def _check_links(actor: Any, ledger: Ledger, item: PlanItem | None, occurrence: Occurrence | None) -> None:
    if item is not None:
        permissions.require(actor, Action.VIEW, item)
    if occurrence is not None:
        permissions.require(actor, Action.VIEW, occurrence)
        if item is not None and occurrence.item_id != item.pk:
            raise Invalid(
                gettext("The occurrence belongs to another item."), details={"occurrence": ["invalid"]}
            )


def _check_off(actor: Any, occurrence: Occurrence | None) -> None:
    """The occurrence is met by a ledger record (its evidence) when nothing met it yet."""
    if occurrence is None:
        return
    occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
    if occurrence.met_at is None:
        instance_update(
            actor=actor,
            instance=occurrence,
            changes={"met_at": clock.now(), "met_marked_by": actor if getattr(actor, "pk", None) else None},
            action="occurrence.met",
            reason=gettext("checked off by a ledger record"),
        )


MAX_FILE = 10 * 1024 * 1024


def _with_files(ledger: Ledger, values: Mapping[str, Any], files: Mapping[str, Any] | None) -> dict[str, Any]:
    """``values`` with each uploaded file stored and named under its field's key."""
    merged = dict(values)
    for key, upload in (files or {}).items():
        if getattr(upload, "size", 0) > MAX_FILE:
            raise Invalid(gettext("The file is larger than 10 MB."), details={key: [gettext("too large")]})
        name = os.path.basename(str(getattr(upload, "name", "file")))[-100:] or "file"
        merged[key] = default_storage.save(f"ledgers/{ledger.code}/{uuid.uuid4().hex}-{name}", upload)
    return merged


@transaction.atomic
def record_create(
    *,
    actor: Any,
    ledger: Ledger,
    unit: Unit,
    values: Mapping[str, Any],
    item: PlanItem | None = None,
    occurrence: Occurrence | None = None,
    files: Mapping[str, Any] | None = None,
) -> LedgerRecord:
    """A new record of ``ledger`` kept by ``unit`` (a keeping unit or one of its sub-units)."""
    policy_for(LedgerRecord).require_create(
        actor,
        gettext("You may not add records of this ledger for this unit."),
        ledger=ledger,
        unit=unit,
    )
    if not ledger.is_active:
        raise Invalid(gettext("This ledger is no longer kept."))
    _check_links(actor, ledger, item, occurrence)
    if occurrence is not None and item is None:
        item = occurrence.item
    record = instance_create(
        actor=actor,
        instance=LedgerRecord(
            ledger=ledger,
            unit=unit,
            item=item,
            occurrence=occurrence,
            values=checked_values(actor, ledger, _with_files(ledger, values, files)),
            created_by=actor if getattr(actor, "pk", None) else None,
        ),
        action="record.created",
    )
    _check_off(actor, occurrence)
    return record


@transaction.atomic
def record_update(
    *,
    actor: Any,
    record: LedgerRecord,
    expected_version: int | None = None,
    files: Mapping[str, Any] | None = None,
    **changes: Any,
) -> LedgerRecord:
    """Change a record's values (all active fields at once), item, occurrence or unit."""
    permissions.require(actor, Action.EDIT, record, _refused())
    ledger = record.ledger
    unknown = set(changes) - {"values", "item", "occurrence", "unit"}
    if unknown:
        raise Invalid(gettext("Unknown record fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    if "unit" in changes and changes["unit"] != record.unit:
        policy_for(LedgerRecord).require_create(actor, _refused(), ledger=ledger, unit=changes["unit"])
    if "values" in changes or files:
        raw = _with_files(ledger, changes.get("values", {}), files)
        for definition in ledger.fields.filter(kind="file", retired=False):
            if definition.key not in raw and definition.key in record.values:
                raw[definition.key] = record.values[definition.key]  # a file not re-uploaded stays
        changes["values"] = checked_values(actor, ledger, raw, previous=record.values)
    _check_links(actor, ledger, changes.get("item", record.item), changes.get("occurrence"))
    record = instance_update(
        actor=actor,
        instance=record,
        changes=changes,
        action="record.updated",
        expected_version=expected_version,
    )
    _check_off(actor, changes.get("occurrence"))
    return record


@transaction.atomic
def record_delete(*, actor: Any, record: LedgerRecord) -> None:
    permissions.require(actor, Action.EDIT, record, _refused())
    instance_delete(actor=actor, instance=record, action="record.deleted")


@dataclass(frozen=True)
class ImportRow:
    """One checked row of a sheet: ``record`` to change (None: a new one) and its new state."""

    record: LedgerRecord | None
    unit: Unit
    values: dict[str, Any]


@transaction.atomic
def record_import(*, actor: Any, ledger: Ledger, rows: Sequence[ImportRow]) -> tuple[int, int]:
    """Apply checked sheet rows all at once (``ledgers.sheets`` checks and diffs them first):
    (added, changed). Every row is checked against the policy again; one refusal undoes all."""
    added = changed = 0
    for row in rows:
        if row.record is None:
            record_create(actor=actor, ledger=ledger, unit=row.unit, values=row.values)
            added += 1
        else:
            record_update(
                actor=actor,
                record=row.record,
                values=row.values,
                unit=row.unit,
                expected_version=row.record.version,
            )
            changed += 1
    audit.record(
        actor=actor, action="record.imported", target=ledger, after={"added": added, "changed": changed}
    )
    return added, changed
