from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    name = "workplan.history"
    label = "history"
    verbose_name = _("History")
    default_auto_field = "django.db.models.BigAutoField"
