"""Web forms of ledgers: a field definition, a record (built from the ledger's fields), an
indicator. They only parse; the services validate and write."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from workplan.accounts.models import Unit
from workplan.core.policy import Action
from workplan.ledgers.models import Direction, FieldKind, Ledger, LedgerField, Measure
from workplan.plans.models import Comparator

MAX_UPLOAD = 10 * 1024 * 1024


class FieldForm(forms.Form):
    label = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("type"), choices=FieldKind.choices)
    key = forms.CharField(
        label=_("key"),
        max_length=40,
        required=False,
        help_text=_("Where values are stored (a-z, 0-9, _); it never changes. Empty: chosen for you."),
    )
    required = forms.BooleanField(label=_("required"), required=False)
    choices = forms.CharField(
        label=_("choices"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=20_000,
        help_text=_("For choice fields: one choice per line."),
    )
    measure_unit = forms.CharField(label=_("unit of measure"), max_length=40, required=False)
    retired = forms.BooleanField(
        label=_("retired"), required=False, help_text=_("Hidden from forms; recorded values are kept.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, field: LedgerField | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if field is None:
            del self.fields["retired"]
        else:
            del self.fields["key"]

    def clean_choices(self) -> list[str]:
        raw = self.cleaned_data.get("choices") or ""
        return [line.strip() for line in raw.splitlines() if line.strip()]


def _field_of(definition: LedgerField) -> forms.Field:
    label, required = definition.label, definition.required
    kind = FieldKind(definition.kind)
    help_text = definition.measure_unit
    if kind == FieldKind.LONG_TEXT:
        return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 3}))
    if kind in (FieldKind.NUMBER, FieldKind.INTEGER):
        step = "1" if kind == FieldKind.INTEGER else "any"
        return forms.CharField(
            label=label,
            required=required,
            help_text=help_text,
            widget=forms.NumberInput(attrs={"step": step}),
        )
    if kind == FieldKind.DATE:
        return forms.CharField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))
    if kind == FieldKind.BOOLEAN:
        choices = [("", "—"), ("true", gettext("yes")), ("false", gettext("no"))]
        return forms.ChoiceField(label=label, required=required, choices=choices)
    if kind == FieldKind.CHOICE:
        return forms.ChoiceField(
            label=label, required=required, choices=[("", "—"), *((c, c) for c in definition.choices)]
        )
    if kind == FieldKind.MULTI_CHOICE:
        return forms.MultipleChoiceField(
            label=label,
            required=required,
            choices=[(c, c) for c in definition.choices],
            widget=forms.CheckboxSelectMultiple,
        )
    if kind == FieldKind.UNIT:
        units = Unit.objects.filter(is_active=True).order_by("path").values_list("pk", "name")
        return forms.ChoiceField(label=label, required=required, choices=[("", "—"), *units])
    if kind == FieldKind.ITEM:
        return forms.IntegerField(
            label=label, required=required, min_value=1, help_text=_("plan item number (id)")
        )
    if kind == FieldKind.FILE:
        return forms.FileField(label=label, required=False, max_length=200)
    return forms.CharField(label=label, required=required, max_length=500)


class RecordForm(forms.Form):
    """The record's unit and links, then one input per active field (named by its key)."""

    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none())
    item = forms.IntegerField(label=_("plan item (id)"), required=False, min_value=1, max_value=2**62)
    occurrence = forms.TypedChoiceField(label=_("checks off"), required=False, coerce=int, empty_value=None)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        ledger: Ledger,
        definitions: list[LedgerField],
        units: Any,
        occurrences: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.definitions = [d for d in definitions if not d.retired]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["occurrence"].choices = [("", "—"), *occurrences]  # type: ignore[attr-defined]
        for definition in self.definitions:
            self.fields[f"v_{definition.key}"] = _field_of(definition)

    def values(self) -> dict[str, Any]:
        """The raw values by field key (the service checks them); files are left to ``files``."""
        raw: dict[str, Any] = {}
        for definition in self.definitions:
            if definition.kind == FieldKind.FILE:
                continue
            value = self.cleaned_data.get(f"v_{definition.key}")
            if value not in (None, "", []):
                raw[definition.key] = value
        return raw

    def uploads(self) -> dict[str, Any]:
        found = {}
        for definition in self.definitions:
            upload = self.cleaned_data.get(f"v_{definition.key}")
            if definition.kind == FieldKind.FILE and upload:
                if upload.size > MAX_UPLOAD:
                    self.add_error(f"v_{definition.key}", gettext("The file is larger than 10 MB."))
                found[definition.key] = upload
        return found


def _json_list(raw: str, name: str) -> list[Any]:
    if not raw.strip():
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        raise forms.ValidationError(gettext("Not valid JSON.")) from None
    if not isinstance(value, list):
        raise forms.ValidationError(gettext("A list of conditions, e.g. %(example)s") % {"example": name})
    return value


FILTER_EXAMPLE = '[{"field": "civilised", "op": "eq", "value": true}]'


class IndicatorForm(forms.Form):
    code = forms.CharField(label=_("code"), max_length=50)
    name = forms.CharField(label=_("name"), max_length=300)
    owner_unit = forms.ModelChoiceField(label=_("owner unit"), queryset=Unit.objects.none())
    ledger = forms.ModelChoiceField(label=_("ledger"), queryset=Ledger.objects.none(), required=False)
    item = forms.IntegerField(label=_("plan item (id)"), required=False, min_value=1, max_value=2**62)
    target = forms.IntegerField(label=_("target (id)"), required=False, min_value=1, max_value=2**62)
    measure = forms.ChoiceField(label=_("measure"), choices=Measure.choices)
    field_key = forms.CharField(label=_("field (key)"), max_length=40, required=False)
    filters = forms.CharField(
        label=_("filters"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
        help_text=FILTER_EXAMPLE,
    )
    condition = forms.CharField(
        label=_("condition (ratio)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
        help_text=FILTER_EXAMPLE,
    )
    date_field = forms.CharField(label=_("date field (key)"), max_length=40, required=False)
    measure_unit = forms.CharField(label=_("unit of measure"), max_length=40, required=False)
    direction = forms.ChoiceField(label=_("direction"), choices=Direction.choices)
    comparator = forms.ChoiceField(
        label=_("comparator"), choices=[("", "—"), *Comparator.choices], required=False
    )
    target_value = forms.FloatField(label=_("target value"), required=False)
    target_max = forms.FloatField(label=_("upper target value"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owners = Unit.objects.visible_to(user, Action.PLAN).filter(is_active=True).order_by("path")
        self.fields["owner_unit"].queryset = owners  # type: ignore[attr-defined]
        self.fields["ledger"].queryset = Ledger.objects.visible_to(user).order_by("code")  # type: ignore[attr-defined]
        if editing:
            del self.fields["code"]
            del self.fields["owner_unit"]

    def clean_filters(self) -> list[Any]:
        return _json_list(self.cleaned_data.get("filters") or "", FILTER_EXAMPLE)

    def clean_condition(self) -> list[Any]:
        return _json_list(self.cleaned_data.get("condition") or "", FILTER_EXAMPLE)


class SheetForm(forms.Form):
    file = forms.FileField(label=_("sheet (.xlsx)"), max_length=200)
    apply = forms.BooleanField(
        label=_("apply"), required=False, help_text=_("Unticked: a dry run that changes nothing.")
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(gettext("The file is larger than 20 MB."))
        return upload
