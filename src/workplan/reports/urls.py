"""Routes of the reports screens."""

from django.urls import path

from workplan.reports import views

app_name = "reports"

urlpatterns = [
    path("plans/<int:plan_id>/", views.plan_reports, name="plan_reports"),
    path("plans/<int:plan_id>/generate/", views.generate, name="generate"),
    path("documents/<int:document_id>/", views.document, name="document"),
    path("documents/<int:document_id>/file/", views.document_file, name="document_file"),
    path("plans/<int:plan_id>/wording/", views.wording_edit, name="wording_edit"),
    path(
        "plans/<int:plan_id>/reports/<int:report_id>/good-practice/",
        views.good_practice,
        name="good_practice",
    ),
]
