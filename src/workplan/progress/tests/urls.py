"""A root URLconf for the progress tests: the app's routes as config/urls.py would include them."""

from django.urls import include, path

urlpatterns = [path("progress/", include("workplan.progress.urls"))]
