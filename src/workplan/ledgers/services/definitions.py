"""Ledger definitions: the ledger itself and its typed fields (added, renamed, retired)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext

from workplan import permissions
from workplan.accounts.models import Unit
from workplan.core import audit
from workplan.core.errors import Invalid
from workplan.core.policy import Action, policy_for
from workplan.core.services import instance_create, instance_delete, instance_update
from workplan.ledgers.fields import KEY_PATTERN
from workplan.ledgers.models import FieldKind, Ledger, LedgerField, LedgerRecord

CHOICE_KINDS = (FieldKind.CHOICE, FieldKind.MULTI_CHOICE)
MAX_CHOICES = 200


def _refused() -> str:
    return gettext("Only planners of the ledger's owner unit may change its definition.")


def _text(value: Any, name: str, limit: int, *, required: bool = True) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if (required and not text) or "\x00" in text or len(text) > limit:
        raise Invalid(
            gettext("%(name)s: give a text of at most %(limit)d characters.")
            % {"name": name, "limit": limit},
            details={name: [gettext("invalid")]},
        )
    return text


def _set_keeping(actor: Any, ledger: Ledger, units: Iterable[Unit]) -> None:
    chosen = list(units)
    before = sorted(ledger.keeping_units.values_list("code", flat=True))
    after = sorted(u.code for u in chosen)
    if before != after:
        ledger.keeping_units.set(chosen)
        audit.record(
            actor=actor,
            action="ledger.keeping_units_set",
            target=ledger,
            before={"keeping_units": before},
            after={"keeping_units": after},
        )


@transaction.atomic
def ledger_create(
    *,
    actor: Any,
    code: str,
    name: str,
    owner_unit: Unit,
    keeping_units: Iterable[Unit] = (),
    description: str = "",
) -> Ledger:
    """A new ledger owned by ``owner_unit`` (its planners define it), kept by ``keeping_units``."""
    policy_for(Ledger).require_create(actor, _refused(), owner_unit=owner_unit)
    code = _text(code, "code", 50)
    if not KEY_PATTERN.match(code.lower().replace("-", "_")):
        raise Invalid(gettext("A ledger code is letters, digits, - and _."), details={"code": ["invalid"]})
    if Ledger.objects.filter(code=code).exists():
        raise Invalid(
            gettext("A ledger with this code already exists."), details={"code": ["already exists"]}
        )
    ledger = Ledger(
        code=code,
        name=_text(name, "name", 200),
        owner_unit=owner_unit,
        description=_text(description, "description", 5000, required=False),
    )
    ledger.save(force_insert=True)
    units = list(keeping_units)
    ledger.keeping_units.set(units)
    after = {**audit.snapshot(ledger), "keeping_units": sorted(u.code for u in units)}
    audit.record(actor=actor, action="ledger.created", target=ledger, after=after)
    return ledger


@transaction.atomic
def ledger_update(
    *, actor: Any, ledger: Ledger, expected_version: int | None = None, **changes: Any
) -> Ledger:
    """Rename, describe, (de)activate a ledger or change which units keep it."""
    permissions.require(actor, Action.EDIT, ledger, _refused())
    keeping = changes.pop("keeping_units", None)
    for name, limit in (("name", 200), ("description", 5000)):
        if name in changes:
            changes[name] = _text(changes[name], name, limit, required=name == "name")
    if "code" in changes and changes["code"] != ledger.code:
        raise Invalid(gettext("A ledger's code does not change."), details={"code": ["fixed"]})
    changes.pop("code", None)
    if "owner_unit" in changes and changes["owner_unit"] != ledger.owner_unit:
        policy_for(Ledger).require_create(actor, _refused(), owner_unit=changes["owner_unit"])
    ledger = instance_update(
        actor=actor,
        instance=ledger,
        changes=changes,
        action="ledger.updated",
        expected_version=expected_version,
    )
    if keeping is not None:
        _set_keeping(actor, ledger, keeping)
    return ledger


@transaction.atomic
def ledger_delete(*, actor: Any, ledger: Ledger) -> None:
    """Delete an empty ledger; one with records is refused (deactivate it instead)."""
    permissions.require(actor, Action.EDIT, ledger, _refused())
    if ledger.records.exists():
        raise Invalid(gettext("This ledger has records; deactivate it instead of deleting it."))
    if ledger.indicators.exists():
        raise Invalid(gettext("Indicators are computed from this ledger; delete them first."))
    instance_delete(actor=actor, instance=ledger, action="ledger.deleted")


def _choices(kind: str, raw: Any) -> list[str]:
    if kind not in CHOICE_KINDS:
        return []
    if isinstance(raw, str):
        raw = raw.replace("、", "\n").replace(",", "\n").splitlines()
    if not isinstance(raw, list | tuple) or not all(isinstance(c, str) for c in raw):
        raise Invalid(gettext("Choices are a list of texts."), details={"choices": ["invalid"]})
    cleaned: list[str] = []
    for choice in (c.strip() for c in raw):
        if choice and choice not in cleaned:
            cleaned.append(_text(choice, "choices", 200))
    if not cleaned or len(cleaned) > MAX_CHOICES:
        raise Invalid(
            gettext("A choice field needs between 1 and %(n)d choices.") % {"n": MAX_CHOICES},
            details={"choices": ["invalid"]},
        )
    return cleaned


def _next_key(ledger: Ledger) -> str:
    taken = set(ledger.fields.values_list("key", flat=True))
    index = len(taken) + 1
    while f"f{index}" in taken:
        index += 1
    return f"f{index}"


@transaction.atomic
def field_add(
    *,
    actor: Any,
    ledger: Ledger,
    label: str,
    kind: str,
    key: str = "",
    required: bool = False,
    choices: Any = (),
    measure_unit: str = "",
) -> LedgerField:
    """A new field at the end of the ledger; existing records simply have no value for it."""
    permissions.require(actor, Action.EDIT, ledger, _refused())
    if kind not in FieldKind.values:
        raise Invalid(gettext("Unknown field type."), details={"kind": ["invalid"]})
    key = (key or "").strip() or _next_key(ledger)
    if not KEY_PATTERN.match(key):
        raise Invalid(
            gettext("A field key is lower-case letters, digits and _, starting with a letter."),
            details={"key": ["invalid"]},
        )
    if ledger.fields.filter(key=key).exists():
        raise Invalid(gettext("This ledger already has a field with this key."), details={"key": ["taken"]})
    position = (ledger.fields.aggregate(top=Max("position"))["top"] or 0) + 1
    return instance_create(
        actor=actor,
        instance=LedgerField(
            ledger=ledger,
            key=key,
            label=_text(label, "label", 200),
            kind=kind,
            required=bool(required),
            choices=_choices(kind, list(choices) if isinstance(choices, tuple) else choices),
            measure_unit=_text(measure_unit, "measure_unit", 40, required=False),
            position=position,
        ),
        action="field.added",
    )


def _has_values(field: LedgerField, extra: Q | None = None) -> bool:
    rows = LedgerRecord.objects.filter(ledger_id=field.ledger_id, values__has_key=field.key)
    return bool((rows.filter(extra) if extra is not None else rows).exists())


def _orphaned_choices(field: LedgerField, kept: list[str]) -> list[str]:
    dropped = [c for c in field.choices if c not in kept]
    if field.kind == FieldKind.CHOICE:
        return [c for c in dropped if _has_values(field, Q(**{f"values__{field.key}": c}))]
    return [c for c in dropped if _has_values(field, Q(**{f"values__{field.key}__icontains": c}))]


@transaction.atomic
def field_update(
    *, actor: Any, field: LedgerField, expected_version: int | None = None, **changes: Any
) -> LedgerField:
    """Rename a field, change its unit, choices or "required", retire or restore it.

    Changes that would orphan recorded values are refused: another type while records hold
    a value, and dropping a choice that records use. The key never changes.
    """
    permissions.require(actor, Action.EDIT, field, _refused())
    if "key" in changes and changes.pop("key") != field.key:
        raise Invalid(
            gettext("A field's key does not change; rename its label instead."), details={"key": ["fixed"]}
        )
    if "label" in changes:
        changes["label"] = _text(changes["label"], "label", 200)
    if "measure_unit" in changes:
        changes["measure_unit"] = _text(changes["measure_unit"], "measure_unit", 40, required=False)
    kind = changes.get("kind", field.kind)
    if kind not in FieldKind.values:
        raise Invalid(gettext("Unknown field type."), details={"kind": ["invalid"]})
    if kind != field.kind and _has_values(field):
        raise Invalid(
            gettext("Records hold values of this field; its type cannot change (add a new field instead)."),
            details={"kind": ["would orphan recorded values"]},
        )
    if "choices" in changes or kind != field.kind:
        changes["choices"] = _choices(kind, changes.get("choices", field.choices))
        orphaned = _orphaned_choices(field, changes["choices"]) if field.kind in CHOICE_KINDS else []
        if orphaned:
            raise Invalid(
                gettext("Records use the choices %(choices)s; they cannot be removed.")
                % {"choices": "、".join(orphaned)},
                details={"choices": ["would orphan recorded values"]},
            )
    return instance_update(
        actor=actor,
        instance=field,
        changes=changes,
        action="field.updated",
        expected_version=expected_version,
    )


@transaction.atomic
def field_delete(*, actor: Any, field: LedgerField) -> None:
    """Delete a field no record has a value for; otherwise it is refused (retire it instead)."""
    permissions.require(actor, Action.EDIT, field, _refused())
    if _has_values(field):
        raise Invalid(gettext("Records hold values of this field; retire it instead of deleting it."))
    if field.ledger.indicators.filter(Q(field_key=field.key) | Q(date_field=field.key)).exists():
        raise Invalid(gettext("An indicator uses this field; it cannot be deleted."))
    instance_delete(actor=actor, instance=field, action="field.deleted")
