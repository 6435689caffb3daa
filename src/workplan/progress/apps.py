from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "workplan.progress"
    label = "progress"
    verbose_name = _("Progress and supervision")
    default_auto_field = "django.db.models.BigAutoField"
