"""Writes to ledgers, their fields and records, and indicators; each checks the policy and
is audited in its own transaction. The package splits them by concern."""

from workplan.ledgers.services.definitions import (
    field_add,
    field_delete,
    field_update,
    ledger_create,
    ledger_delete,
    ledger_update,
)
from workplan.ledgers.services.indicators import (
    indicator_create,
    indicator_delete,
    indicator_update,
    indicator_value_set,
)
from workplan.ledgers.services.keeping import record_create, record_delete, record_import, record_update

__all__ = [
    "field_add",
    "field_delete",
    "field_update",
    "indicator_create",
    "indicator_delete",
    "indicator_update",
    "indicator_value_set",
    "ledger_create",
    "ledger_delete",
    "ledger_update",
    "record_create",
    "record_delete",
    "record_import",
    "record_update",
]
