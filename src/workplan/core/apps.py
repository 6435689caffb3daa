from typing import Any

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "workplan.core"
    label = "core"
    verbose_name = "Core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        connection_created.connect(_sqlite_audit_function, dispatch_uid="workplan.core.appendonly")


def _sqlite_audit_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    # The audit log's append-only triggers call this function on every UPDATE/DELETE.
    if connection.vendor == "sqlite":
        from workplan.core.appendonly import register_sqlite_function

        register_sqlite_function(connection)
