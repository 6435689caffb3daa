"""Readable pages for failures that are not the user's fault or are not a form error.

A full disk (``ENOSPC``) is a 503 "storage full" page, an unreadable multipart body a 400 page,
wherever they are raised: in a view (``FailurePageMiddleware``) or in a middleware before the
view, such as the CSRF check reading the body (the ``handler400``/``handler500`` views). Under
``/api/`` the same failures get the API's JSON error shape (``api.errors.response_for``).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

from workplan.core.http import is_storage_full

logger = logging.getLogger("workplan.web")


def storage_full_page(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        from workplan.api.errors import STORAGE_FULL_MESSAGE, error_response

        return error_response(503, STORAGE_FULL_MESSAGE, code="storage_full", headers={"Retry-After": "600"})
    response = _page(
        request,
        503,
        _("Storage full"),
        _(
            "The server's storage is full, so nothing was saved. Tell the site's administrator; "
            "try again once space has been freed."
        ),
    )
    response["Retry-After"] = "600"
    return response


def unreadable_body_page(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        from workplan.api.errors import error_response

        return error_response(400, "the multipart body could not be read")
    return _page(
        request,
        400,
        _("The form could not be read"),
        _("The upload did not arrive complete or was not sent as a form. Go back and send it again."),
    )


def _page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "web/failure.html", {"title": title, "message": message}, status=status)


class FailurePageMiddleware:
    """A full disk or an unreadable upload raised by a view: the readable page, not a 500.
    A refusal (403) is recorded in the audit log and answered by Django as before."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_storage_full(exception):
            logger.error("%s %s: storage full", request.method, request.path, exc_info=exception)
            return storage_full_page(request)
        if isinstance(exception, MultiPartParserError):
            return unreadable_body_page(request)
        if isinstance(exception, PermissionDenied):
            from workplan.security.services import permission_refusal_record

            permission_refusal_record(
                actor=getattr(request, "user", None),
                method=request.method or "",
                path=request.path,
                message=str(exception),
            )
        return None


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler400``: Django's 400s, e.g. an unreadable multipart body met by a middleware."""
    if isinstance(exception, MultiPartParserError):
        return unreadable_body_page(request)
    return _page(request, 400, _("Bad request"), _("The request could not be read."))


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a full disk met outside a view is still the storage-full page."""
    if is_storage_full(sys.exc_info()[1]):
        return storage_full_page(request)
    return _page(
        request, 500, _("Server error"), _("The server failed to answer this request; the error was logged.")
    )
