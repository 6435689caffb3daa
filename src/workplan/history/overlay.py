"""Rows as they stood at a past instant, from today's rows and the audit log's before images.

Every write is audited with the changed fields' values before and after
(``core.services.instance_update``; creations with ``after`` only, deletions with ``before``
only; ``tests/test_audit_every_write.py`` holds every service to it). So a field's value at
instant ``end`` is the ``before`` of the first audited change after ``end`` that touched it,
else today's value; a row created after ``end`` did not exist then, and a row deleted after
``end`` is its deletion's before image. One indexed query per model, over the changes made
*after* the day asked for only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast

from workplan.core.models import AuditEntry

# Audit actions that change a field without a before image: what the field was before.
IMPLIED_BEFORE = {"item.archived": {"status": "active"}}


@dataclass
class Overlay:
    """What the audit log says about some rows of one model after an instant."""

    born_after: set[int] = field(default_factory=set)  # created after the instant
    earlier: dict[int, dict[str, Any]] = field(default_factory=dict)  # attname -> value at the instant
    deleted: dict[int, dict[str, Any]] = field(default_factory=dict)  # before image of rows deleted since

    def apply(self, instance: models.Model) -> models.Model:
        """Set the instance's fields to their values at the instant (in place)."""
        for attname, value in self.earlier.get(instance.pk, {}).items():
            setattr(instance, attname, _to_python(type(instance), attname, value))
        return instance

    def values(
        self, model: type[models.Model], earlier: dict[str, Any], names: Iterable[str]
    ) -> dict[str, Any]:
        """Of one row's values at the instant (``earlier``), those of the fields ``names``, as Python values."""
        return {name: _to_python(model, name, earlier[name]) for name in names if name in earlier}


def _to_python(model: type[models.Model], attname: str, value: Any) -> Any:
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return f.to_python(value)
    return value


def overlay_after(
    model: type[models.Model],
    *,
    after: dt.datetime,
    ids: Iterable[int] | QuerySet[Any] | None = None,
    deleted_actions: Iterable[str] = (),
    creations: bool = True,
) -> Overlay:
    """Read the audited changes to ``model`` rows after ``after`` (``ids``: only those rows).

    ``ids``: the row ids, or a query of the rows, whose changes to read (a superset is fine:
    the result is looked up by id). ``creations=False``: only changes with a before image (for rows known to have existed at
    the instant, e.g. reports whose events say so, though a bulk load audited them later).
    """
    entries = AuditEntry.objects.filter(target_type=ContentType.objects.get_for_model(model), at__gt=after)
    if not creations:
        entries = entries.filter(before__isnull=False)
    if isinstance(ids, QuerySet):
        # A query of the rows (a plan's items, say): matched in the database, as the text ids
        # the audit log stores, instead of thousands of literal parameters.
        entries = entries.filter(
            target_id__in=ids.annotate(audit_id=Cast("pk", CharField())).values("audit_id")
        )
    elif ids is not None:
        entries = entries.filter(target_id__in=[str(pk) for pk in ids])
    deleted_actions = set(deleted_actions)
    result = Overlay()
    rows = entries.order_by("at", "id").values_list("target_id", "action", "before", "after")
    for target_id, action, before, after_image in rows.iterator(chunk_size=2000):
        try:
            pk = int(target_id)
        except ValueError:
            continue
        if pk in result.born_after or pk in result.deleted:
            continue  # the first entry after the instant decides
        if before is None and after_image and action not in IMPLIED_BEFORE:
            result.born_after.add(pk)
            continue
        if action in deleted_actions or (after_image is None and before):
            result.deleted[pk] = dict(before or {})
            continue
        earlier = result.earlier.setdefault(pk, {})
        for attname, value in (before or IMPLIED_BEFORE.get(action, {})).items():
            earlier.setdefault(attname, value)
    return result
