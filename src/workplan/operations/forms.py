"""Forms of the operations pages: the password change and the organisation upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from workplan.accounts.models import Role, Unit
from workplan.plans.forms import UploadLimitMixin


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(
        label=_("Current password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        max_length=200,
    )
    new_password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=200,
    )
    repeat_password = forms.CharField(
        label=_("New password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=200,
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("repeat_password"):
            self.add_error("repeat_password", _("The two new passwords differ."))
        return data


class OrganisationUploadForm(UploadLimitMixin, forms.Form):
    workbook = forms.FileField(label=_("Organisation workbook (.xlsx)"))

    def clean_workbook(self) -> Any:
        return self._check_size(self.cleaned_data["workbook"])


class UserEditForm(forms.Form):
    first_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.RegexField(label=_("Phone"), regex=r"^[0-9+()\- ]{0,30}$", max_length=30, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class RoleForm(forms.Form):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class UserAddForm(RoleForm):
    username = forms.RegexField(label=_("Username"), regex=r"^[\w.@+-]{1,150}$", max_length=150)
    first_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.RegexField(label=_("Phone"), regex=r"^[0-9+()\- ]{0,30}$", max_length=30, required=False)

    field_order = ("username", "first_name", "email", "phone", "unit", "role")


class DraftUnitsForm(forms.Form):
    action = forms.ChoiceField(choices=[("create", "create"), ("map", "map")])
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False)
    remember = forms.BooleanField(required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
