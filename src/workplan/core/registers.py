"""The generic layer for register-like records (units, ledgers, indicators, rubrics …).

Their base model is ``core.records.RecordModel``.

An entity declares itself once as a :class:`Register`: its model, how a row is named in
URLs, its columns and filters, its edit form, and the three services that write it. From
that declaration come, with no further code:

* the reads — :func:`register_rows` (filtered, scoped by the model's permission policy),
  :func:`register_page` (keyset pages) and :func:`register_get` (missing and forbidden alike
  raise ``NotFound``);
* the web pages — list with filters and pages, detail with the row's change history, create,
  edit and delete (``workplan.web.records``);
* the API resource — list with keyset pages and filters, get, create, update with
  ``expected_version``, delete (``workplan.api.resources``);
* the generic tests — permissions, audit rows, query counts, bad input (``tests/test_registers.py``
  runs them for every declared register).

Writes always go through the entity's own services (which check the policy and audit);
this module has no domain nouns. Register declarations live in ``<app>/registers.py`` and are
found by :func:`all_registers`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext

from workplan.core.errors import NotFound
from workplan.core.pagination import keyset_page
from workplan.core.policy import Action, Policy, policy_for


@dataclass(frozen=True)
class Filter:
    """One filter of a register's list, the same in the web page and the API.

    ``lookup`` is the ORM lookup the value is applied with (``"kind"``, ``"is_active"``);
    ``search`` instead ORs ``icontains`` over several fields (a text box). ``kind`` says how
    the raw text is read: ``"text"``, ``"bool"`` (``true``/``false``), ``"choice"`` or ``"id"``
    (a positive integer, for ``custom`` filters such as "children of this parent").
    """

    name: str
    label: Any
    lookup: str = ""
    search: tuple[str, ...] = ()
    kind: str = "text"
    choices: tuple[tuple[str, Any], ...] = ()
    # For filters that are neither a lookup nor a search: (rows, raw text) → rows.
    custom: Callable[[QuerySet[Any], str], QuerySet[Any]] | None = field(default=None, compare=False)

    def apply(self, rows: QuerySet[Any], raw: str) -> QuerySet[Any]:
        raw = raw.strip()
        if not raw:
            return rows
        if self.custom is not None:
            return self.custom(rows, raw)
        if self.search:
            condition = Q()
            for name in self.search:
                condition |= Q(**{f"{name}__icontains": raw})
            return rows.filter(condition)
        if self.kind == "bool":
            if raw not in {"true", "false"}:
                raise NotFound(gettext("Unknown value for the filter %(name)s.") % {"name": self.name})
            return rows.filter(**{self.lookup: raw == "true"})
        if self.kind == "choice" and raw not in {value for value, _ in self.choices}:
            raise NotFound(gettext("Unknown value for the filter %(name)s.") % {"name": self.name})
        return rows.filter(**{self.lookup: raw})


class RecordForm(forms.Form):
    """Base of register edit forms: knows the acting user and the row being edited (if any),
    so a form can offer only the choices its user may make."""

    def __init__(self, *args: Any, user: Any = None, row: models.Model | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.row = row


@dataclass(frozen=True)
class Register:
    """A register-like entity, declared once (see the module docstring)."""

    model: type[models.Model]
    # The URL and API name of the register ("units"), and its title in the UI.
    slug: str
    title: Any
    # How a row is named in URLs ("code" for units); unique.
    key_field: str
    # The unique, indexed column that orders the list and its keyset pages.
    page_key: str
    # Field names shown as the list's columns (labels come from the model's fields).
    columns: tuple[str, ...]
    form: type[RecordForm]
    # Writes, always the entity's own services: create_row(actor, values) → row;
    # update_row(actor, row, values, expected_version) → row; delete_row(actor, row).
    create_row: Callable[[Any, dict[str, Any]], models.Model]
    update_row: Callable[[Any, models.Model, dict[str, Any], int | None], models.Model]
    delete_row: Callable[[Any, models.Model], None] | None = None
    filters: tuple[Filter, ...] = ()
    select_related: tuple[str, ...] = ()
    # For the edit form: the form's initial values for an existing row.
    initial: Callable[[models.Model], dict[str, Any]] | None = None
    # The web namespace its pages are mounted under (URL names are <slug>_list, _detail, …).
    url_namespace: str = "web"
    # For the generic tests (tests/test_registers.py): values that create a valid row
    # (``sample(actor, index)``, the index making them unique; it may create what the row
    # needs first), and the standing personas who may and may not write such rows.
    sample: Callable[[Any, int], dict[str, Any]] | None = field(default=None, compare=False)
    test_writer: str = "admin"
    test_reader: str = "planner"

    @property
    def policy(self) -> Policy:
        return policy_for(self.model)

    def url_name(self, page: str) -> str:
        return f"{self.url_namespace}:{self.slug}_{page}"

    def label(self, name: str) -> str:
        """The verbose name of the model field ``name``."""
        return str(getattr(self.model._meta.get_field(name), "verbose_name", name))

    def column_labels(self) -> list[str]:
        return [self.label(name) for name in self.columns]

    def cells(self, row: models.Model) -> list[Any]:
        """The list's cells of ``row``: display values for choices, lists joined."""
        cells: list[Any] = []
        for name in self.columns:
            display = getattr(row, f"get_{name}_display", None)
            value = display() if callable(display) else getattr(row, name)
            if isinstance(value, list | tuple):
                value = "、".join(str(v) for v in value)
            cells.append(value)
        return cells

    def key_of(self, row: models.Model) -> str:
        return str(getattr(row, self.key_field))

    def form_initial(self, row: models.Model) -> dict[str, Any]:
        if self.initial is not None:
            return self.initial(row)
        return {name: getattr(row, name) for name in self.form.base_fields if hasattr(row, name)}


_REGISTERS: dict[str, Register] = {}


def declare(register: Register) -> Register:
    """Make ``register`` known to the generic tests and the API (its slug must be unique)."""
    existing = _REGISTERS.get(register.slug)
    if existing is not None and existing.model is not register.model:
        raise RuntimeError(f"two registers are called {register.slug!r}")
    _REGISTERS[register.slug] = register
    return register


def all_registers() -> list[Register]:
    """Every declared register (from each app's ``registers.py``)."""
    autodiscover_modules("registers")
    return list(_REGISTERS.values())


# --- the generic reads ------------------------------------------------------------------------


def register_rows(register: Register, *, user: Any, params: Mapping[str, str] | None = None) -> QuerySet[Any]:
    """The rows ``user`` may see, narrowed by the register's filters found in ``params``."""
    rows: QuerySet[Any] = register.policy.visible(register.model._default_manager.all(), user, Action.VIEW)
    if register.select_related:
        rows = rows.select_related(*register.select_related)
    for one in register.filters:
        raw = (params or {}).get(one.name)
        if raw:
            rows = one.apply(rows, str(raw))
    return rows


def register_page(
    register: Register,
    *,
    user: Any,
    params: Mapping[str, str] | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[Sequence[models.Model], str | None]:
    """One keyset page of :func:`register_rows` and the cursor of the next page (None at the end)."""
    return keyset_page(
        register_rows(register, user=user, params=params), key=register.page_key, cursor=cursor, limit=limit
    )


def register_get(
    register: Register, *, user: Any, key: Any, action: Action = Action.VIEW, by: str | None = None
) -> Any:
    """One row by its key (or by the field ``by``, e.g. ``"pk"`` for the API); ``NotFound``
    when it is missing or ``user`` may not ``action`` it."""
    rows = register.policy.visible(register.model._default_manager.all(), user, action)
    try:
        return rows.get(**{by or register.key_field: key})
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise NotFound(
            gettext("No %(model)s %(key)s.") % {"model": register.model._meta.verbose_name, "key": key}
        ) from None
