"""Adapter helpers for HTML views: domain errors to responses, HTMX detection."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from workplan.core.errors import Forbidden, NotFound

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def is_htmx(request: HttpRequest) -> bool:
    """True for a request made by htmx (it sends ``HX-Request: true``)."""
    return request.headers.get("HX-Request") == "true"


def domain_errors(view: View) -> View:
    """Map ``NotFound`` to 404 and ``Forbidden`` to 403 (Invalid/Conflict are the view's to show)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from None
        except Forbidden as error:
            raise PermissionDenied(error.message) from None

    return wrapper  # type: ignore[return-value]
