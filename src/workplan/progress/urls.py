"""Routes of the progress app: only the calendar feed (the pages live in the web app).

Wire it with ``path("progress/", include("workplan.progress.urls"))`` in config/urls.py.
"""

from django.urls import path

from workplan.progress import views

app_name = "progress"

urlpatterns = [
    path("feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
