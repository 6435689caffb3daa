"""URL wiring only: each app owns its routes."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("plans/", include("workplan.plans.urls")),
    path("progress/", include("workplan.progress.urls")),
    path("tasks/", include("workplan.tasks.urls")),
    path("channels/", include("workplan.channels.urls")),
    path("ledgers/", include("workplan.ledgers.urls")),
    path("assessment/", include("workplan.assessment.urls")),
    path("reports/", include("workplan.reports.urls")),
    path("history/", include("workplan.history.urls")),
    path("publishing/", include("workplan.publishing.urls")),
    path("public/", include("workplan.publishing.public_urls")),
    path("api/", include("workplan.api.urls")),
    path("security/", include("workplan.security.urls")),
    path("", include("workplan.operations.urls")),
    path("", include("workplan.web.urls")),
]

handler400 = "workplan.web.failures.bad_request"
handler500 = "workplan.web.failures.server_error"
