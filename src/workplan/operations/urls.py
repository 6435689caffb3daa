from django.urls import path

from workplan.operations import views

app_name = "operations"

urlpatterns = [
    path("welcome/", views.welcome, name="welcome"),
    path("account/password/", views.password_change, name="password_change"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:user_id>/", views.user_detail, name="user_detail"),
    path("plans/import/<int:draft_id>/units/bulk/", views.draft_units, name="draft_units"),
    path("organisation/", views.organisation, name="organisation"),
    path("organisation/export.xlsx", views.organisation_export, name="organisation_export"),
    path("organisation/template.xlsx", views.organisation_template, name="organisation_template"),
]
