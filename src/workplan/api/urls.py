"""Routes of the API: ``/api/v1/…`` (operations, ``openapi.json``, ``docs``) and a JSON 404 for the rest.

Wire it with ``path("api/", include("workplan.api.urls"))`` in config/urls.py.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from workplan.api.errors import error_response
from workplan.api.router import api


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other URL under /api/: the API's 404, whatever the method."""
    return error_response(404, "no such API resource: see /api/v1/docs for the operations")


urlpatterns = [
    path("v1/", api.urls),
    re_path(r"^(?P<rest>.*)$", not_found),
]
