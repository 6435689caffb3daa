"""Forms of the assessment screens (they parse; the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from workplan.assessment.models import CriterionKind

MAX_ROWS = 30


class CriterionRowForm(forms.Form):
    code = forms.SlugField(label=_("code"), max_length=40, required=False)
    name = forms.CharField(label=_("name"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=[("", "—"), *CriterionKind.choices], required=False)
    weight = forms.DecimalField(label=_("weight (points)"), max_digits=6, decimal_places=2, required=False)
    options = forms.CharField(
        label=_("options"),
        max_length=500,
        required=False,
        help_text=_("e.g. ack_days=3; yellow=1, red=2, returned=0.5; review=1; indicators=CODE"),
    )

    def row(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("code") and not data.get("name") and not data.get("kind"):
            return None
        return {
            "code": data.get("code") or "",
            "name": data.get("name") or "",
            "kind": data.get("kind") or "",
            "weight": data.get("weight"),
            "options": data.get("options") or "",
        }


CriterionFormSet = forms.formset_factory(CriterionRowForm, extra=3, max_num=MAX_ROWS, absolute_max=MAX_ROWS)


class RunForm(forms.Form):
    period = forms.CharField(label=_("period"), max_length=10)
    publish = forms.BooleanField(label=_("publish at once"), required=False)


class _JudgementForm(forms.Form):
    """A form naming one of the rubric's units (``units``: (id, name) pairs)."""

    def __init__(self, *args: Any, units: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(str(pk), name) for pk, name in units or []]  # type: ignore[attr-defined]


def _units_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=_("unit"), coerce=int, choices=[])


class ManualScoreForm(_JudgementForm):
    criterion = forms.CharField(widget=forms.HiddenInput, max_length=40)
    period = forms.CharField(label=_("period"), max_length=10)
    unit = _units_field()
    points = forms.DecimalField(label=_("points"), max_digits=6, decimal_places=2)
    reason = forms.CharField(label=_("reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class BonusForm(_JudgementForm):
    criterion = forms.CharField(widget=forms.HiddenInput, max_length=40)
    period = forms.CharField(label=_("period"), max_length=10)
    unit = _units_field()
    points = forms.DecimalField(label=_("points"), max_digits=6, decimal_places=2)
    reason = forms.CharField(label=_("reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.CharField(
        label=_("evidence"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The award or commendation: its document number, date and issuer."),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", _("confirm")), ("reject", _("reject"))])
    note = forms.CharField(label=_("note"), max_length=5000, required=False)


class TextForm(forms.Form):
    text = forms.CharField(label=_("reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
