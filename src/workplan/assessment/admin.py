"""assessment in the admin: shown for inspection; every change goes through the app's services and pages."""

from django.contrib import admin

from workplan.assessment.models import Bonus, Criterion, ManualScore, Objection, Result, Rubric, Run
from workplan.core.admin import ReadOnlyAdmin

for model in (
    Rubric,
    Criterion,
    ManualScore,
    Bonus,
    Run,
    Result,
    Objection,
):
    admin.site.register(model, ReadOnlyAdmin)
