from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "workplan.ledgers"
    label = "ledgers"
    verbose_name = _("Ledgers and indicators")
    default_auto_field = "django.db.models.BigAutoField"
