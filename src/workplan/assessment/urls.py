"""Routes of the assessment screens (the rubric register's pages included)."""

from django.urls import path

from workplan.assessment import views
from workplan.assessment.registers import RUBRICS
from workplan.web import records

app_name = "assessment"

urlpatterns = [
    path("rubrics/", records.record_list, {"register": RUBRICS}, name="rubrics_list"),
    path("rubrics/new/", records.record_edit, {"register": RUBRICS}, name="rubrics_create"),
    path("rubrics/<str:key>/", views.rubric_page, name="rubrics_detail"),
    path("rubrics/<str:key>/edit/", records.record_edit, {"register": RUBRICS}, name="rubrics_edit"),
    path("rubrics/<str:key>/delete/", records.record_delete, {"register": RUBRICS}, name="rubrics_delete"),
    path("rubrics/<str:key>/criteria/", views.criteria_edit, name="criteria_edit"),
    path("rubrics/<str:key>/run/", views.run_compute, name="run_compute"),
    path("rubrics/<str:key>/scores/", views.score_enter, name="score_enter"),
    path("rubrics/<str:key>/bonuses/", views.bonus_add, name="bonus_add"),
    path("scores/<int:score_id>/review/", views.score_review, name="score_review"),
    path("bonuses/<int:bonus_id>/remove/", views.bonus_remove, name="bonus_remove"),
    path("runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("runs/<int:run_id>/publish/", views.run_publish, name="run_publish"),
    path("runs/<int:run_id>/ranking.xlsx", views.run_export, name="run_export"),
    path("results/<int:result_id>/", views.result_detail, name="result_detail"),
    path("results/<int:result_id>/object/", views.objection_file, name="objection_file"),
    path("objections/<int:objection_id>/answer/", views.objection_answer, name="objection_answer"),
    path("plans/<int:plan_id>/integrity/", views.integrity_plan, name="integrity_plan"),
    path("plans/<int:plan_id>/integrity/<int:unit_id>/", views.integrity_unit, name="integrity_unit"),
]
