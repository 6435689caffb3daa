"""Forms of the channels pages: a group robot, and a user's e-mail frequency."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from workplan.accounts.models import Unit
from workplan.channels.models import DigestFrequency, Platform
from workplan.channels.safety import MAX_URL_LENGTH
from workplan.channels.services import DEFAULT_KINDS, MAX_NAME, MAX_SECRET
from workplan.plans.models import Plan
from workplan.progress.models import NotificationKind


class EndpointForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=MAX_NAME)
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none(), required=False)
    url = forms.CharField(
        label=_("Webhook URL"),
        max_length=MAX_URL_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("https only; on an edit, leave it empty to keep the stored one."),
    )
    secret = forms.CharField(
        label=_("Signing secret"),
        max_length=MAX_SECRET,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("DingTalk (SEC…) and Feishu sign their messages; WeCom has its key in the URL."),
    )
    clear_secret = forms.BooleanField(label=_("Remove the stored secret"), required=False)
    kinds = forms.MultipleChoiceField(
        label=_("Notification kinds"),
        choices=NotificationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(DEFAULT_KINDS),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        unit_field: Any = self.fields["unit"]
        plan_field: Any = self.fields["plan"]
        unit_field.queryset = Unit.objects.visible_to(user).order_by("path")
        plan_field.queryset = Plan.objects.visible_to(user).order_by("-year", "title")
        if editing:
            for name in ("platform", "unit", "plan"):
                self.fields[name].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.editing:
            if not data.get("url"):
                self.add_error("url", _("Enter the robot's webhook URL."))
            if bool(data.get("unit")) == bool(data.get("plan")):
                self.add_error("unit", _("Choose a unit or a plan (one of them)."))
        return data


class MailPreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("E-mail about my notifications"), choices=DigestFrequency.choices, widget=forms.RadioSelect
    )
