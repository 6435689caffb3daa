"""Units as a register: the generic list, detail, edit pages, API resource and tests."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from workplan.accounts import services
from workplan.accounts.models import Unit, UnitKind
from workplan.core.errors import NotFound
from workplan.core.registers import Filter, RecordForm, Register, declare


def _aliases(raw: str) -> list[str]:
    return [
        name.strip()
        for name in raw.replace("、", ",").replace("，", ",").replace("\n", ",").split(",")
        if name.strip()
    ]


class UnitForm(RecordForm):
    code = forms.CharField(label=_("code"), max_length=50)
    name = forms.CharField(label=_("name"), max_length=200)
    short_name = forms.CharField(label=_("short name"), max_length=100, required=False)
    aliases = forms.CharField(
        label=_("aliases"),
        required=False,
        max_length=5000,
        help_text=_("Other names documents use for the unit, separated by commas or 、."),
    )
    kind = forms.ChoiceField(label=_("kind"), choices=UnitKind.choices, initial=UnitKind.OTHER)
    parent = forms.ModelChoiceField(label=_("parent unit"), queryset=Unit.objects.none(), required=False)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.row is None:
            self.fields["parent"].queryset = Unit.objects.visible_to(self.user).filter(is_active=True)  # type: ignore[attr-defined]
            del self.fields["is_active"]
        else:
            # Moving a unit in the tree is not an edit of its fields.
            del self.fields["parent"]

    def clean_aliases(self) -> list[str]:
        return _aliases(self.cleaned_data.get("aliases") or "")


def _create(actor: Any, values: dict[str, Any]) -> Unit:
    return services.unit_create(
        actor=actor,
        code=values["code"],
        name=values["name"],
        parent=values.get("parent"),
        short_name=values.get("short_name", ""),
        aliases=values.get("aliases") or [],
        kind=values.get("kind") or UnitKind.OTHER,
    )


def _update(actor: Any, unit: Any, values: dict[str, Any], expected_version: int | None) -> Unit:
    return services.unit_update(actor=actor, unit=unit, expected_version=expected_version, **values)


def _delete(actor: Any, unit: Any) -> None:
    services.unit_delete(actor=actor, unit=unit)


def _children_of(rows: Any, raw: str) -> Any:
    """The direct sub-units of the unit with id ``raw`` (NotFound when there is none)."""
    parent = rows.filter(pk=int(raw) if raw.isdigit() else 0).first()
    if parent is None:
        raise NotFound(gettext("No such parent unit."))
    return rows.filter(path__startswith=parent.path, depth=parent.depth + 1)


def _initial(unit: Any) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name,
        "aliases": "、".join(unit.aliases),
        "kind": unit.kind,
        "is_active": unit.is_active,
    }


UNITS = declare(
    Register(
        model=Unit,
        slug="units",
        title=_("Units"),
        key_field="code",
        page_key="path",
        columns=("name", "code", "short_name", "kind", "aliases", "is_active"),
        form=UnitForm,
        create_row=_create,
        update_row=_update,
        delete_row=_delete,
        initial=_initial,
        filters=(
            Filter("q", _("search"), search=("code", "name", "short_name")),
            Filter("kind", _("kind"), lookup="kind", kind="choice", choices=tuple(UnitKind.choices)),
            Filter("active", _("active"), lookup="is_active", kind="bool"),
            Filter("parent_id", _("parent unit"), kind="id", custom=_children_of),
        ),
        sample=lambda actor, index: {
            "code": f"R{index}",
            "name": f"登记单位{index}",
            "aliases": [f"单位{index}"],
        },
    )
)
