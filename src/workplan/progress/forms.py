"""Forms for the supervision screens: they validate input; services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from workplan.progress.models import NoticeKind, SelfStatus


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files in one input."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ReportForm(forms.Form):
    narrative = forms.CharField(
        label=_("Progress this period"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
        required=False,
    )
    percent = forms.IntegerField(label=_("Percent complete"), min_value=0, max_value=100)
    self_status = forms.ChoiceField(label=_("Your assessment"), choices=SelfStatus.choices)
    evidence = MultipleFileField(label=_("Evidence files"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class RemarkForm(forms.Form):
    text = forms.CharField(label=_("Text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class NoticeForm(forms.Form):
    """A supervision notice (督办单) or reminder (催办) to one unit on the item."""

    track = forms.IntegerField(label=_("Unit"), min_value=1, max_value=2**63 - 1)
    kind = forms.ChoiceField(label=_("Kind"), choices=NoticeKind.choices)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    reply_due = forms.DateField(label=_("Answer due by"), widget=forms.DateInput(attrs={"type": "date"}))


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer (情况说明)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtensionForm(forms.Form):
    track = forms.IntegerField(label=_("Unit"), min_value=1, max_value=2**63 - 1)
    requested_due = forms.DateField(label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class MeetForm(forms.Form):
    report = forms.IntegerField(label=_("Report"), min_value=1, max_value=2**63 - 1)
