"""Ledgers as a register: the generic list, create, edit and delete pages, the API resource
and the generic tests. The ledger's own page (fields, records, indicators) is ``views.ledger_detail``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from workplan.accounts.models import Unit
from workplan.core.policy import Action
from workplan.core.registers import Filter, RecordForm, Register, declare
from workplan.ledgers import services
from workplan.ledgers.models import Ledger


class LedgerForm(RecordForm):
    code = forms.CharField(
        label=_("code"), max_length=50, help_text=_("Letters, digits, - and _; it never changes.")
    )
    name = forms.CharField(label=_("name"), max_length=200)
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea, max_length=5000, required=False
    )
    owner_unit = forms.ModelChoiceField(label=_("owner unit"), queryset=Unit.objects.none())
    keeping_units = forms.ModelMultipleChoiceField(
        label=_("keeping units"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("The units (with their sub-units) that keep records; none: the owner unit's subtree."),
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = Unit.objects.visible_to(self.user, Action.PLAN).filter(is_active=True).order_by("path")
        self.fields["owner_unit"].queryset = owners  # type: ignore[attr-defined]
        units = Unit.objects.visible_to(self.user).filter(is_active=True).order_by("path")
        self.fields["keeping_units"].queryset = units  # type: ignore[attr-defined]
        if self.row is None:
            del self.fields["is_active"]
        else:
            del self.fields["code"]


def _create(actor: Any, values: dict[str, Any]) -> Ledger:
    return services.ledger_create(
        actor=actor,
        code=values["code"],
        name=values["name"],
        owner_unit=values["owner_unit"],
        keeping_units=values.get("keeping_units") or [],
        description=values.get("description") or "",
    )


def _update(actor: Any, ledger: Any, values: dict[str, Any], expected_version: int | None) -> Ledger:
    return services.ledger_update(actor=actor, ledger=ledger, expected_version=expected_version, **values)


def _delete(actor: Any, ledger: Any) -> None:
    services.ledger_delete(actor=actor, ledger=ledger)


def _initial(ledger: Any) -> dict[str, Any]:
    return {
        "code": ledger.code,
        "name": ledger.name,
        "description": ledger.description,
        "owner_unit": ledger.owner_unit_id,
        "keeping_units": [u.pk for u in ledger.keeping_units.all()],
        "is_active": ledger.is_active,
    }


def _sample(actor: Any, index: int) -> dict[str, Any]:
    root = Unit.get_first_root_node()
    return {"code": f"LEDGER{index}", "name": f"台账{index}", "owner_unit": root, "keeping_units": [root]}


LEDGERS = declare(
    Register(
        model=Ledger,
        slug="ledgers",
        title=_("Ledgers"),
        key_field="code",
        page_key="id",
        columns=("name", "code", "owner_unit", "is_active"),
        form=LedgerForm,
        create_row=_create,
        update_row=_update,
        delete_row=_delete,
        initial=_initial,
        select_related=("owner_unit",),
        url_namespace="ledgers",
        filters=(
            Filter("q", _("search"), search=("code", "name")),
            Filter("active", _("active"), lookup="is_active", kind="bool"),
        ),
        sample=_sample,
        test_writer="planner",
        test_reader="leader",
    )
)
