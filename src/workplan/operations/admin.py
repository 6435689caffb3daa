"""operations in the admin: shown for inspection; every change goes through the app's services and pages."""

from django.contrib import admin

from workplan.core.admin import ReadOnlyAdmin
from workplan.operations.models import OneTimePassword

for model in (OneTimePassword,):
    admin.site.register(model, ReadOnlyAdmin)
