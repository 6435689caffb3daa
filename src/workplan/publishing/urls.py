"""Routes of the planner's publishing screens (signed in)."""

from django.urls import path

from workplan.publishing import views

app_name = "publishing"

urlpatterns = [
    path("plans/<int:plan_id>/", views.manage, name="manage"),
    path("plans/<int:plan_id>/publish/", views.publish, name="publish"),
    path("plans/<int:plan_id>/reports/<int:report_id>/narrative/", views.narrative, name="narrative"),
    path("plans/<int:plan_id>/evidence/<int:evidence_id>/public/", views.evidence, name="evidence"),
]
