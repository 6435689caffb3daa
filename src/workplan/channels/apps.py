from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "workplan.channels"
    label = "channels"
    verbose_name = _("Messaging channels")
    default_auto_field = "django.db.models.BigAutoField"
