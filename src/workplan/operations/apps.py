from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running a site: first run, the organisation sheet, one-time passwords, backup, restore."""

    name = "workplan.operations"
    label = "operations"
    verbose_name = "Operations"
