"""Types shared by the API's schemas: ids, text, cursors, page sizes, the error body.

Every constraint here is in the OpenAPI schema too, so that a request the schema allows is
one the server reads (schemathesis checks both directions).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from django.conf import settings
from django.utils import timezone
from ninja import Path, Query, Schema
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

# Ids are 64-bit integers in both databases.
MAX_ID = 2**63 - 1
NO_NUL = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL characters
SOME_TEXT = r"^[^\x00]*[^\x00\s][^\x00]*$"  # at least one visible character

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}:\d{2})?$")


def _iso(pattern: re.Pattern[str], what: str) -> Any:
    def check(value: Any) -> Any:
        # pydantic would also read numbers as timestamps; the schema promises ISO 8601 text.
        if isinstance(value, str) and not pattern.match(value):
            raise ValueError(f"expected an ISO 8601 {what}")
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError(f"expected an ISO 8601 {what}")
        return value

    return check


def _aware(value: dt.datetime) -> dt.datetime:
    """An aware moment in UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows."""
    aware = timezone.make_aware(value) if timezone.is_naive(value) else value
    try:
        return aware.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("out of range") from None


IsoDate = Annotated[dt.date, BeforeValidator(_iso(ISO_DATE, "date (YYYY-MM-DD)"))]
IsoDateTime = Annotated[
    dt.datetime,
    BeforeValidator(_iso(ISO_DATETIME, "date and time")),
    AfterValidator(_aware),
    Field(description="ISO 8601; without an offset, the server's time zone."),
]

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def not_a_boolean(value: object) -> object:
    """pydantic reads true/false as 1/0; the schema says a number, so a boolean is refused."""
    if isinstance(value, bool):
        raise ValueError("expected a number, not true or false")
    return value


def cents(value: float) -> Decimal:
    """A JSON number as the two-decimal ``Decimal`` the database stores (12.345 → 12.35).

    Decimal fields are numbers in the schema: a ``Decimal`` type would also let the schema
    accept strings such as "" that the server then refuses."""
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# Ids and versions in request bodies: whole numbers, also written 604932.0 (JSON does not tell
# 1 from 1.0, and neither does the schema), never true/false read as 1/0.
RefId = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(not_a_boolean)]
Version = Annotated[
    int,
    Field(ge=0, le=2**31, description="The `version` you read: a stale write is refused (409)."),
    BeforeValidator(not_a_boolean),
]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Year = Annotated[int, Field(ge=1990, le=2200)]


Title = Annotated[str, StringConstraints(max_length=2000, pattern=SOME_TEXT)]
Name = Annotated[str, StringConstraints(max_length=300, pattern=SOME_TEXT)]
ShortText = Annotated[str, StringConstraints(max_length=300, pattern=NO_NUL)]
LongText = Annotated[str, StringConstraints(max_length=100_000, pattern=NO_NUL)]
Note = Annotated[str, StringConstraints(max_length=5000, pattern=NO_NUL)]
Reason = Annotated[str, StringConstraints(max_length=5000, pattern=SOME_TEXT)]
SearchText = Annotated[str | None, Query(max_length=200, pattern=NO_NUL)]

# Cursors are positions in a keyset order: a tree path (items, units) or an id (the rest).
PATH_CURSOR = r"^[0-9A-Z]{1,255}$"
ID_CURSOR = r"^[0-9]{1,18}$"
PathCursor = Annotated[
    str | None,
    Query(
        pattern=PATH_CURSOR, description="The `next_cursor` of the previous page (omit for the first page)."
    ),
]
IdCursor = Annotated[
    str | None,
    Query(pattern=ID_CURSOR, description="The `next_cursor` of the previous page (omit for the first page)."),
]
Limit = Annotated[
    int,
    Query(
        ge=1,
        le=settings.WORKPLAN_API_MAX_PAGE_SIZE,
        description=f"Page size (at most {settings.WORKPLAN_API_MAX_PAGE_SIZE}).",
    ),
]
DEFAULT_LIMIT: int = settings.WORKPLAN_API_PAGE_SIZE


class Input(Schema):
    """Base of request bodies: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    """Base of responses: plain pydantic models, built from the domain objects by each endpoint
    (cheaper than django-ninja's ORM-reading Schema for long lists)."""


class ErrorBody(Out):
    code: str = Field(description="A stable machine-readable code, e.g. `not_found`, `conflict`.")
    message: str = Field(description="What went wrong, for a person.")
    details: Any = Field(None, description="Field errors, the current state of a stale object, etc.")


class ErrorOut(Out):
    """The one error shape of the API."""

    error: ErrorBody


class Done(Out):
    """The answer to an action that returns nothing else."""

    ok: bool = True
    count: int | None = None


ERRORS = frozenset({400, 401, 403, 404, 409, 413, 422, 429})


def responses(ok: Any, status: int = 200) -> dict[Any, Any]:
    """The documented responses of an operation: its result and the error shape."""
    return {status: ok, ERRORS: ErrorOut}
