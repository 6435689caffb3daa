"""PostgreSQL only: trigram indexes for item text search (icontains), Chinese included.

Creating the pg_trgm extension needs a privilege some hosted databases do not grant: then
the indexes are skipped with a warning, and search still works (by a scan), only slower.
"""

import logging

from django.db import migrations, transaction

logger = logging.getLogger(__name__)

INDEXES = (
    "CREATE INDEX IF NOT EXISTS plans_planitem_title_trgm ON plans_planitem USING gin (UPPER(title::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS plans_planitem_body_trgm ON plans_planitem USING gin (UPPER(body::text) gin_trgm_ops)",
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as error:
        logger.warning("pg_trgm is not available (%s): item search runs without its index", error)
        return
    for statement in INDEXES:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS plans_planitem_title_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS plans_planitem_body_trgm")


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_milestone")]

    operations = [migrations.RunPython(create, drop)]
