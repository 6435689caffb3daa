"""The audit log page for administrators: search by who, what, where from and when; export
the same selection as CSV (the export itself is audited)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from workplan import permissions
from workplan.core.errors import NotFound
from workplan.core.models import AuditEntry, Interface

EXPORT_LIMIT = 100_000
COLUMNS = (
    "at",
    "actor",
    "action",
    "interface",
    "target_type",
    "target_id",
    "target",
    "address",
    "user_agent",
    "reason",
)


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label=_("Who"), required=False, max_length=150)
    action = forms.CharField(label=_("Action"), required=False, max_length=80)
    interface = forms.ChoiceField(
        label=_("Interface"), required=False, choices=[("", "—"), *Interface.choices]
    )
    address = forms.GenericIPAddressField(label=_("Address"), required=False)
    text = forms.CharField(label=_("Object or reason contains"), required=False, max_length=200)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("actor", "action", "text"):
            if "\x00" in (data.get(name) or ""):
                self.add_error(name, _("This field cannot contain null characters."))
        return data


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    action: str = ""
    interface: str = ""
    address: str | None = None
    text: str = ""
    since: dt.date | None = None
    until: dt.date | None = None

    @classmethod
    def from_form(cls, form: AuditSearchForm) -> AuditFilters:
        if not form.is_valid():
            return cls()
        data = form.cleaned_data
        return cls(
            actor=data["actor"].strip(),
            action=data["action"].strip(),
            interface=data["interface"],
            address=data["address"] or None,
            text=data["text"].strip(),
            since=data["since"],
            until=data["until"],
        )


def audit_search(*, user: Any, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """Audit rows matching ``filters``, newest first (audit administrators; administrators
    too unless duties are separated)."""
    if not permissions.may_read_audit_log(user):
        raise NotFound("no such page")
    rows = AuditEntry.objects.select_related("target_type").order_by("-at", "-id")
    if filters.actor:
        rows = rows.filter(actor_repr__icontains=filters.actor)
    if filters.action:
        rows = rows.filter(action__startswith=filters.action)
    if filters.interface:
        rows = rows.filter(interface=filters.interface)
    if filters.address:
        rows = rows.filter(address=filters.address)
    if filters.text:
        rows = rows.filter(Q(target_repr__icontains=filters.text) | Q(reason__icontains=filters.text))
    if filters.since:
        rows = rows.filter(at__date__gte=filters.since)
    if filters.until:
        rows = rows.filter(at__date__lte=filters.until)
    return rows


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: QuerySet[AuditEntry]) -> Iterator[str]:
    """The rows as CSV lines (UTF-8 with a BOM so that spreadsheet programs read Chinese)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(COLUMNS)
    for row in rows[:EXPORT_LIMIT].iterator(chunk_size=2000):
        target_type = f"{row.target_type.app_label}.{row.target_type.model}" if row.target_type else ""
        values = (
            row.at.isoformat(),
            row.actor_repr,
            row.action,
            row.interface,
            target_type,
            row.target_id,
            row.target_repr,
            row.address or "",
            row.user_agent,
            row.reason,
        )
        # A cell starting with = + - @ would be a formula in a spreadsheet: quote it as text.
        yield writer.writerow([f"'{v}" if str(v)[:1] in "=+-@\t\r" else v for v in values])
