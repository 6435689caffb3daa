"""The API resource factory: a register's list, get, create, update and delete endpoints.

``resource_router(register, …)`` returns a django-ninja router with five operations under
``/<slug>``: a keyset-paged list with the register's filters as query parameters, one row by
id, create (201), a partial update that carries the ``version`` read (409 when stale), and
delete (204, when the register has a delete service). Each endpoint parses, finds the actor,
calls the register's selector or service and renders — no endpoint writes a model itself.

The entity supplies its schemas (so the OpenAPI document stays exactly as strict as the
server) and ``to_out``, which renders a page of rows at once (one query for what they share).
"""

# No ``from __future__ import annotations`` here: django-ninja reads the annotations of the
# generated endpoint functions at definition time, and they name this call's own classes.

from collections.abc import Callable, Sequence
from enum import Enum
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from pydantic import Field, create_model

from workplan.api.endpoints import actor, changes_of, status
from workplan.api.schemas import DEFAULT_LIMIT, ERRORS, MAX_ID, NO_NUL, ErrorOut, Input, Limit, Out, responses
from workplan.core.policy import Action
from workplan.core.registers import Filter, Register, register_get, register_page

PATH_CURSOR = r"^[0-9A-Z]{1,255}$"
ID_CURSOR = r"^[0-9]{1,18}$"


def _filter_type(one: Filter) -> Any:
    if one.kind == "bool":
        return Annotated[bool | None, Field(None, description=str(one.label))]
    if one.kind == "id":
        return Annotated[int | None, Field(None, ge=1, le=MAX_ID, description=str(one.label))]
    if one.kind == "choice":
        choices = Enum(f"{one.name.title()}Choice", {value: value for value, _ in one.choices}, type=str)  # type: ignore[misc]
        return Annotated[choices | None, Field(None, description=str(one.label))]
    return Annotated[str | None, Field(None, max_length=200, pattern=NO_NUL, description=str(one.label))]


def _filter_schema(register: Register) -> type[Schema]:
    fields: dict[str, Any] = {one.name: (_filter_type(one), None) for one in register.filters}
    schema: type[Schema] = create_model(f"{register.model.__name__}Filters", __base__=Schema, **fields)
    return schema


def _raw(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def resource_router(
    register: Register,
    *,
    tag: str,
    out: type[Out],
    to_out: Callable[[HttpRequest, Sequence[Any]], list[Any]],
    create_in: type[Input],
    update_in: type[Input],
    create_values: Callable[[HttpRequest, Any], dict[str, Any]] | None = None,
    update_values: Callable[[HttpRequest, Any], dict[str, Any]] | None = None,
    noun: str = "",
    id_param: str = "id",
) -> Router:
    """The five operations of ``register`` under ``/<slug>`` (see the module docstring)."""
    router = Router(tags=[tag])
    slug = register.slug
    noun = noun or str(register.model._meta.verbose_name)
    items_type: Any = list[out]  # type: ignore[valid-type]
    page_out: Any = create_model(
        f"{out.__name__}Page", __base__=Out, items=(items_type, ...), next_cursor=(str | None, ...)
    )
    filters_in: Any = _filter_schema(register)
    cursor_pattern = PATH_CURSOR if register.page_key == "path" else ID_CURSOR
    cursor_type = Annotated[
        str | None,
        Query(
            pattern=cursor_pattern,
            description="The `next_cursor` of the previous page (omit for the first page).",
        ),
    ]

    row_id_type = Annotated[int, Path(alias=id_param, ge=1, le=MAX_ID)]
    item = f"/{slug}/{{{id_param}}}"

    def one(request: HttpRequest, row: Any) -> Any:
        return to_out(request, [row])[0]

    @router.get(
        f"/{slug}", response=responses(page_out), summary=f"List {noun}s", operation_id=f"{slug}_list"
    )
    def list_rows(
        request: HttpRequest,
        filters: Query[filters_in],
        cursor: cursor_type = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> Any:
        params = {k: _raw(v) for k, v in filters.dict().items() if v is not None}
        rows, next_cursor = register_page(
            register, user=actor(request), params=params, cursor=cursor, limit=limit
        )
        return page_out(items=to_out(request, rows), next_cursor=next_cursor)

    @router.get(item, response=responses(out), summary=f"One {noun}", operation_id=f"{slug}_get")
    def get_row(request: HttpRequest, row_id: row_id_type) -> Any:
        return one(request, register_get(register, user=actor(request), key=row_id, by="pk"))

    @router.post(
        f"/{slug}", response=responses(out, 201), summary=f"Add a {noun}", operation_id=f"{slug}_create"
    )
    def create_row(request: HttpRequest, payload: create_in) -> Any:  # type: ignore[valid-type]
        values = create_values(request, payload) if create_values else payload.model_dump()  # type: ignore[attr-defined]
        row = register.create_row(actor(request), values)
        return status(201, one(request, row))

    @router.patch(item, response=responses(out), summary=f"Change a {noun}", operation_id=f"{slug}_update")
    def update_row(request: HttpRequest, row_id: row_id_type, payload: update_in) -> Any:  # type: ignore[valid-type]
        user = actor(request)
        row = register_get(register, user=user, key=row_id, action=Action.EDIT, by="pk")
        values = update_values(request, payload) if update_values else changes_of(payload)
        row = register.update_row(user, row, values, payload.version)  # type: ignore[attr-defined]
        return one(request, row)

    if register.delete_row is not None:
        delete = register.delete_row

        @router.delete(
            item,
            response={204: None, ERRORS: ErrorOut},
            summary=f"Delete a {noun}",
            operation_id=f"{slug}_delete",
        )
        def delete_row(request: HttpRequest, row_id: row_id_type) -> Any:
            user = actor(request)
            delete(user, register_get(register, user=user, key=row_id, action=Action.EDIT, by="pk"))
            return status(204, None)

    return router
