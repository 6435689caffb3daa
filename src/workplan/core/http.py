"""Adapter helpers for HTML views: domain errors to responses, HTMX detection."""

from __future__ import annotations

import errno
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from workplan.core.errors import Forbidden, NotFound

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def is_htmx(request: HttpRequest) -> bool:
    """True for a request made by htmx (it sends ``HX-Request: true``)."""
    return request.headers.get("HX-Request") == "true"


STORAGE_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


def is_storage_full(error: BaseException | None) -> bool:
    """True if ``error``, or an error it was raised from, is a full disk or an exceeded quota."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, OSError) and error.errno in STORAGE_FULL_ERRNOS:
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def query_without_page(request: HttpRequest) -> str:
    """The request's query string without ``page``: a pager's links add their own."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def safe_next(request: HttpRequest, default: str) -> str:
    """The ``next`` the request asks for if it is a path on this site, else ``default``.

    ``default`` is a URL name or a path. Refused: other hosts (``https://evil.example/``,
    ``//evil.example``), other schemes (``javascript:``), and anything a browser would read
    differently (backslashes, control characters): ``url_has_allowed_host_and_scheme`` decides.
    """
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url(default)


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
