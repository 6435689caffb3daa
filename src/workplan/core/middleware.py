"""Request middleware: attribute audit rows written during a request to its interface."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from workplan.core import audit


class AuditInterfaceMiddleware:
    """Mark writes during a request as coming from the web UI or the API, and from its client."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = "api" if request.path.startswith("/api/") else "web"
        with audit.interface(name), audit.client(*audit.client_of(request)):
            return self.get_response(request)
