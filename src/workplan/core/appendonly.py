"""Database triggers that keep the audit log append-only (installed by core migration 0003).

``maintenance()`` lifts them for one block on one connection: only the test suite's flush
between tests uses it (see the root conftest.py). Nothing in the application does.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

TABLE = "core_auditentry"
# Columns the database may set to NULL (ON DELETE SET NULL); all others are frozen.
NULLABLE_REFERENCES = ("actor_id", "target_type_id")
FROZEN = (
    "id",
    "at",
    "actor_repr",
    "action",
    "interface",
    "target_id",
    "target_repr",
    "before",
    "after",
    "reason",
    "address",
    "user_agent",
)
MESSAGE = "audit entries are append-only"
_maintenance: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "workplan_audit_maintenance", default=False
)


def _sqlite_maintenance() -> int:
    return 1 if _maintenance.get() else 0


def register_sqlite_function(connection: Any) -> None:
    """Give a SQLite connection the function the triggers ask (connection_created receiver)."""
    connection.connection.create_function(
        "workplan_audit_maintenance", 0, _sqlite_maintenance, deterministic=False
    )


@contextmanager
def maintenance(connection: Any) -> Iterator[None]:
    """Let ``connection`` delete audit rows inside the block (the test suite's flush only)."""
    token = _maintenance.set(True)
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('workplan.audit_maintenance', 'on', false)")
        yield
    finally:
        _maintenance.reset(token)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('workplan.audit_maintenance', 'off', false)")


def _sqlite_sql() -> list[str]:
    unchanged = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in FROZEN)
    references = " AND ".join(f"(NEW.{c} IS OLD.{c} OR NEW.{c} IS NULL)" for c in NULLABLE_REFERENCES)
    return [
        f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
        f"WHEN NOT ({unchanged} AND {references}) AND workplan_audit_maintenance() = 0 "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        f"CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
        f"WHEN workplan_audit_maintenance() = 0 BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    ]


def _postgres_sql() -> list[str]:
    unchanged = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in FROZEN)
    references = " AND ".join(
        f"(NEW.{c} IS NOT DISTINCT FROM OLD.{c} OR NEW.{c} IS NULL)" for c in NULLABLE_REFERENCES
    )
    return [
        f"""CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger AS $$
        BEGIN
          IF current_setting('workplan.audit_maintenance', true) = 'on' THEN
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
          END IF;
          IF TG_OP = 'UPDATE' THEN
            IF {unchanged} AND {references} THEN
              RETURN NEW;
            END IF;
          END IF;
          RAISE EXCEPTION '{MESSAGE} (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
        END;
        $$ LANGUAGE plpgsql""",
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()",
        f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_append_only()",
    ]


def install_triggers(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        register_sqlite_function(connection)
        statements = _sqlite_sql()
    elif connection.vendor == "postgresql":
        statements = _postgres_sql()
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported (config.env)
        return
    for statement in statements:
        schema_editor.execute(statement, params=None)


def remove_triggers(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        statements = [
            f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
            f"DROP TRIGGER IF EXISTS {TABLE}_no_delete",
        ]
    elif connection.vendor == "postgresql":
        statements = [
            f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
            f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
            f"DROP FUNCTION IF EXISTS {TABLE}_append_only()",
        ]
    else:  # pragma: no cover
        return
    for statement in statements:
        schema_editor.execute(statement, params=None)
