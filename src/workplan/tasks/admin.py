"""tasks in the admin: shown for inspection; every change goes through the app's services and pages."""

from django.contrib import admin

from workplan.core.admin import ReadOnlyAdmin
from workplan.tasks.models import Task

for model in (Task,):
    admin.site.register(model, ReadOnlyAdmin)
