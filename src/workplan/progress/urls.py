"""Routes of the supervision screens and the calendar feed."""

from django.urls import path

from workplan.progress import views

app_name = "progress"

urlpatterns = [
    path("feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("my/", views.my_tasks, name="my_tasks"),
    path("tracks/<int:track_id>/periods/<int:period_id>/report/", views.report_edit, name="report_edit"),
    path("tracks/<int:track_id>/<str:action>/", views.track_action, name="track_action"),
    path("review/", views.review_queue, name="review_queue"),
    path("reports/<int:report_id>/<str:decision>/", views.report_review, name="report_review"),
    path("items/<int:item_id>/<str:action>/", views.item_action, name="item_action"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
    path("notifications/", views.notifications, name="notifications"),
    path("plans/<int:plan_id>/dispatch/", views.plan_dispatch, name="plan_dispatch"),
]
