"""Moving a site from SQLite to an empty PostgreSQL database, and checking the copy.

The target gets the schema from the migrations, then every row of every model in one
transaction (foreign keys are checked at the commit), read from one SQLite snapshot
(the copy holds SQLite's write lock, so the site's writes wait until it is done). The
sequences are set past the copied ids; then every table's row count and a checksum of its
rows (read back through the ORM on both sides) must agree, or the target is emptied again.
Stored files stay where they are: the data folder does not change.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import dj_database_url
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import OperationalError, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor

from workplan.core.errors import Invalid

TARGET = "move_target"
BATCH = 2000


@dataclass
class MoveResult:
    tables: int
    rows: int
    url: str

    def describe(self) -> str:
        return (
            f"Copied {self.rows} rows in {self.tables} tables; every count and checksum agrees.\n"
            f"Now set DATABASE_URL={self.url} in the environment of the web server and of "
            "`workplan tick` (e.g. in /etc/workplan.env), and restart them. The SQLite file is "
            "left as it was (keep it until you are sure); stored files stay in the data folder."
        )


def _models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]


def _target_config(url: str) -> dict[str, Any]:
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url))
    except (ValueError, KeyError) as error:
        raise Invalid(f"{_hidden(url)} is not a database URL: {error}") from None
    if config.get("ENGINE") != "django.db.backends.postgresql" or not config.get("NAME"):
        raise Invalid("move-to needs a PostgreSQL URL: postgres://USER:PASSWORD@HOST:PORT/DBNAME")
    base = dict(connections["default"].settings_dict)
    return {
        **{
            k: base[k]
            for k in ("TIME_ZONE", "CONN_HEALTH_CHECKS", "AUTOCOMMIT", "ATOMIC_REQUESTS", "TEST")
            if k in base
        },
        **config,
        "OPTIONS": {"connect_timeout": 5},
        "CONN_MAX_AGE": 0,
    }


def _hidden(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and ":" in url.split("@", 1)[0].split("//", 1)[-1]:
        scheme, rest = url.split("//", 1)
        user = rest.split(":", 1)[0]
        return f"{scheme}//{user}:***@{rest.split('@', 1)[1]}"
    return url


@contextlib.contextmanager
def _target(url: str) -> Iterator[Any]:
    connections.databases[TARGET] = _target_config(url)
    try:
        connection = connections[TARGET]
        try:
            connection.ensure_connection()
        except OperationalError as error:
            first = (str(error).strip().splitlines() or ["no answer"])[0]
            raise Invalid(f"cannot reach {_hidden(url)}: {first}") from None
        yield connection
    finally:
        if TARGET in connections:
            connections[TARGET].close()
        del connections.databases[TARGET]


@contextlib.contextmanager
def _timestamps_kept() -> Iterator[None]:
    """Copied rows keep their own created/updated times (bulk inserts would stamp them now)."""
    saved = []
    for model in _models():
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                saved.append((field, field.auto_now, field.auto_now_add))  # type: ignore[attr-defined]
                field.auto_now = field.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add  # type: ignore[attr-defined]


def _comparable(value: Any) -> Any:
    # PostgreSQL's jsonb keeps its own key order; compare JSON by content.
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def _checksum(model: type[models.Model], using: str) -> tuple[int, str]:
    names = [f.attname for f in model._meta.concrete_fields]
    digest = hashlib.sha256()
    count = 0
    for row in model._base_manager.using(using).order_by("pk").values_list(*names).iterator(chunk_size=BATCH):
        digest.update(repr(tuple(_comparable(v) for v in row)).encode())
        count += 1
    return count, digest.hexdigest()


def _require_ready(target: Any) -> None:
    if connections["default"].vendor != "sqlite":
        raise Invalid("this site already uses PostgreSQL: move-to copies a SQLite site")
    executor = MigrationExecutor(connections["default"])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise Invalid("the SQLite database is not migrated to this version: run `workplan migrate` first")
    tables = target.introspection.table_names()
    if tables:
        raise Invalid(
            f"the target database is not empty ({len(tables)} tables): create an empty one "
            "(createdb NAME) and try again; nothing was changed"
        )


def _copy(target: Any) -> int:
    """Every row, in one target transaction; returns the number of rows copied."""
    rows = 0
    with transaction.atomic(using=TARGET), _timestamps_kept():
        with target.cursor() as cursor:  # what migrate made for itself is replaced by the copy
            cursor.execute("DELETE FROM auth_group_permissions")
            cursor.execute("DELETE FROM auth_permission")
            cursor.execute("DELETE FROM django_content_type")
        for model in _models():
            batch: list[models.Model] = []
            for instance in model._base_manager.using("default").order_by("pk").iterator(chunk_size=BATCH):
                batch.append(instance)
                if len(batch) >= BATCH:
                    model._base_manager.using(TARGET).bulk_create(batch)
                    rows, batch = rows + len(batch), []
            if batch:
                model._base_manager.using(TARGET).bulk_create(batch)
                rows += len(batch)
        with target.cursor() as cursor:
            for statement in target.ops.sequence_reset_sql(no_style(), _models()):
                cursor.execute(statement)
    return rows


def _verify(target: Any) -> None:
    differ = [m._meta.db_table for m in _models() if _checksum(m, "default") != _checksum(m, TARGET)]
    if differ:
        raise Invalid(f"the copy differs from the source in {', '.join(differ[:5])}")


def _empty_again(target: Any) -> None:
    with target.cursor() as cursor:
        tables = target.introspection.table_names(cursor)
        if tables:
            quoted = ", ".join(target.ops.quote_name(t) for t in tables)
            cursor.execute(f"DROP TABLE IF EXISTS {quoted} CASCADE")


def move_to(*, url: str) -> MoveResult:
    """Copy this SQLite site into the empty PostgreSQL database at ``url`` and verify it."""
    with _target(url) as target:
        _require_ready(target)
        try:
            call_command("migrate", database=TARGET, interactive=False, verbosity=0)
            with transaction.atomic(using="default"):  # one snapshot of the source
                rows = _copy(target)
                _verify(target)
        except BaseException:
            _empty_again(target)
            raise
        return MoveResult(tables=len(_models()), rows=rows, url=_hidden(url))
