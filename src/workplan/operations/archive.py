"""One consistent backup archive of a site, and restoring it into an empty one.

The archive is a gzip'd tar with, in this order: ``manifest.json`` (format, schema version,
database engine, row counts, and the size and SHA-256 of every other member), the database
(``database.sqlite3`` from SQLite's online backup API, or ``database.pgdump`` from
``pg_dump --format=custom``), and every stored file under ``media/`` (evidence, source
documents, drafts). The database is copied first and the files after: files are written
once under their content's name and never changed, so every file the copied rows name is
already there while the site keeps running.

Restoring reads and checks the whole archive before it writes anything: a damaged or
truncated archive, a member whose checksum differs, or a schema newer than this code is
refused with one message, and the target must be empty (no tables, no stored files).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader

from workplan.core.errors import Invalid

FORMAT = "workplan-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


@dataclass
class BackupResult:
    path: Path
    files: int
    bytes: int
    engine: str
    rows: int

    def describe(self) -> str:
        return (
            f"Wrote {self.path}: the {self.engine} database ({self.rows} rows) and {self.files} stored "
            f"files, {self.bytes / 1024 / 1024:.1f} MB"
        )


@dataclass
class RestoreResult:
    files: int
    rows: int
    engine: str
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        lines = [f"Restored the {self.engine} database ({self.rows} rows) and {self.files} stored files."]
        return "\n".join([*lines, *self.notes])


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def schema_version() -> dict[str, list[str]]:
    """The migrations applied to the database, by app (what a restore must know)."""
    recorded = MigrationLoader(connection, ignore_no_migrations=True).applied_migrations
    found: dict[str, list[str]] = {}
    for app, name in sorted(recorded):
        found.setdefault(app, []).append(name)
    return found


def _known_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def model_tables() -> list[str]:
    """The tables of every installed model, sorted."""
    from django.apps import apps

    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
    )


def row_counts(tables: list[str] | None = None, *, using: str = "default") -> dict[str, int]:
    """Rows per table (default: every model's), the check after a restore or a move."""
    counts: dict[str, int] = {}
    with connections[using].cursor() as cursor:
        quote = connections[using].ops.quote_name
        for table in tables if tables is not None else model_tables():
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - names from the models
            counts[table] = int(cursor.fetchone()[0])
    return counts


def _engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


# --- PostgreSQL tools -------------------------------------------------------------------------


def _pg_env(config: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if config.get(key):
            env[variable] = str(config[key])
    env["PGDATABASE"] = str(config["NAME"])
    return env


def _pg_tool(name: str) -> str:
    """The path of ``pg_dump``/``pg_restore``, refused unless its major version is the server's."""
    path = shutil.which(name)
    if path is None:
        raise Invalid(
            f"{name} is not installed: install the PostgreSQL client (apt install postgresql-client)"
        )
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout  # noqa: S603
    tool_major = int("".join(ch for ch in output.split()[-1].split(".")[0] if ch.isdigit()) or 0)
    server_major = connection.cursor().connection.info.server_version // 10000
    if tool_major < server_major:
        raise Invalid(
            f"{name} is version {tool_major} but the server is PostgreSQL {server_major}: "
            f"install the version {server_major} client tools"
        )
    return path


def _pg_run(arguments: list[str], config: dict[str, Any], what: str) -> None:
    result = subprocess.run(arguments, capture_output=True, text=True, env=_pg_env(config), check=False)  # noqa: S603
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise Invalid(f"{what} failed: {reason}")


# --- backup -----------------------------------------------------------------------------------


def _dump_database(folder: Path) -> tuple[str, Path]:
    config = connections["default"].settings_dict
    if _engine() == "postgresql":
        target = folder / "database.pgdump"
        tool = _pg_tool("pg_dump")
        _pg_run(
            [tool, "--format=custom", "--no-owner", "--no-privileges", "-f", str(target)], config, "pg_dump"
        )
        return "database.pgdump", target
    target = folder / "database.sqlite3"
    source = sqlite3.connect(str(config["NAME"]))
    try:
        copy = sqlite3.connect(str(target))
        with copy:
            source.backup(copy)  # SQLite's online backup: a consistent copy while others write
        copy.close()
    finally:
        source.close()
    return "database.sqlite3", target


def _stored_files() -> Iterator[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield f"media/{path.relative_to(root).as_posix()}", path


def backup_create(*, output: Path) -> BackupResult:
    """Write the archive of this site to ``output`` (see the module docstring)."""
    with tempfile.TemporaryDirectory(prefix="workplan-backup-") as scratch:
        folder = Path(scratch)
        rows = row_counts()
        database_name, database_path = _dump_database(folder)
        members = [(database_name, database_path), *_stored_files()]
        entries: list[dict[str, Any]] = [
            {"name": n, "size": p.stat().st_size, "sha256": _sha256_file(p)} for n, p in members
        ]
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "engine": _engine(),
            "database": database_name,
            "schema": schema_version(),
            "rows": rows,
            "members": entries,
        }
        partial = output.with_name(f".{output.name}.partial")
        try:
            with tarfile.open(partial, "w:gz") as archive:
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
                for name, path in members:
                    archive.add(str(path), arcname=name, recursive=False)
            partial.replace(output)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise Invalid(f"cannot write {output}: {error.strerror or error}") from None
    total = sum(int(e["size"]) for e in entries)
    return BackupResult(output, len(entries) - 1, total, manifest["engine"], sum(rows.values()))


# --- restore ----------------------------------------------------------------------------------


def _damaged(path: Path, detail: str) -> Invalid:
    return Invalid(f"{path.name} is not a complete workplan backup ({detail}): nothing was restored")


def _safe_member(name: str) -> bool:
    pure = PurePosixPath(name)
    return not pure.is_absolute() and ".." not in pure.parts and bool(pure.parts)


def _read_manifest(archive: tarfile.TarFile, path: Path) -> dict[str, Any]:
    first = archive.next()
    if first is None or first.name != MANIFEST or not first.isfile():
        raise _damaged(path, "it does not start with its manifest")
    stream = archive.extractfile(first)
    try:
        manifest: dict[str, Any] = json.loads(stream.read() if stream else b"")
    except ValueError:
        raise _damaged(path, "its manifest is unreadable") from None
    if manifest.get("format") != FORMAT:
        raise _damaged(path, "it is not a workplan backup")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise Invalid(
            f"{path.name} is a backup in format {manifest.get('format_version')}; this workplan reads "
            f"format {FORMAT_VERSION}: restore it with the workplan version that wrote it"
        )
    return manifest


def _check_schema(manifest: dict[str, Any], path: Path) -> None:
    applied = {(app, name) for app, names in manifest.get("schema", {}).items() for name in names}
    unknown = sorted(applied - _known_migrations())
    if unknown:
        shown = ", ".join(f"{app}.{name}" for app, name in unknown[:3])
        raise Invalid(
            f"{path.name} comes from a newer workplan (its database has migrations this version does "
            f"not know: {shown}): upgrade workplan first, then restore; nothing was restored"
        )


def _copy_member(archive: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> str:
    """Write one member to ``target`` and return its SHA-256."""
    stream = archive.extractfile(member)
    digest = hashlib.sha256()
    with target.open("wb") as out:
        while stream is not None and (chunk := stream.read(CHUNK)):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _unpack(path: Path, folder: Path) -> dict[str, Any]:
    """Extract every member into ``folder`` and check each against the manifest."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            manifest = _read_manifest(archive, path)
            _check_schema(manifest, path)
            expected = {e["name"]: e for e in manifest.get("members", [])}
            seen: set[str] = set()
            for member in archive:
                if member.name == MANIFEST:
                    continue
                if not member.isfile() or not _safe_member(member.name) or member.name not in expected:
                    raise _damaged(path, f"unexpected member {member.name!r}")
                target = folder / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = _copy_member(archive, member, target)
                if digest != expected[member.name]["sha256"]:
                    raise _damaged(path, f"the checksum of {member.name} differs")
                seen.add(member.name)
    except (tarfile.TarError, EOFError, OSError, ValueError) as error:  # zlib.error is an OSError here
        if isinstance(error, Invalid):
            raise
        raise _damaged(path, f"{type(error).__name__}: {str(error)[:80] or 'unreadable'}") from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise _damaged(path, f"{len(missing)} member(s) missing, e.g. {missing[0]}")
    return manifest


def _require_empty_target() -> None:
    tables = [t for t in connection.introspection.table_names() if t != "django_migrations"]
    if tables:
        raise Invalid(
            f"the database is not empty ({len(tables)} tables): restore into a new data folder or an "
            "empty database; nothing was restored"
        )
    media = Path(settings.MEDIA_ROOT)
    if media.exists() and any(p.is_file() for p in media.rglob("*")):
        raise Invalid(f"{media} already holds files: restore into a new data folder; nothing was restored")


def _load_database(manifest: dict[str, Any], folder: Path) -> None:
    config = connections["default"].settings_dict
    dump = folder / str(manifest["database"])
    if manifest["engine"] != _engine():
        raise Invalid(
            f"the backup holds a {manifest['engine']} database but this site uses {_engine()}: "
            "restore it into the same kind of database, then use `workplan move-to`"
        )
    if _engine() == "postgresql":
        tool = _pg_tool("pg_restore")
        connections.close_all()
        _pg_run(
            [
                tool,
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "-d",
                str(config["NAME"]),
                str(dump),
            ],
            config,
            "pg_restore",
        )
        return
    connections.close_all()
    target = Path(str(config["NAME"]))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(dump, target)


def backup_restore(*, path: Path) -> RestoreResult:
    """Restore the archive at ``path`` into this (empty) site, then check every row count."""
    _require_empty_target()
    with tempfile.TemporaryDirectory(prefix="workplan-restore-", dir=settings.DATA_DIR) as scratch:
        folder = Path(scratch)
        manifest = _unpack(path, folder)
        _load_database(manifest, folder)
        media = Path(settings.MEDIA_ROOT)
        media.mkdir(parents=True, exist_ok=True)
        files = 0
        source = folder / "media"
        if source.exists():
            for item in source.iterdir():
                shutil.move(str(item), str(media / item.name))
            files = sum(1 for p in media.rglob("*") if p.is_file())
    expected_rows: dict[str, int] = manifest.get("rows", {})
    counts = row_counts(list(expected_rows))
    differ = [t for t, n in expected_rows.items() if counts.get(t) != n]
    if differ:
        raise Invalid(f"after the restore, the rows of {', '.join(differ[:3])} differ from the backup")
    return RestoreResult(files=files, rows=sum(counts.values()), engine=manifest["engine"])
