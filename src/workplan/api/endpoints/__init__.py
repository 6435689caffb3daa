"""One router per resource; each endpoint parses input, finds the actor, calls one service or
selector, and renders. No endpoint writes a model itself."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest

from workplan.api.errors import ApiError


def actor(request: HttpRequest) -> Any:
    """The user the request acts for (set by the token or the session authentication)."""
    return request.auth  # type: ignore[attr-defined]


def read_upload(upload: UploadedFile) -> tuple[str, bytes]:
    """An uploaded file's name and bytes, refused (413) above WORKPLAN_MAX_UPLOAD_BYTES."""
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
