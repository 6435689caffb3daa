"""files in the admin: shown for inspection; every change goes through the app's services and pages."""

from django.contrib import admin

from workplan.core.admin import ReadOnlyAdmin
from workplan.files.models import StoredFile

for model in (StoredFile,):
    admin.site.register(model, ReadOnlyAdmin)
