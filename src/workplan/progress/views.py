"""The calendar feed: the one page of this app, for calendar clients (no session, a token)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from workplan.core.errors import NotFound
from workplan.progress import selectors


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A unit's deadlines as .ics; the secret token in the URL is the only credential."""
    try:
        data = selectors.feed_ics(token=token)
    except NotFound as error:
        raise Http404(error.message) from None
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="workplan.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
