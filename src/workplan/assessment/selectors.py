"""Reads of assessment, always scoped by the models' policies (``visible_to``): rubrics and
their periods, runs and their ranking, one result's breakdown with the rows behind every
point, objections, and commitment integrity per plan and per unit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from workplan.assessment.models import (
    Bonus,
    Criterion,
    ManualScore,
    Objection,
    Result,
    Rubric,
    Run,
)
from workplan.assessment.periods import AssessmentPeriod, parse_period, periods_of
from workplan.core.errors import Invalid, NotFound
from workplan.core.policy import Action, policy_for
from workplan.plans.models import PlanItem


def rubric_period(rubric: Rubric, code: str) -> AssessmentPeriod:
    """The period ``code`` if ``rubric`` scores it, else ``Invalid`` naming the ones it does."""
    period = parse_period(code)
    allowed = periods_of(rubric.granularity, rubric.plan.year)
    if period.code not in allowed:
        raise Invalid(
            gettext("This rubric scores the periods %(periods)s, not %(code)s.")
            % {"periods": ", ".join(allowed), "code": code}
        )
    return period


def rubric_periods(rubric: Rubric) -> list[str]:
    """The period codes ``rubric`` can score (its granularity in its plan's year)."""
    return periods_of(rubric.granularity, rubric.plan.year)


def _get(rows: QuerySet[Any], what: str, **lookup: Any) -> Any:
    try:
        return rows.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise NotFound(gettext("No such %(what)s.") % {"what": what}) from None


def rubric_list_for_user(*, user: Any) -> QuerySet[Rubric]:
    return Rubric.objects.visible_to(user).select_related("plan").order_by("code")


def rubric_get_for_user(
    *, user: Any, code: str | None = None, rubric_id: int | None = None, action: Action = Action.VIEW
) -> Rubric:
    """One rubric by code or id; ``NotFound`` when missing or not visible."""
    rows = Rubric.objects.visible_to(user, action).select_related("plan")
    lookup: dict[str, Any] = {"code": code} if code is not None else {"pk": rubric_id}
    found: Rubric = _get(rows, gettext("rubric"), **lookup)
    return found


def criteria_of(rubric: Rubric) -> list[Criterion]:
    return list(rubric.criteria.order_by("position"))


def can_score(user: Any, rubric: Rubric) -> bool:
    """The user is one of the rubric's assessors (runs, manual scores, bonus points)."""
    return policy_for(Run).allows_create(user, rubric=rubric)


def run_list_for_user(*, user: Any, rubric: Rubric | None = None) -> QuerySet[Run]:
    rows = Run.objects.visible_to(user).select_related("rubric", "rubric__plan")
    if rubric is not None:
        rows = rows.filter(rubric=rubric)
    return rows.order_by("-computed_at", "-id")


def run_get_for_user(*, user: Any, run_id: int, action: Action = Action.VIEW) -> Run:
    rows = Run.objects.visible_to(user, action).select_related("rubric", "rubric__plan")
    found: Run = _get(rows, gettext("scoring run"), pk=run_id)
    return found


def latest_run(*, user: Any, rubric: Rubric, period: str) -> Run:
    """The newest published run of ``rubric`` for ``period`` the user may see, else the newest."""
    rows = run_list_for_user(user=user, rubric=rubric).filter(period=period)
    found = rows.filter(status="published").order_by("-number").first() or rows.order_by("-number").first()
    if found is None:
        raise NotFound(gettext("No scoring run for %(period)s yet.") % {"period": period})
    return found


def results_for_user(*, user: Any, run: Run) -> QuerySet[Result]:
    """The run's results the user may see, best first."""
    return Result.objects.visible_to(user).filter(run=run).order_by("rank", "subject_label", "id")


def result_get_for_user(*, user: Any, result_id: int) -> Result:
    rows = Result.objects.visible_to(user).select_related("run", "run__rubric", "run__rubric__plan")
    found: Result = _get(rows, gettext("result"), pk=result_id)
    return found


@dataclass
class RankingRow:
    result: Result
    cells: list[str]


@dataclass
class Ranking:
    run: Run
    columns: list[tuple[str, str]]  # (criterion code, name)
    rows: list[RankingRow]
    chart: dict[str, Any] = field(default_factory=dict)


def run_ranking(*, user: Any, run: Run) -> Ranking:
    """The ranking table of a run as the user may see it, with the data of its bar chart."""
    columns = [(c["code"], c["name"]) for c in run.inputs.get("criteria", [])]
    rows = [
        RankingRow(result, [str(result.points.get(code, "")) for code, _ in columns])
        for result in results_for_user(user=user, run=run)
    ]
    chart = {
        "labels": [r.result.subject_label for r in rows],
        "totals": [float(r.result.total) for r in rows],
    }
    return Ranking(run=run, columns=columns, rows=rows, chart=chart)


# --- where a point came from ----------------------------------------------------------------

SOURCE_LABELS = {
    "items": gettext_lazy("task"),
    "reports": gettext_lazy("progress report"),
    "acknowledgements": gettext_lazy("acknowledgement"),
    "occurrences": gettext_lazy("recurring obligation"),
    "warnings": gettext_lazy("supervision warning"),
    "returns": gettext_lazy("returned report"),
    "late_reports": gettext_lazy("late report"),
    "deadline_moves": gettext_lazy("deadline moved"),
    "manual_scores": gettext_lazy("manual score"),
    "bonuses": gettext_lazy("bonus points"),
    "indicators": gettext_lazy("indicator"),
}
FLAG_LABELS = {
    "done": gettext_lazy("completed"),
    "on_track": gettext_lazy("on track"),
    "behind": gettext_lazy("not on track"),
    "pending": gettext_lazy("awaiting review"),
    "confirmed": gettext_lazy("confirmed"),
    "rejected": gettext_lazy("rejected"),
    "blue": gettext_lazy("blue"),
    "yellow": gettext_lazy("yellow"),
    "red": gettext_lazy("red"),
}
# For kinds whose flag is 1/0: what 1 and 0 mean.
YES_NO = {
    "reports": (gettext_lazy("on time"), gettext_lazy("late")),
    "acknowledgements": (gettext_lazy("in time"), gettext_lazy("late")),
    "occurrences": (gettext_lazy("met"), gettext_lazy("not met")),
}


@dataclass
class SourceRow:
    kind: str
    title: str
    url: str
    note: str


@dataclass
class CriterionBreakdown:
    code: str
    name: str
    kind: str
    weight: str
    points: str
    figures: dict[str, Any]
    sources: list[SourceRow]


def _flag(kind: str, flag: Any) -> str:
    if kind in YES_NO:
        yes, no = YES_NO[kind]
        return str(yes if flag else no)
    if kind == "deadline_moves":
        return gettext("%(days)s days") % {"days": flag}
    if kind in {"bonuses", "indicators"}:
        return f"{flag}"
    return str(FLAG_LABELS.get(str(flag), flag if flag is not None else ""))


def _titles(user: Any, item_ids: Iterable[int]) -> dict[int, str]:
    rows = PlanItem.objects.visible_to(user).filter(pk__in=set(item_ids))
    return {
        pk: f"{label or number} {title}".strip()
        for pk, label, number, title in rows.values_list("pk", "label", "number", "title")
    }


def result_breakdown(*, user: Any, result: Result) -> list[CriterionBreakdown]:
    """Every criterion of ``result`` with its figures and the rows behind it (titles of the
    items the user may see; others are named by id only). Three queries."""
    detail: dict[str, Any] = result.detail
    item_ids = [
        row[1] if kind not in {"items"} else row[0]
        for outcome in detail.values()
        for kind, rows in outcome.get("sources", {}).items()
        for row in rows
        if (row[1] if kind != "items" else row[0]) is not None
    ]
    titles = _titles(user, item_ids)
    manual = dict(
        ManualScore.objects.visible_to(user)
        .filter(rubric_id=result.run.rubric_id)
        .values_list("pk", "reason")
    )
    bonus = {
        pk: f"{reason} · {evidence}"
        for pk, reason, evidence in Bonus.objects.visible_to(user)
        .filter(rubric_id=result.run.rubric_id)
        .values_list("pk", "reason", "evidence")
    }
    found = []
    for criterion in result.run.inputs.get("criteria", []):
        outcome = detail.get(criterion["code"], {})
        rows = []
        for kind, sources in outcome.get("sources", {}).items():
            for source in sources:
                item_id = source[0] if kind == "items" else source[1]
                title = titles.get(item_id, "") if item_id else ""
                if kind == "manual_scores":
                    title = manual.get(source[0], "")
                elif kind == "bonuses":
                    title = bonus.get(source[0], "")
                elif kind == "indicators":
                    title = str(source[0])
                url = reverse("web:item_detail", args=[item_id]) if item_id and item_id in titles else ""
                rows.append(
                    SourceRow(
                        kind=str(SOURCE_LABELS.get(kind, kind)),
                        title=title or f"#{source[0]}",
                        url=url,
                        note=_flag(kind, source[2] if len(source) > 2 else None),
                    )
                )
        found.append(
            CriterionBreakdown(
                code=criterion["code"],
                name=criterion["name"],
                kind=criterion["kind"],
                weight=criterion["weight"],
                points=str(outcome.get("points", result.points.get(criterion["code"], ""))),
                figures=outcome.get("figures", {}),
                sources=rows,
            )
        )
    return found


def objections_for_user(
    *, user: Any, result: Result | None = None, run: Run | None = None
) -> QuerySet[Objection]:
    rows = Objection.objects.visible_to(user).select_related("result", "filed_by", "answered_by")
    if result is not None:
        rows = rows.filter(result=result)
    if run is not None:
        rows = rows.filter(result__run=run)
    return rows.order_by("-filed_at", "-id")


def objection_get_for_user(*, user: Any, objection_id: int, action: Action = Action.VIEW) -> Objection:
    rows = Objection.objects.visible_to(user, action).select_related("result", "result__run")
    found: Objection = _get(rows, gettext("objection"), pk=objection_id)
    return found


def manual_scores_for_user(*, user: Any, rubric: Rubric, period: str | None = None) -> QuerySet[ManualScore]:
    rows = (
        ManualScore.objects.visible_to(user)
        .filter(rubric=rubric)
        .select_related("criterion", "unit", "entered_by", "reviewed_by")
    )
    return rows.filter(period=period) if period else rows


def manual_score_get_for_user(*, user: Any, score_id: int, action: Action = Action.VIEW) -> ManualScore:
    found: ManualScore = _get(
        ManualScore.objects.visible_to(user, action), gettext("manual score"), pk=score_id
    )
    return found


def bonuses_for_user(*, user: Any, rubric: Rubric, period: str | None = None) -> QuerySet[Bonus]:
    rows = Bonus.objects.visible_to(user).filter(rubric=rubric).select_related("criterion", "unit")
    return rows.filter(period=period) if period else rows


def bonus_get_for_user(*, user: Any, bonus_id: int, action: Action = Action.VIEW) -> Bonus:
    found: Bonus = _get(Bonus.objects.visible_to(user, action), gettext("bonus points"), pk=bonus_id)
    return found


def criterion_get_for_user(*, user: Any, rubric: Rubric, code: str) -> Criterion:
    found: Criterion = _get(
        Criterion.objects.visible_to(user).filter(rubric=rubric), gettext("criterion"), code=code
    )
    return found


# --- commitment integrity ---------------------------------------------------------------------


@dataclass
class IntegrityRow:
    unit_id: int
    unit: str
    figures: dict[str, Any]


def _tracked_units(user: Any, plan: Any) -> dict[int, str]:
    from workplan.progress.models import Track

    rows = (
        Track.objects.visible_to(user).filter(item__plan=plan).values_list("unit_id", "unit__name").distinct()
    )
    return dict(rows)


def subject_choices(*, user: Any, rubric: Rubric) -> list[tuple[int, str]]:
    """(id, name) of the units the rubric scores that the user may see, by name."""
    return sorted(_tracked_units(user, rubric.plan).items(), key=lambda pair: pair[1])


def integrity_for_plan(
    *, user: Any, plan_id: int, period: str
) -> tuple[Any, AssessmentPeriod, list[IntegrityRow]]:
    """Commitment integrity of every unit on the plan the user may see, over ``period``."""
    from workplan.assessment import integrity, scoring
    from workplan.core import clock
    from workplan.plans.selectors import plan_get_for_user

    plan = plan_get_for_user(user=user, plan_id=plan_id)
    chosen = parse_period(period or str(plan.year))
    as_of = max(chosen.start, min(chosen.end, clock.today()))
    window = scoring.Window(plan=plan, period=chosen, as_of=as_of)
    names = _tracked_units(user, plan)
    found = integrity.integrity_by_unit(window)
    rows = [
        IntegrityRow(unit_id, names[unit_id], figures.as_json())
        for unit_id, figures in found.items()
        if unit_id in names
    ]
    return plan, chosen, sorted(rows, key=lambda r: (-r.figures["broken"], r.unit))


def integrity_for_unit(
    *, user: Any, plan_id: int, unit_id: int
) -> tuple[Any, str, list[tuple[str, dict[str, Any]]]]:
    """One unit's commitment integrity on the plan, quarter by quarter (and the year)."""
    from workplan.assessment import integrity, scoring
    from workplan.core import clock
    from workplan.plans.selectors import plan_get_for_user

    plan = plan_get_for_user(user=user, plan_id=plan_id)
    names = _tracked_units(user, plan)
    if unit_id not in names:
        raise NotFound(gettext("No such unit on this plan."))
    rows = []
    for code in [*periods_of("quarter", plan.year), str(plan.year)]:
        chosen = parse_period(code)
        if chosen.start > clock.today():
            continue
        window = scoring.Window(plan=plan, period=chosen, as_of=min(chosen.end, clock.today()))
        figures = integrity.integrity_by_unit(window).get(unit_id)
        rows.append((code, figures.as_json() if figures else integrity.Integrity().as_json()))
    return plan, names[unit_id], rows
