"""Filter forms for the plan screens (validation only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from workplan.accounts.models import Unit
from workplan.web.templatetags.workplan import STATUS_LABELS


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class OverviewForm(AsOfForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class TreeFilterForm(AsOfForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", "—"), *STATUS_LABELS.items()])
    due_from = forms.DateField(
        label=_("Due from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_to = forms.DateField(
        label=_("Due until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    warning = forms.ChoiceField(
        label=_("Warning"),
        required=False,
        choices=[
            ("", "—"),
            ("any", _("Any warning")),
            ("blue", _("Blue")),
            ("yellow", _("Yellow")),
            ("red", _("Red")),
        ],
    )
    part = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = units

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: dt.date | None = data.get("due_from")
        end: dt.date | None = data.get("due_to")
        if start and end and start > end:
            self.add_error("due_to", _("The end of the window is before its start."))
        return data
