"""One error shape for everything under ``/api/``: ``{"error": {"code", "message", "details"}}``.

Domain errors map to statuses here (NotFound 404, Forbidden 403, Invalid 422, Conflict
409); so do django-ninja's own errors, Django's (request too large), and anything
unexpected (500, logged, never a traceback in the response).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from workplan.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from workplan.core.http import is_storage_full

logger = logging.getLogger("workplan.api")

# The code each status gets when nothing more specific is known.
STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}
STORAGE_FULL_MESSAGE = "the server's storage is full: nothing was saved; tell the site's administrator"
DOMAIN_STATUSES: dict[type[DomainError], int] = {NotFound: 404, Forbidden: 403, Invalid: 422, Conflict: 409}


class ApiError(Exception):
    """An error the API answers directly (a bad cursor, a file too large, too many requests)."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or STATUS_CODES.get(status, "error")
        self.message = message
        self.details = details
        self.headers = headers or {}


def error_response(
    status: int,
    message: str,
    *,
    code: str | None = None,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    """The one error response of the API."""
    body = {
        "error": {"code": code or STATUS_CODES.get(status, "error"), "message": message, "details": details}
    }
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _validation_details(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """django-ninja's validation errors without their inputs (which may be large or secret)."""
    return [
        {
            "loc": [str(part) for part in error.get("loc", ())],
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in errors
    ]


def response_for(request: HttpRequest, error: Exception) -> HttpResponse:
    """The response for any exception raised while answering an API request."""
    if isinstance(error, ApiError):
        return error_response(
            error.status, error.message, code=error.code, details=error.details, headers=error.headers
        )
    if isinstance(error, Forbidden | PermissionDenied):
        _record_refusal(request, error)
    if isinstance(error, DomainError):
        status = next((s for kind, s in DOMAIN_STATUSES.items() if isinstance(error, kind)), 400)
        return error_response(status, error.message, code=error.code, details=_json_safe(error.details))
    if isinstance(error, NinjaValidationError):
        return error_response(
            422,
            "the request does not match the schema",
            code="validation_error",
            details=_validation_details(error.errors),
        )
    if isinstance(error, AuthenticationError):
        return error_response(
            401,
            "authentication required: send a personal API token (Authorization: Bearer …) or sign in",
            headers={"WWW-Authenticate": 'Bearer realm="workplan"'},
        )
    if isinstance(error, HttpError):
        message = str(error)
        if error.status_code == 400 and message.startswith("Cannot parse request body"):
            message = "the request body could not be read: send JSON (or multipart/form-data for files)"
        return error_response(error.status_code, message)
    if isinstance(error, RequestDataTooBig | TooManyFilesSent | TooManyFieldsSent):
        return error_response(413, f"the request is too large: {error}")
    if isinstance(error, MultiPartParserError):
        return error_response(400, f"the multipart body could not be read: {error}")
    if is_storage_full(error):
        logger.error("API request %s %s: storage full", request.method, request.path, exc_info=error)
        return error_response(503, STORAGE_FULL_MESSAGE, code="storage_full", headers={"Retry-After": "600"})
    if isinstance(error, Http404):
        return error_response(404, "not found")
    if isinstance(error, PermissionDenied):
        return error_response(403, "you may not do this")
    if isinstance(error, BadRequest | SuspiciousOperation):
        return error_response(400, "the request could not be read")
    logger.exception("API request %s %s failed", request.method, request.path, exc_info=error)
    return error_response(500, "the server failed to answer this request; the error was logged")


def _record_refusal(request: HttpRequest, error: Exception) -> None:
    from workplan.security.services import permission_refusal_record

    user = getattr(request, "auth", None) or getattr(request, "user", None)
    message = getattr(error, "message", "") or str(error)
    permission_refusal_record(actor=user, method=request.method or "", path=request.path, message=message)


def _json_safe(value: Any) -> Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return str(value)
    return value
