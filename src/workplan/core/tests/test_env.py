"""Settings from the environment: good values parse, bad ones fail with a named variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from workplan.config import env


def test_default_database_is_sqlite_in_wal_mode(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = env.database(tmp_path)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "workplan.sqlite3")
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["timeout"] > 0


def test_postgres_url(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example:5433/plans")
    config = env.database(tmp_path)
    assert (config["ENGINE"], config["NAME"], config["HOST"], config["PORT"]) == (
        "django.db.backends.postgresql",
        "plans",
        "db.example",
        5433,
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("nonsense", "not a valid database URL"),
        ("oracle://u@h/db", "unsupported database"),
        ("postgres://u@h", "names no database"),
    ],
)
def test_bad_database_urls(tmp_path, monkeypatch, url, message):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(env.ConfigurationError, match=message):
        env.database(tmp_path)


def test_unwritable_data_dir():
    with pytest.raises(env.ConfigurationError, match="not writable"):
        env.ensure_writable_dir(Path("/proc/not-here"))


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("yes", True), ("off", False), ("", False)])
def test_flags(monkeypatch, raw, value):
    monkeypatch.setenv("X_FLAG", raw)
    assert env.flag("X_FLAG", default=False) is value


def test_bad_flag_and_integer(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(env.ConfigurationError, match="X_FLAG must be true or false"):
        env.flag("X_FLAG", default=False)
    monkeypatch.setenv("X_INT", "12MB")
    with pytest.raises(env.ConfigurationError, match="X_INT must be a whole number"):
        env.integer("X_INT", 1)
    monkeypatch.setenv("X_INT", "-5")
    with pytest.raises(env.ConfigurationError, match="at least 0"):
        env.integer("X_INT", 1)


def test_time_zone(monkeypatch):
    monkeypatch.delenv("TIME_ZONE", raising=False)
    assert env.time_zone() == "Asia/Shanghai"
    monkeypatch.setenv("TIME_ZONE", "../../etc/passwd")
    with pytest.raises(env.ConfigurationError, match="TIME_ZONE"):
        env.time_zone()


def test_secret_key_generated_once_and_private(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = env.secret_key(tmp_path)
    assert env.secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
