from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "workplan.security"
    label = "security"
    verbose_name = _("Security")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Sign-in events come from Django's and django-axes' signals (the only place they are
        # raised); the receivers only call the audited service.
        from workplan.security import receivers  # noqa: F401
