"""One router per resource; each endpoint parses input, finds the actor, calls one service or
selector, and renders. No endpoint writes a model itself."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest

from workplan.api.errors import ApiError
from workplan.core.errors import Invalid


def status(code: int, body: Any) -> Any:
    """An answer with an explicit status (``ninja.Status`` where it exists, else the older tuple)."""
    try:
        from ninja import Status
    except ImportError:  # django-ninja before Status: a (status, body) tuple
        return (code, body)
    return Status(code, body)


def actor(request: HttpRequest) -> Any:
    """The user the request acts for (set by the token or the session authentication)."""
    return request.auth  # type: ignore[attr-defined]


def read_upload(upload: UploadedFile | None) -> tuple[str, bytes]:
    """An uploaded file's name and bytes, refused (413) above WORKPLAN_MAX_UPLOAD_BYTES.

    A missing or empty file is a domain error (422 ``invalid``), not a schema error: a
    multipart form leaves an empty file out, which the schema cannot say.
    """
    if upload is None:
        raise Invalid(
            "send the file in the multipart field `file` (an empty file is not sent)",
            details={"file": ["required"]},
        )
    limit: int = settings.WORKPLAN_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ApiError(
            413,
            f"the file is {upload.size} bytes; the limit is {limit} bytes",
            details={"limit": limit, "size": upload.size},
        )
    name = (upload.name or "upload").replace("\x00", "")
    return name, upload.read()


def changes_of(payload: Any, *, exclude: set[str] | None = None) -> dict[str, Any]:
    """The fields the client actually sent in a partial update (``version`` apart)."""
    return payload.model_dump(exclude_unset=True, exclude={"version", *(exclude or set())})  # type: ignore[no-any-return]
