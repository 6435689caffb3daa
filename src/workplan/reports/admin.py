"""reports in the admin: shown for inspection; every change goes through the app's services and pages."""

from django.contrib import admin

from workplan.core.admin import ReadOnlyAdmin
from workplan.reports.models import GeneratedDocument, GoodPractice, ReportWording

for model in (
    GoodPractice,
    GeneratedDocument,
    ReportWording,
):
    admin.site.register(model, ReadOnlyAdmin)
