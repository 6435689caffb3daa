from django.urls import path

from workplan.tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("start/", views.task_start, name="start"),
    path("<int:task_id>/", views.task_detail, name="detail"),
    path("<int:task_id>/retry/", views.task_retry, name="retry"),
    path("<int:task_id>/state/", views.task_state, name="state"),
]
