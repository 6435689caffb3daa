from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "workplan.publishing"
    label = "publishing"
    verbose_name = _("Public pages")
    default_auto_field = "django.db.models.BigAutoField"
