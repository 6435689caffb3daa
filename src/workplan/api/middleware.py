"""Makes every error response under ``/api/`` the API's JSON error, whatever produced it.

django-ninja answers its own operations; this middleware covers the rest: unknown URLs
and methods, Django's own refusals (a request too large, a bad host), exceptions outside
the operations, and refuses bodies over the upload limit before anything reads them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from workplan.api.errors import STATUS_CODES, error_response, response_for

API_PREFIX = "/api/"
# A multipart body carries its file plus the form's boundaries and fields.
MULTIPART_ALLOWANCE = 64 * 1024
MESSAGES = {
    404: "no such API resource: see /api/v1/docs for the operations",
    405: "this method is not allowed here: see the Allow header",
}


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


class ApiErrorMiddleware:
    """JSON errors for every request under ``/api/``; other paths pass through untouched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_api_request(request):
            return self.get_response(request)
        too_large = self._refuse_large_body(request)
        if too_large is not None:
            return too_large
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            replacement = error_response(
                response.status_code,
                MESSAGES.get(response.status_code, response.reason_phrase or "error"),
                code=STATUS_CODES.get(response.status_code),
            )
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    replacement[header] = response[header]
            return replacement
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return response_for(request, exception) if is_api_request(request) else None

    @staticmethod
    def _refuse_large_body(request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response(400, "the Content-Length header is not a number")
        limit = max(settings.WORKPLAN_MAX_UPLOAD_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
        if length > limit + MULTIPART_ALLOWANCE:
            return error_response(
                413,
                f"the request is {length} bytes; the limit is {settings.WORKPLAN_MAX_UPLOAD_BYTES} bytes",
                details={"limit": settings.WORKPLAN_MAX_UPLOAD_BYTES},
            )
        return None
