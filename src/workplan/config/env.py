"""Reading settings from the environment, failing loudly on a bad value.

Every problem raises :class:`ConfigurationError` with one line that names the variable
and what is wrong with it; the CLI prints that line and exits with status 2.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url


class ConfigurationError(Exception):
    """A setting from the environment is missing, malformed or unusable."""


def data_dir() -> Path:
    """The folder for the SQLite database, uploads and the generated secret key."""
    raw = os.environ.get("WORKPLAN_DATA_DIR", "").strip()
    path = Path(raw).expanduser() if raw else Path.cwd() / "data"
    return path.resolve()


def ensure_writable_dir(path: Path) -> Path:
    """Create ``path`` if needed and prove it is writable, or explain why not."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as error:
        reason = error.strerror or str(error)
        raise ConfigurationError(f"WORKPLAN_DATA_DIR {path} is not writable: {reason}") from None
    return path


def secret_key(folder: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data folder."""
    from_env = os.environ.get("SECRET_KEY", "").strip()
    if from_env:
        if len(from_env) < 32:
            raise ConfigurationError("SECRET_KEY is too short: use at least 32 random characters")
        return from_env
    key_file = folder / "secret_key"
    if key_file.exists():
        key = key_file.read_text(encoding="utf-8").strip()
        if len(key) >= 32:
            return key
    ensure_writable_dir(folder)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key, encoding="utf-8")
    key_file.chmod(0o600)
    return key


def database(folder: Path) -> dict[str, Any]:
    """The default database from DATABASE_URL, else SQLite in WAL mode in the data folder."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return sqlite_config(folder / "workplan.sqlite3")
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except (ValueError, KeyError) as error:
        raise ConfigurationError(f"DATABASE_URL is not a valid database URL: {error}") from None
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        return sqlite_config(Path(config["NAME"]))
    if engine != "django.db.backends.postgresql":
        raise ConfigurationError(
            f"DATABASE_URL names an unsupported database ({engine or url.split(':', 1)[0]}): "
            "use postgres://… or sqlite:///…"
        )
    if not config.get("NAME"):
        raise ConfigurationError("DATABASE_URL names no database: add /DBNAME to the URL")
    config.setdefault("OPTIONS", {})
    config["OPTIONS"].setdefault("connect_timeout", 5)
    config["CONN_HEALTH_CHECKS"] = True
    return config


def sqlite_config(path: Path) -> dict[str, Any]:
    """SQLite tuned for a small server: WAL, a busy timeout, immediate write transactions."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
            ),
        },
        # A file, not memory, for the test database: concurrency tests need real connections.
        "TEST": {"NAME": str(path.with_name(f"test_{path.name}"))},
    }


def time_zone() -> str:
    name = os.environ.get("TIME_ZONE", "Asia/Shanghai").strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            f"TIME_ZONE {name!r} is not a known time zone (e.g. Asia/Shanghai)"
        ) from None
    return name


TASK_ENGINES = ("immediate", "database", "celery")


def task_engine() -> str:
    """WORKPLAN_TASKS: who runs background tasks (see workplan/tasks/engines.py)."""
    kind = os.environ.get("WORKPLAN_TASKS", "").strip().lower() or "immediate"
    if kind not in TASK_ENGINES:
        raise ConfigurationError(f"WORKPLAN_TASKS must be one of {', '.join(TASK_ENGINES)}, not {kind!r}")
    if kind == "celery" and not os.environ.get("WORKPLAN_BROKER_URL", "").strip():
        raise ConfigurationError("WORKPLAN_TASKS=celery needs WORKPLAN_BROKER_URL (redis://… or amqp://…)")
    return kind


FILE_STORAGES = ("filesystem", "database")


def file_storage(folder: Path, prefix: str, *, allow_overwrite: bool = False) -> dict[str, Any]:
    """The STORAGES entry for WORKPLAN_FILE_STORAGE (``filesystem`` or ``database``)."""
    kind = os.environ.get("WORKPLAN_FILE_STORAGE", "").strip().lower() or "filesystem"
    if kind == "filesystem":
        options: dict[str, Any] = {"location": str(folder), "allow_overwrite": allow_overwrite}
        return {"BACKEND": "workplan.files.storage.AtomicFileSystemStorage", "OPTIONS": options}
    if kind == "database":
        options = {"location": prefix, "allow_overwrite": allow_overwrite}
        return {"BACKEND": "workplan.files.storage.DatabaseStorage", "OPTIONS": options}
    raise ConfigurationError(f"WORKPLAN_FILE_STORAGE must be one of {', '.join(FILE_STORAGES)}, not {kind!r}")


def flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {raw!r}")


def integer(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, not {value}")
    return value


def host_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name, "").strip()
    return [h.strip() for h in raw.split(",") if h.strip()] if raw else default


DEPLOYMENTS = ("development", "production")


def deployment() -> str:
    """WORKPLAN_ENV: ``development`` (the default) or ``production`` (HTTPS-only, strict checks)."""
    raw = os.environ.get("WORKPLAN_ENV", "").strip().lower() or "development"
    if raw not in DEPLOYMENTS:
        raise ConfigurationError(f"WORKPLAN_ENV must be one of {', '.join(DEPLOYMENTS)}, not {raw!r}")
    return raw


def require_production_safe(*, debug: bool) -> None:
    """Refuse to start a production site with DEBUG on, a weak or generated key, or no host names."""
    if debug:
        raise ConfigurationError("WORKPLAN_ENV=production refuses DEBUG=true: turn DEBUG off")
    key = os.environ.get("SECRET_KEY", "").strip()
    if not key:
        raise ConfigurationError(
            "WORKPLAN_ENV=production needs SECRET_KEY in the environment (50 or more random characters)"
        )
    if (
        len(key) < 50
        or len(set(key)) < 12
        or key.lower().startswith(("django-insecure", "changeme", "secret"))
    ):
        raise ConfigurationError(
            "SECRET_KEY is too weak for production: use 50 or more random characters "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))")'
        )
    if not os.environ.get("ALLOWED_HOSTS", "").strip():
        raise ConfigurationError("WORKPLAN_ENV=production needs ALLOWED_HOSTS: the site's host names")
