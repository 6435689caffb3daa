"""The audit log is append-only in the database itself: triggers refuse UPDATE, DELETE and
(PostgreSQL) TRUNCATE on core_auditentry, whoever issues them (web, API, admin, CLI, a shell).

The one change let through is the database's own ON DELETE SET NULL of ``actor_id`` or
``target_type_id`` when the user or content type a row names is deleted: every other column
must stay as it was. The test suite's flush between tests is the one sanctioned bypass
(``core.appendonly.maintenance``): PostgreSQL reads the session setting
``workplan.audit_maintenance``, SQLite calls the per-connection function
``workplan_audit_maintenance()`` (a connection without it, such as the sqlite3 shell,
fails closed: its writes are refused).
"""

from django.db import migrations

from workplan.core.appendonly import install_triggers, remove_triggers


class Migration(migrations.Migration):
    dependencies = [("core", "0002_sec_audit_client")]

    operations = [migrations.RunPython(install_triggers, remove_triggers)]
