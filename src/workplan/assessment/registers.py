"""Rubrics as a register: the generic list, edit and delete pages, the API resource and the
generic tests. The rubric's own page (criteria, runs, judgement) is ``views.rubric_page``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from workplan.assessment import services
from workplan.assessment.models import Granularity, Rubric, Subject
from workplan.core.policy import Action
from workplan.core.registers import Filter, RecordForm, Register, declare
from workplan.plans.models import Plan


def bands_text(bands: list[dict[str, Any]]) -> str:
    return ", ".join(f"{b['name']}={b['top_percent']:g}" for b in bands)


class RubricForm(RecordForm):
    plan = forms.ModelChoiceField(label=_("plan"), queryset=Plan.objects.none())
    code = forms.SlugField(label=_("code"), max_length=50)
    name = forms.CharField(label=_("name"), max_length=200)
    granularity = forms.ChoiceField(label=_("periods"), choices=Granularity.choices, initial=Granularity.HALF)
    subject = forms.ChoiceField(label=_("scores"), choices=Subject.choices, initial=Subject.UNITS)
    ledger = forms.CharField(label=_("ledger code"), max_length=50, required=False)
    bands = forms.CharField(
        label=_("award bands"),
        required=False,
        max_length=500,
        help_text=_("Best first, as name=top percent of the ranking: 优秀=20, 良好=50."),
    )
    objection_days = forms.IntegerField(label=_("days to object"), min_value=0, max_value=90, initial=7)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.row is None:
            self.fields["plan"].queryset = Plan.objects.visible_to(self.user, Action.EDIT)  # type: ignore[attr-defined]
        else:
            del self.fields["plan"]


def _create(actor: Any, values: dict[str, Any]) -> Rubric:
    values = {k: v for k, v in values.items() if k != "version"}
    return services.rubric_create(actor=actor, **values)


def _update(actor: Any, rubric: Any, values: dict[str, Any], expected_version: int | None) -> Rubric:
    values = {k: v for k, v in values.items() if k not in {"version", "plan"}}
    return services.rubric_update(actor=actor, rubric=rubric, expected_version=expected_version, **values)


def _delete(actor: Any, rubric: Any) -> None:
    services.rubric_delete(actor=actor, rubric=rubric)


def _initial(rubric: Any) -> dict[str, Any]:
    return {
        "code": rubric.code,
        "name": rubric.name,
        "granularity": rubric.granularity,
        "subject": rubric.subject,
        "ledger": rubric.ledger,
        "bands": bands_text(rubric.bands),
        "objection_days": rubric.objection_days,
    }


def _sample(actor: Any, index: int) -> dict[str, Any]:
    from workplan.accounts.models import Unit
    from workplan.plans import services as plans

    owner = Unit.objects.filter(depth=1).order_by("path").first()
    plan = plans.plan_create(actor=actor, title=f"考核计划{index}", year=2019, owner_unit=owner)
    return {"plan": plan, "code": f"rubric-{index}", "name": f"考核办法{index}", "bands": "优秀=20"}


RUBRICS = declare(
    Register(
        model=Rubric,
        slug="rubrics",
        title=_("Assessment rubrics"),
        key_field="code",
        page_key="id",
        columns=("name", "code", "plan", "granularity", "subject"),
        form=RubricForm,
        create_row=_create,
        update_row=_update,
        delete_row=_delete,
        initial=_initial,
        select_related=("plan",),
        url_namespace="assessment",
        filters=(
            Filter("q", _("search"), search=("code", "name")),
            Filter("plan_id", _("plan"), lookup="plan_id", kind="id"),
        ),
        sample=_sample,
        test_writer="planner",
        test_reader="leader",
    )
)
