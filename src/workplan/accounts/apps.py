from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "workplan.accounts"
    label = "accounts"
    verbose_name = _("Organisation and people")
    default_auto_field = "django.db.models.BigAutoField"
