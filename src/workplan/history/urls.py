from django.urls import path

from workplan.history import views

app_name = "history"

urlpatterns = [
    path("plans/<int:plan_id>/changes/", views.plan_changes, name="plan_changes"),
]
