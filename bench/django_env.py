"""Shared set-up for the Django benchmarks: a throw-away data folder and a migrated database.

SQLite by default; set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/wp_bench) to
measure PostgreSQL — that database is dropped and re-created first.
"""

from __future__ import annotations

import os
import tempfile


def setup_django() -> str:
    """Configure Django on a fresh database; return a one-word name of the backend."""
    os.environ.setdefault("WORKPLAN_DATA_DIR", tempfile.mkdtemp(prefix="wp-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workplan.config.settings")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    return "postgresql" if url.startswith("postgres") else "sqlite"
