"""Assessment screens: a rubric's page (criteria, runs, judgement), the criteria form, a
run's ranking with its chart and export, one result's breakdown with the rows behind every
point, objections, and commitment integrity. Thin adapters over services and selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workplan.accounts.selectors import unit_get_by_id_for_user
from workplan.assessment import selectors, services
from workplan.assessment.export import ranking_xlsx
from workplan.assessment.forms import (
    BonusForm,
    CriterionFormSet,
    ManualScoreForm,
    ReviewForm,
    RunForm,
    TextForm,
)
from workplan.assessment.models import Objection, Rubric
from workplan.assessment.registers import RUBRICS, bands_text
from workplan.core import audit, clock
from workplan.core.errors import Conflict, Invalid
from workplan.core.http import domain_errors
from workplan.core.policy import Action, policy_for


def _rubric_context(request: HttpRequest, rubric: Rubric, **extra: Any) -> dict[str, Any]:
    periods = selectors.rubric_periods(rubric)
    period = request.GET.get("period") or periods[0]
    if period not in periods:
        period = periods[0]
    criteria = selectors.criteria_of(rubric)
    units = selectors.subject_choices(user=request.user, rubric=rubric)
    return {
        "rubric": rubric,
        "bands": bands_text(rubric.bands),
        "criteria": criteria,
        "periods": periods,
        "period": period,
        "runs": list(selectors.run_list_for_user(user=request.user, rubric=rubric)[:50]),
        "scores": list(selectors.manual_scores_for_user(user=request.user, rubric=rubric, period=period)),
        "bonuses": list(selectors.bonuses_for_user(user=request.user, rubric=rubric, period=period)),
        "manual_criteria": [c for c in criteria if c.kind == "manual"],
        "bonus_criteria": [c for c in criteria if c.kind == "bonus"],
        "can_edit": policy_for(Rubric).allows(request.user, Action.EDIT, rubric),
        "can_score": selectors.can_score(request.user, rubric),
        "run_form": RunForm(initial={"period": period}),
        "score_form": ManualScoreForm(initial={"period": period}, units=units),
        "bonus_form": BonusForm(initial={"period": period}, units=units),
        "history": list(audit.history(rubric).order_by("-at")[:20]),
        "register": RUBRICS,
        **extra,
    }


@login_required
@require_GET
@domain_errors
def rubric_page(request: HttpRequest, key: str) -> HttpResponse:
    rubric = selectors.rubric_get_for_user(user=request.user, code=key)
    return render(request, "assessment/rubric.html", _rubric_context(request, rubric))


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def criteria_edit(request: HttpRequest, key: str) -> HttpResponse:
    """The rubric's criteria as one form: saved all together, weights summing to 100."""
    rubric = selectors.rubric_get_for_user(user=request.user, code=key, action=Action.EDIT)
    error = ""
    if request.method == "POST":
        formset = CriterionFormSet(request.POST)
        if formset.is_valid():
            rows = [row for form in formset.forms if (row := form.row()) is not None]
            try:
                services.rubric_set_criteria(
                    actor=request.user,
                    rubric=rubric,
                    criteria=rows,
                    expected_version=int(request.POST.get("version") or 0) or None,
                )
            except (Invalid, Conflict) as refused:
                error = refused.message
            else:
                messages.success(request, _("Saved."))
                return redirect("assessment:rubrics_detail", rubric.code)
    else:
        initial = [
            {
                "code": c.code,
                "name": c.name,
                "kind": c.kind,
                "weight": c.weight,
                "options": ", ".join(f"{k}={v}" for k, v in c.params.items()),
            }
            for c in selectors.criteria_of(rubric)
        ]
        formset = CriterionFormSet(initial=initial)
    return render(request, "assessment/criteria.html", {"rubric": rubric, "formset": formset, "error": error})


@login_required
@require_POST
@domain_errors
def run_compute(request: HttpRequest, key: str) -> HttpResponse:
    rubric = selectors.rubric_get_for_user(user=request.user, code=key)
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a period."))
        return redirect("assessment:rubrics_detail", rubric.code)
    try:
        run = services.run_compute(
            actor=request.user,
            rubric=rubric,
            period=form.cleaned_data["period"],
            publish=form.cleaned_data["publish"],
        )
    except Invalid as refused:
        messages.error(request, refused.message)
        return redirect("assessment:rubrics_detail", rubric.code)
    return redirect("assessment:run_detail", run.pk)


def _judgement(request: HttpRequest, key: str, form_class: Any, kind: str) -> HttpResponse:
    rubric = selectors.rubric_get_for_user(user=request.user, code=key)
    form = form_class(request.POST, units=selectors.subject_choices(user=request.user, rubric=rubric))
    if form.is_valid():
        data = dict(form.cleaned_data)
        criterion = selectors.criterion_get_for_user(
            user=request.user, rubric=rubric, code=data.pop("criterion")
        )
        unit = unit_get_by_id_for_user(user=request.user, unit_id=data.pop("unit"))
        write = services.score_enter if kind == "manual" else services.bonus_add
        try:
            write(actor=request.user, criterion=criterion, unit=unit, **data)
        except Invalid as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Saved."))
        return redirect(f"/assessment/rubrics/{rubric.code}/?period={data['period']}")
    context = _rubric_context(request, rubric, **{"score_form" if kind == "manual" else "bonus_form": form})
    return render(request, "assessment/rubric.html", context, status=400)


@login_required
@require_POST
@domain_errors
def score_enter(request: HttpRequest, key: str) -> HttpResponse:
    return _judgement(request, key, ManualScoreForm, "manual")


@login_required
@require_POST
@domain_errors
def bonus_add(request: HttpRequest, key: str) -> HttpResponse:
    return _judgement(request, key, BonusForm, "bonus")


@login_required
@require_POST
@domain_errors
def score_review(request: HttpRequest, score_id: int) -> HttpResponse:
    score = selectors.manual_score_get_for_user(user=request.user, score_id=score_id, action=Action.EDIT)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.score_review(
                actor=request.user,
                score=score,
                confirm=form.cleaned_data["decision"] == "confirm",
                note=form.cleaned_data["note"],
            )
        except Invalid as refused:
            messages.error(request, refused.message)
    return redirect(f"/assessment/rubrics/{score.rubric.code}/?period={score.period}")


@login_required
@require_POST
@domain_errors
def bonus_remove(request: HttpRequest, bonus_id: int) -> HttpResponse:
    bonus = selectors.bonus_get_for_user(user=request.user, bonus_id=bonus_id, action=Action.EDIT)
    services.bonus_remove(actor=request.user, bonus=bonus)
    return redirect(f"/assessment/rubrics/{bonus.rubric.code}/?period={bonus.period}")


@login_required
@require_GET
@domain_errors
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.run_get_for_user(user=request.user, run_id=run_id)
    ranking = selectors.run_ranking(user=request.user, run=run)
    return render(
        request,
        "assessment/run.html",
        {
            "run": run,
            "ranking": ranking,
            "chart": ranking.chart,
            "can_publish": policy_for(type(run)).allows(request.user, Action.EDIT, run)
            and not run.provisional,
            "objections": list(selectors.objections_for_user(user=request.user, run=run)),
        },
    )


@login_required
@require_POST
@domain_errors
def run_publish(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.run_get_for_user(user=request.user, run_id=run_id, action=Action.EDIT)
    try:
        services.run_publish(actor=request.user, run=run)
    except Invalid as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Published."))
    return redirect("assessment:run_detail", run.pk)


@login_required
@require_GET
@domain_errors
def run_export(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.run_get_for_user(user=request.user, run_id=run_id)
    response = HttpResponse(
        ranking_xlsx(user=request.user, run=run),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="ranking-{run.rubric.code}-{run.period}-v{run.number}.xlsx"'
    )
    return response


def _result_context(request: HttpRequest, result: Any, form: TextForm | None = None) -> dict[str, Any]:
    run = result.run
    objections = list(selectors.objections_for_user(user=request.user, result=result))
    may_object = (
        run.is_published
        and run.objections_until is not None
        and clock.today() <= run.objections_until
        and policy_for(Objection).allows_create(request.user, result=result)
    )
    return {
        "result": result,
        "run": run,
        "breakdown": selectors.result_breakdown(user=request.user, result=result),
        "objections": [
            (o, policy_for(Objection).allows(request.user, Action.EDIT, o) and o.state == "open")
            for o in objections
        ],
        "may_object": may_object,
        "form": form or TextForm(),
        "answer_form": TextForm(),
    }


@login_required
@require_GET
@domain_errors
def result_detail(request: HttpRequest, result_id: int) -> HttpResponse:
    """Where every point came from: each criterion's figures and the rows behind them."""
    result = selectors.result_get_for_user(user=request.user, result_id=result_id)
    return render(request, "assessment/result.html", _result_context(request, result))


@login_required
@require_POST
@domain_errors
def objection_file(request: HttpRequest, result_id: int) -> HttpResponse:
    result = selectors.result_get_for_user(user=request.user, result_id=result_id)
    form = TextForm(request.POST)
    if form.is_valid():
        try:
            services.objection_file(actor=request.user, result=result, reason=form.cleaned_data["text"])
        except Invalid as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Your objection was filed."))
            return redirect("assessment:result_detail", result.pk)
    return render(request, "assessment/result.html", _result_context(request, result, form), status=400)


@login_required
@require_POST
@domain_errors
def objection_answer(request: HttpRequest, objection_id: int) -> HttpResponse:
    objection = selectors.objection_get_for_user(
        user=request.user, objection_id=objection_id, action=Action.EDIT
    )
    form = TextForm(request.POST)
    if form.is_valid():
        try:
            services.objection_answer(
                actor=request.user, objection=objection, answer=form.cleaned_data["text"]
            )
        except Invalid as refused:
            messages.error(request, refused.message)
    else:
        messages.error(request, _("Write an answer."))
    return redirect("assessment:result_detail", objection.result_id)


@login_required
@require_GET
@domain_errors
def integrity_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Commitment integrity of the plan's units over a period (the plan's year by default)."""
    try:
        plan, period, rows = selectors.integrity_for_plan(
            user=request.user, plan_id=plan_id, period=request.GET.get("period", "")
        )
    except Invalid as refused:
        messages.error(request, refused.message)
        return redirect("assessment:integrity_plan", plan_id)
    return render(request, "assessment/integrity_plan.html", {"plan": plan, "period": period, "rows": rows})


@login_required
@require_GET
@domain_errors
def integrity_unit(request: HttpRequest, plan_id: int, unit_id: int) -> HttpResponse:
    plan, unit, rows = selectors.integrity_for_unit(user=request.user, plan_id=plan_id, unit_id=unit_id)
    return render(request, "assessment/integrity_unit.html", {"plan": plan, "unit": unit, "rows": rows})
