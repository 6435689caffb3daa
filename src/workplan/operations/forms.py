"""Forms of the operations pages: the password change and the organisation upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

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
