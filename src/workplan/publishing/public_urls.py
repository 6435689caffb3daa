"""Routes of the anonymous public pages: /public/ (Chinese) and /public/en/ (English).

Ids are taken as text so that junk reaches the view and gets the same 404 as a missing plan.
"""

from django.urls import path

from workplan.publishing import views

app_name = "publishing_public"

urlpatterns = [
    path("", views.public_index, name="index"),
    path("plans/<str:plan_id>/", views.public_plan, name="plan"),
    path("plans/<str:plan_id>/evidence/<str:evidence_id>/", views.public_evidence, name="evidence"),
    path("en/", views.public_index, {"language": "en"}, name="index_en"),
    path("en/plans/<str:plan_id>/", views.public_plan, {"language": "en"}, name="plan_en"),
    path(
        "en/plans/<str:plan_id>/evidence/<str:evidence_id>/",
        views.public_evidence,
        {"language": "en"},
        name="evidence_en",
    ),
]
