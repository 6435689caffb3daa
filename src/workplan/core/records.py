"""The base model of register-like entities (see ``core.registers`` for the generic layer)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy

from workplan.core.models import TimestampedModel


class RecordModel(TimestampedModel):
    """Base of register-like entities: timestamps, a version for optimistic locking, and
    ``values``, a JSON object for fields that users define themselves (custom fields,
    ledger columns), validated by the entity's services against their definitions."""

    values = models.JSONField(gettext_lazy("values"), default=dict, blank=True)

    class Meta:
        abstract = True
