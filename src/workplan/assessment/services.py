"""Writes of assessment: rubrics and criteria, manual scores, bonus points, scoring runs,
publication and objections. Each checks its policy, changes rows and audits, in one
transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext

from workplan.accounts.models import Unit
from workplan.assessment import scoring
from workplan.assessment.models import (
    Bonus,
    Criterion,
    CriterionKind,
    ManualScore,
    Objection,
    ObjectionState,
    Result,
    ReviewState,
    Rubric,
    Run,
    RunStatus,
)
from workplan.assessment.periods import AssessmentPeriod
from workplan.assessment.selectors import rubric_period
from workplan.assessment.validation import _number, clean_bands, clean_criteria
from workplan.core import audit, clock
from workplan.core.errors import Conflict, Forbidden, Invalid
from workplan.core.policy import Action, policy_for
from workplan.core.services import instance_create, instance_delete, instance_update
from workplan.plans.models import Plan

RUBRIC_FIELDS = frozenset({"name", "code", "granularity", "subject", "ledger", "bands", "objection_days"})
MAX_TEXT = 5000


def _text(value: Any, what: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise Invalid(gettext("%(what)s is required.") % {"what": what})
    if len(text) > limit or "\x00" in text:
        raise Invalid(gettext("%(what)s is too long or unreadable.") % {"what": what})
    return text


def _clean_rubric(changes: dict[str, Any]) -> dict[str, Any]:
    if "bands" in changes:
        changes["bands"] = clean_bands(changes["bands"] or [])
    if changes.get("subject") == "ledger" and not str(changes.get("ledger", "")).strip():
        raise Invalid(
            gettext("A rubric over a ledger's entities names the ledger."), details={"ledger": ["required"]}
        )
    return changes


@transaction.atomic
def rubric_create(
    *,
    actor: Any,
    plan: Plan,
    code: str,
    name: str,
    granularity: str = "half",
    subject: str = "units",
    ledger: str = "",
    bands: Any = None,
    objection_days: int = 7,
) -> Rubric:
    """Define a rubric for ``plan`` (its planners only); criteria follow with
    :func:`rubric_set_criteria`."""
    policy_for(Rubric).require_create(actor, plan=plan)
    values = _clean_rubric({"bands": bands or [], "subject": subject, "ledger": ledger})
    rubric = Rubric(
        plan=plan,
        code=code,
        name=name,
        granularity=granularity,
        subject=values["subject"],
        ledger=values["ledger"],
        bands=values["bands"],
        objection_days=objection_days,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    return instance_create(actor=actor, instance=rubric, action="rubric.created")


def rubric_update(
    *, actor: Any, rubric: Rubric, expected_version: int | None = None, **changes: Any
) -> Rubric:
    """Change a rubric's name, code, periods, subjects, bands or objection window."""
    policy_for(Rubric).require(actor, Action.EDIT, rubric)
    changes = _clean_rubric({k: v for k, v in changes.items() if k in RUBRIC_FIELDS})
    return instance_update(
        actor=actor,
        instance=rubric,
        changes=changes,
        action="rubric.updated",
        expected_version=expected_version,
    )


@transaction.atomic
def rubric_delete(*, actor: Any, rubric: Rubric) -> None:
    """Delete a rubric that has never been run (scored rubrics are kept for their history)."""
    policy_for(Rubric).require(actor, Action.EDIT, rubric)
    if rubric.runs.exists():
        raise Invalid(gettext("This rubric has scoring runs; it is kept with them."))
    instance_delete(actor=actor, instance=rubric, action="rubric.deleted")


@transaction.atomic
def rubric_set_criteria(
    *, actor: Any, rubric: Rubric, criteria: list[dict[str, Any]], expected_version: int | None = None
) -> list[Criterion]:
    """Replace the rubric's criteria as a whole (weights must sum to 100; see
    ``assessment.validation``). Manual scores and bonus points stay with the criteria whose
    code is kept."""
    policy_for(Rubric).require(actor, Action.EDIT, rubric)
    cleaned = clean_criteria(criteria)
    locked = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(gettext("Someone else changed this rubric; reload and try again."))
    before = [_criterion_json(c) for c in locked.criteria.all()]
    existing = {c.code: c for c in locked.criteria.all()}
    kept = []
    for row in cleaned:
        found = existing.pop(row["code"], None)
        if (
            found is not None
            and found.kind != row["kind"]
            and (found.manual_scores.exists() or found.bonuses.exists())
        ):
            raise Invalid(
                gettext("Criterion %(code)s has scores entered; it keeps its kind.") % {"code": row["code"]}
            )
        criterion = found or Criterion(rubric=locked, code=row["code"])
        for name in ("position", "name", "kind", "weight", "params"):
            setattr(criterion, name, row[name])
        kept.append(criterion)
    for gone in existing.values():
        if gone.manual_scores.exists() or gone.bonuses.exists():
            raise Invalid(
                gettext("Criterion %(code)s has scores entered; it cannot be removed.") % {"code": gone.code}
            )
        gone.delete()
    # Positions are renumbered below; park them out of the way first.
    for criterion in kept:
        criterion.position += 1000
        criterion.save()
    for criterion in kept:
        criterion.position -= 1000
        criterion.save(update_fields=["position"])
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    audit.record(
        actor=actor,
        action="rubric.criteria_set",
        target=locked,
        before={"criteria": before},
        after={"criteria": [_criterion_json(c) for c in kept]},
    )
    rubric.version = locked.version
    return kept


def _criterion_json(criterion: Criterion) -> dict[str, Any]:
    return {
        "code": criterion.code,
        "name": criterion.name,
        "kind": criterion.kind,
        "weight": str(criterion.weight),
        "params": criterion.params,
    }


def _subject(rubric: Rubric, unit: Unit) -> str:
    if rubric.subject != "units":
        raise Invalid(gettext("This rubric scores ledger entities, not units."))
    return scoring.unit_key(unit.pk)


def _scoring_criterion(actor: Any, criterion: Criterion, kind: str) -> None:
    if not policy_for(Run).allows_create(actor, rubric=criterion.rubric):
        raise Forbidden(gettext("Only the plan's assessors score it."))
    if criterion.kind != kind:
        raise Invalid(
            gettext("%(name)s is not a %(kind)s criterion.") % {"name": criterion.name, "kind": kind}
        )


@transaction.atomic
def score_enter(
    *, actor: Any, criterion: Criterion, period: str, unit: Unit, points: Any, reason: str
) -> ManualScore:
    """An assessor's points for ``unit`` on a manual criterion (between 0 and its weight),
    with the reason. Entering again replaces the points and asks for a new review."""
    _scoring_criterion(actor, criterion, CriterionKind.MANUAL)
    code = rubric_period(criterion.rubric, period).code
    value = _number(points, gettext("The points"))
    if not Decimal("0") <= value <= criterion.weight or value != value.quantize(Decimal("0.01")):
        raise Invalid(
            gettext("Points for %(name)s are between 0 and %(max)s.")
            % {"name": criterion.name, "max": criterion.weight},
            details={"points": [str(value)]},
        )
    why = _text(reason, gettext("A reason"))
    key = _subject(criterion.rubric, unit)
    score = (
        ManualScore.objects.select_for_update()
        .filter(criterion=criterion, period=code, subject_key=key)
        .first()
    )
    before = audit.snapshot(score) if score else None
    if score is None:
        score = ManualScore(
            criterion=criterion, rubric=criterion.rubric, period=code, subject_key=key, unit=unit
        )
    score.points, score.reason, score.entered_by = value, why, actor if getattr(actor, "pk", None) else None
    score.review_state, score.reviewed_by, score.reviewed_at, score.review_note = (
        ReviewState.PENDING,
        None,
        None,
        "",
    )
    if score.pk:
        score.version += 1
    score.save()
    audit.record(
        actor=actor,
        action="score.entered",
        target=score,
        before=before,
        after=audit.snapshot(score),
        reason=why,
    )
    return score


@transaction.atomic
def score_review(*, actor: Any, score: ManualScore, confirm: bool, note: str = "") -> ManualScore:
    """A second assessor confirms or rejects a manual score (not the one who entered it)."""
    policy_for(ManualScore).require(actor, Action.EDIT, score)
    if score.entered_by_id == getattr(actor, "pk", None):
        raise Invalid(gettext("A second assessor reviews a score, not the one who entered it."))
    text = _text(note, gettext("A note"), required=not confirm)
    score = ManualScore.objects.select_for_update().get(pk=score.pk)
    before = audit.snapshot(score, ["review_state", "review_note"])
    score.review_state = ReviewState.CONFIRMED if confirm else ReviewState.REJECTED
    score.reviewed_by, score.reviewed_at, score.review_note = actor, clock.now(), text
    score.version += 1
    score.save()
    audit.record(
        actor=actor,
        action="score.reviewed",
        target=score,
        before=before,
        after=audit.snapshot(score, ["review_state", "review_note"]),
        reason=text,
    )
    return score


@transaction.atomic
def bonus_add(
    *, actor: Any, criterion: Criterion, period: str, unit: Unit, points: Any, reason: str, evidence: str
) -> Bonus:
    """Bonus points for ``unit`` (an award, a commendation) with the reason and evidence; the
    criterion's weight caps the unit's sum when scored."""
    _scoring_criterion(actor, criterion, CriterionKind.BONUS)
    code = rubric_period(criterion.rubric, period).code
    value = _number(points, gettext("The points"))
    if not Decimal("0") < value <= criterion.weight or value != value.quantize(Decimal("0.01")):
        raise Invalid(
            gettext("Bonus points are above 0 and at most %(max)s.") % {"max": criterion.weight},
            details={"points": [str(value)]},
        )
    bonus = Bonus(
        criterion=criterion,
        rubric=criterion.rubric,
        period=code,
        subject_key=_subject(criterion.rubric, unit),
        unit=unit,
        points=value,
        reason=_text(reason, gettext("A reason")),
        evidence=_text(evidence, gettext("Evidence")),
        entered_by=actor if getattr(actor, "pk", None) else None,
    )
    return instance_create(actor=actor, instance=bonus, action="bonus.added", clean=False)


@transaction.atomic
def bonus_remove(*, actor: Any, bonus: Bonus) -> None:
    """Take bonus points back (runs already computed keep what they used)."""
    policy_for(Bonus).require(actor, Action.EDIT, bonus)
    instance_delete(actor=actor, instance=bonus, action="bonus.removed")


def _window(rubric: Rubric, period: AssessmentPeriod) -> tuple[scoring.Window, bool]:
    today = clock.today()
    provisional = today <= period.end
    as_of = min(period.end, today) if provisional else period.end
    return scoring.Window(plan=rubric.plan, period=period, as_of=max(as_of, period.start)), provisional


@transaction.atomic
def run_compute(*, actor: Any, rubric: Rubric, period: str, publish: bool = False) -> Run:
    """Score every subject of ``rubric`` for ``period`` and store the results with the rows
    they came from, as a new version. A period that has not ended gives a draft marked so
    (never published); ``publish`` publishes the run at once."""
    if not policy_for(Run).allows_create(actor, rubric=rubric):
        raise Forbidden(gettext("Only the plan's assessors score it."))
    chosen = rubric_period(rubric, period)
    criteria = list(rubric.criteria.order_by("position"))
    clean_criteria([_criterion_json(c) for c in criteria])  # the weights still sum to 100
    if rubric.subject != "units":
        raise Invalid(gettext("Scoring ledger entities needs the ledgers app."))
    window, provisional = _window(rubric, chosen)
    if publish and provisional:
        raise Invalid(
            gettext("The period %(code)s has not ended: its run is a draft only.") % {"code": chosen.code}
        )
    Rubric.objects.select_for_update().filter(pk=rubric.pk).first()
    number = (Run.objects.filter(rubric=rubric, period=chosen.code).aggregate(n=Max("number"))["n"] or 0) + 1
    scored = sorted(scoring.score_subjects(rubric, criteria, window), key=lambda s: (-s.total, s.label))
    run = Run.objects.create(
        rubric=rubric,
        period=chosen.code,
        number=number,
        provisional=provisional,
        window_start=chosen.start,
        window_end=chosen.end,
        as_of=window.as_of,
        inputs={
            "criteria": [_criterion_json(c) for c in criteria],
            "bands": rubric.bands,
            "subjects": len(scored),
        },
        computed_at=clock.now(),
        computed_by=actor if getattr(actor, "pk", None) else None,
    )
    ranks = scoring.rank([s.total for s in scored])
    Result.objects.bulk_create(
        [
            Result(
                run=run,
                subject_key=s.key,
                subject_label=s.label,
                unit_id=s.unit_id,
                total=s.total,
                rank=position,
                tied=tied,
                band=scoring.band_for(position, len(scored), rubric.bands),
                points={code: str(o.points) for code, o in s.outcomes.items()},
                detail={code: o.as_json() for code, o in s.outcomes.items()},
            )
            for s, (position, tied) in zip(scored, ranks, strict=True)
        ],
        # One statement however many units (SQLite splits by its own variable limit).
        batch_size=None,
    )
    audit.record(
        actor=actor,
        action="run.computed",
        target=run,
        after={
            "rubric": rubric.code,
            "period": run.period,
            "version": number,
            "subjects": len(scored),
            "provisional": provisional,
        },
    )
    if publish:
        return run_publish(actor=actor, run=run)
    return run


@transaction.atomic
def run_publish(*, actor: Any, run: Run) -> Run:
    """Publish a run: its results become final and visible with the plan; units may object
    until the rubric's window closes. An earlier published version is superseded."""
    policy_for(Run).require(actor, Action.EDIT, run)
    run = Run.objects.select_for_update().select_related("rubric").get(pk=run.pk)
    if run.status != RunStatus.DRAFT:
        raise Invalid(gettext("This run is already published or superseded."))
    if run.provisional:
        raise Invalid(
            gettext("The period %(code)s had not ended when this run was computed: it is a draft only.")
            % {"code": run.period}
        )
    superseded = Run.objects.filter(rubric_id=run.rubric_id, period=run.period, status=RunStatus.PUBLISHED)
    for old in superseded:
        old.status = RunStatus.SUPERSEDED
        old.save(update_fields=["status", "updated_at"])
        audit.record(actor=actor, action="run.superseded", target=old, after={"by": run.number})
    run.status, run.published_at, run.published_by = RunStatus.PUBLISHED, clock.now(), actor
    run.objections_until = clock.today() + dt.timedelta(days=run.rubric.objection_days)
    run.version += 1
    run.save(
        update_fields=["status", "published_at", "published_by", "objections_until", "version", "updated_at"]
    )
    audit.record(
        actor=actor,
        action="run.published",
        target=run,
        after={"objections_until": run.objections_until.isoformat()},
    )
    return run


@transaction.atomic
def objection_file(*, actor: Any, result: Result, reason: str) -> Objection:
    """The result's unit objects to its published score, with a reason, within the window."""
    policy_for(Objection).require_create(
        actor, result=result, message=gettext("Only the unit itself objects to its result.")
    )
    run = result.run
    if run.status != RunStatus.PUBLISHED:
        raise Invalid(gettext("Objections are filed against published results."))
    if run.objections_until is None or clock.today() > run.objections_until:
        raise Invalid(
            gettext("The window for objections closed on %(date)s.") % {"date": run.objections_until}
        )
    objection = Objection(
        result=result,
        unit_id=result.unit_id,
        reason=_text(reason, gettext("A reason")),
        filed_by=actor,
        filed_at=clock.now(),
    )
    return instance_create(actor=actor, instance=objection, action="objection.filed", clean=False)


@transaction.atomic
def objection_answer(*, actor: Any, objection: Objection, answer: str) -> Objection:
    """The assessor answers an open objection (the objection and its answer are kept)."""
    policy_for(Objection).require(actor, Action.EDIT, objection)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.state != ObjectionState.OPEN:
        raise Invalid(gettext("This objection has been answered."))
    text = _text(answer, gettext("An answer"))
    objection.state, objection.answer = ObjectionState.ANSWERED, text
    objection.answered_by, objection.answered_at = actor, clock.now()
    objection.version += 1
    objection.save()
    audit.record(actor=actor, action="objection.answered", target=objection, after={"answer": text})
    return objection
