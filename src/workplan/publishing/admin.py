"""publishing in the admin: shown for inspection; every change goes through the app's services."""

from django.contrib import admin

from workplan.core.admin import ReadOnlyAdmin
from workplan.publishing.models import Publication, PublicEvidence, PublicNarrative

for model in (Publication, PublicNarrative, PublicEvidence):
    admin.site.register(model, ReadOnlyAdmin)
