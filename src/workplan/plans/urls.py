from django.urls import path

from workplan.plans import views

app_name = "plans"

urlpatterns = [
    path("import/", views.import_start, name="import_start"),
    path("import/<int:draft_id>/", views.draft_view, name="draft"),
    path("import/<int:draft_id>/items/<str:key>/<str:action>/", views.draft_action, name="draft_action"),
    path("import/<int:draft_id>/units/", views.draft_units, name="draft_units"),
    path("import/<int:draft_id>/year/", views.draft_year, name="draft_year"),
    path("import/<int:draft_id>/confirm/", views.draft_confirm, name="draft_confirm"),
    path("import/<int:draft_id>/discard/", views.draft_discard, name="draft_discard"),
    path("<int:plan_id>/breakdown.xlsx", views.breakdown_download, name="breakdown_download"),
    path("<int:plan_id>/breakdown/", views.breakdown_upload, name="breakdown_upload"),
    path("<int:plan_id>/bulk/", views.bulk_assign, name="bulk_assign"),
    path("items/<int:item_id>/milestones/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:milestone_id>/done/", views.milestone_done, name="milestone_done"),
]
