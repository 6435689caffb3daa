"""The API object: version 1 under ``/api/v1``, its authentication, errors, docs and routers."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from workplan.api.auth import SessionAuth, TokenAuth
from workplan.api.endpoints import (
    account,
    assessment,
    assignments,
    audit,
    channels,
    history,
    imports,
    indicators,
    items,
    ledger_sheets,
    ledgers,
    notifications,
    organisation,
    overview,
    plans,
    progress,
    publishing,
    reports,
    supervision,
    tasks,
    units,
    users,
)
from workplan.api.errors import ApiError, response_for
from workplan.core.errors import DomainError

DESCRIPTION = """\
Everything the web UI does, for scripts, OA systems, chat bots and data platforms.

**Authentication.** A personal API token, sent as `Authorization: Bearer wp_<prefix>.<secret>`
(make one with `workplan token create --user USERNAME`, or on your settings page); or, for
the UI's own calls, the signed-in session with the `X-CSRFToken` header on unsafe methods.
Every call acts with the permissions of the token's user.

**Errors** always look like `{"error": {"code": "...", "message": "...", "details": ...}}`:
400 unreadable request, 401 no or bad token, 403 not allowed, 404 not found (also for what
you may not see), 409 stale write (send back the `version` you read), 413 too large,
422 invalid input, 429 too many requests (see `Retry-After`).

**Lists** are pages of `items` with a `next_cursor`; pass it back as `cursor` for the next
page (null at the end). `limit` is 50 by default, at most 200.
"""

api = NinjaAPI(
    title="workplan API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    docs=Swagger(settings={"validatorUrl": None, "tryItOutEnabled": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _handle(request: HttpRequest, error: Exception | type[Exception]) -> HttpResponse:
    return response_for(request, error if isinstance(error, Exception) else error())


# django-ninja looks handlers up by the exception's class, most specific first: override its own.
for kind in (Exception, Http404, HttpError, NinjaValidationError, DomainError, ApiError):
    api.add_exception_handler(kind, _handle)

for module in (
    account,
    units,
    plans,
    imports,
    items,
    assignments,
    progress,
    supervision,
    notifications,
    audit,
    tasks,
    channels,
    ledgers,
    ledger_sheets,
    indicators,
    assessment,
    organisation,
    users,
    reports,
    overview,
    publishing,
    history,
):
    api.add_router("", module.router)
