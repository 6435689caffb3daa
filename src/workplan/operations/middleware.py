"""Users signed in with a one-time password, or whose password is older than the site's limit,
go to the password page until they change it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from workplan.operations.selectors import must_change_password


class OneTimePasswordMiddleware:
    """Redirect every page (and refuse every session API call) of a user whose password is a
    one-time one or has expired, except the password page itself, signing out and static files."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not self._exempt(request.path)
            and must_change_password(user=user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "error": {
                            "code": "password_change_required",
                            "message": _("Change your password first, on the web site."),
                            "details": None,
                        }
                    },
                    status=403,
                )
            return redirect(reverse("operations:password_change"))
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        allowed = (reverse("operations:password_change"), reverse("web:logout"), reverse("web:set_language"))
        return path in allowed or path.startswith("/static/")
