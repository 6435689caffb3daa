"""Generic audited writes that domain services build on.

Domain services (``plans.services``, ``accounts.services``) check permissions and rules,
then call these to save and audit in one transaction. Nothing outside a ``services`` module
should call them directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from workplan.core import audit
from workplan.core.errors import Conflict, Invalid

M = TypeVar("M", bound=models.Model)


def validation_details(error: ValidationError) -> dict[str, list[str]]:
    """Django's ValidationError as {field: [messages]}."""
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for e in errors for m in e.messages] for field, errors in error.error_dict.items()
        }
    return {"__all__": [str(m) for m in error.messages]}


def _full_clean(instance: models.Model, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=True, validate_constraints=True)
    except ValidationError as error:
        details = validation_details(error)
        first = next(iter(details.items()))
        raise Invalid(f"{first[0]}: {first[1][0]}", details=details) from None


@transaction.atomic
def instance_create(*, actor: Any, instance: M, action: str, reason: str = "", clean: bool = True) -> M:
    """Validate, insert and audit a new row."""
    if clean:
        _full_clean(instance)
    instance.save(force_insert=True)
    audit.record(actor=actor, action=action, target=instance, after=audit.snapshot(instance), reason=reason)
    return instance


@transaction.atomic
def instance_update(
    *,
    actor: Any,
    instance: M,
    changes: Mapping[str, Any],
    action: str,
    expected_version: int | None = None,
    reason: str = "",
) -> M:
    """Apply ``changes`` to a row, refusing a stale write, and audit before/after.

    With ``expected_version`` the row is locked and its version compared first: the second
    of two people saving the same object is refused (:class:`Conflict`).
    """
    model = type(instance)
    has_version = any(f.name == "version" for f in model._meta.concrete_fields)
    if has_version:
        current = model._default_manager.select_for_update().get(pk=instance.pk)
        current_version = getattr(current, "version")  # noqa: B009
        if expected_version is not None and current_version != expected_version:
            raise Conflict(
                f"{instance} was changed by someone else (version {current_version}, yours {expected_version}); "
                "reload it to see the current state, then apply your change again",
                details={"current": audit.snapshot(current)},
            )
    unknown = [name for name in changes if name not in {f.name for f in model._meta.concrete_fields}]
    if unknown:
        raise Invalid(f"unknown field(s): {', '.join(sorted(unknown))}")
    changed = {name: value for name, value in changes.items() if getattr(instance, name) != value}
    if not changed:
        return instance
    before = audit.snapshot(instance, changed)
    for name, value in changed.items():
        setattr(instance, name, value)
    # Validate what changed (and the uniqueness it affects), not every other field again.
    _full_clean(instance, exclude=[f.name for f in model._meta.fields if f.name not in changed])
    update_fields = list(changed)
    if has_version:
        instance.version = current_version + 1  # type: ignore[attr-defined]
        update_fields.append("version")
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        update_fields.append("updated_at")
    instance.save(update_fields=update_fields)
    audit.record(
        actor=actor,
        action=action,
        target=instance,
        before=before,
        after=audit.snapshot(instance, changed),
        reason=reason,
    )
    return instance


@transaction.atomic
def instance_delete(*, actor: Any, instance: models.Model, action: str, reason: str = "") -> None:
    """Audit (with the full before image) and delete a row."""
    audit.record(actor=actor, action=action, target=instance, before=audit.snapshot(instance), reason=reason)
    instance.delete()
