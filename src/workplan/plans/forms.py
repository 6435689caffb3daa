"""Forms for the plan screens: they validate input; services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from workplan.accounts.models import Unit
from workplan.core.policy import Action
from workplan.plans.models import AssignmentRole, PlanItem


def planner_units(user: Any) -> Any:
    return Unit.objects.visible_to(user, Action.PLAN).filter(is_active=True)


class UploadLimitMixin:
    """Refuses files over WORKPLAN_MAX_UPLOAD_BYTES before anything reads them."""

    def _check_size(self, upload: Any) -> Any:
        limit = settings.WORKPLAN_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB."),
                params={"size": round(upload.size / 1048576, 1), "limit": round(limit / 1048576, 1)},
            )
        return upload


class PlanUploadForm(UploadLimitMixin, forms.Form):
    document = forms.FileField(
        label=_("Plan document"), help_text=_("Word (.docx), Excel (.xlsx), PDF, text or Markdown")
    )
    owner_unit = forms.ModelChoiceField(label=_("Owner unit"), queryset=Unit.objects.none())
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=1990,
        max_value=2200,
        help_text=_("Leave empty to read it from the document"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.may_import = False
        field = self.fields["owner_unit"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = planner_units(user).order_by("depth", "path")
            self.may_import = field.queryset.exists()
            # The unit a planner imports for is nearly always their own top unit: preselect it.
            field.initial = field.queryset.values_list("pk", flat=True).first()

    def clean_document(self) -> Any:
        return self._check_size(self.cleaned_data["document"])


class BreakdownUploadForm(UploadLimitMixin, forms.Form):
    table = forms.FileField(label=_("Breakdown table (.xlsx)"))

    def clean_table(self) -> Any:
        return self._check_size(self.cleaned_data["table"])


class RevisionUploadForm(UploadLimitMixin, forms.Form):
    document = forms.FileField(
        label=_("Revised plan document"), help_text=_("Word (.docx), Excel (.xlsx), PDF, text or Markdown")
    )

    def clean_document(self) -> Any:
        return self._check_size(self.cleaned_data["document"])


class UnitMappingForm(forms.Form):
    name = forms.CharField(max_length=200)
    unit = forms.ModelChoiceField(queryset=Unit.objects.filter(is_active=True), required=False)
    remember = forms.BooleanField(required=False)


class BulkAssignForm(forms.Form):
    items: forms.ModelMultipleChoiceField[PlanItem] = forms.ModelMultipleChoiceField(
        queryset=PlanItem.objects.none(), label=_("Items")
    )
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.filter(is_active=True), required=False, label=_("Unit")
    )
    role = forms.ChoiceField(choices=AssignmentRole.choices, required=False, label=_("Role"))
    due_date = forms.DateField(
        required=False, label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    weight = forms.DecimalField(
        required=False, min_value=0, max_digits=7, decimal_places=2, label=_("Weight")
    )

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["items"]
        if isinstance(field, forms.ModelMultipleChoiceField):
            field.queryset = items

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("unit") and not data.get("role"):
            self.add_error("role", _("Choose the role the unit takes."))
        if not (data.get("unit") or data.get("due_date") or data.get("weight") is not None):
            raise forms.ValidationError(_("Choose a unit, a due date or a weight to apply."))
        return data


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=300)
    due_date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
