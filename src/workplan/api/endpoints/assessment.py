"""Assessment: rubrics (the generic register resource) with their criteria, scoring runs,
results with their breakdown, manual scores, bonus points and objections. Endpoints parse,
find the actor, call one service or selector and render."""

# No ``from __future__ import annotations``: django-ninja reads the annotations at definition time.

from collections.abc import Sequence
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import BeforeValidator, Field, StringConstraints

from workplan.api.endpoints import actor, changes_of, status
from workplan.api.resources import resource_router
from workplan.api.schemas import (
    DEFAULT_LIMIT,
    ERRORS,
    NO_NUL,
    SOME_TEXT,
    Done,
    ErrorOut,
    Id,
    IdCursor,
    Input,
    Limit,
    Out,
    PathId,
    Reason,
    Version,
    cents,
    not_a_boolean,
    responses,
)
from workplan.assessment import selectors, services
from workplan.assessment.models import (
    Bonus,
    CriterionKind,
    Granularity,
    ManualScore,
    Objection,
    Result,
    Rubric,
    Run,
    Subject,
)
from workplan.assessment.registers import RUBRICS
from workplan.core.pagination import keyset_page
from workplan.core.policy import Action

Code = Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")]
RubricName = Annotated[str, StringConstraints(max_length=200, pattern=SOME_TEXT)]
LedgerCode = Annotated[str, StringConstraints(max_length=50, pattern=NO_NUL)]
PeriodCode = Annotated[str, StringConstraints(max_length=10, pattern=r"^\d{4}(-(H[12]|Q[1-4]|\d{2}))?$")]
Points = Annotated[float, Field(ge=-1000, le=1000), BeforeValidator(not_a_boolean)]


class Band(Input):
    name: Annotated[str, StringConstraints(max_length=50, pattern=SOME_TEXT)]
    top_percent: Annotated[float, Field(gt=0, le=100), BeforeValidator(not_a_boolean)]


class BandOut(Out):
    name: str
    top_percent: float


class RubricOut(Out):
    id: int
    code: str
    name: str
    plan_id: int
    granularity: Granularity
    subject: Subject
    ledger: str
    bands: list[BandOut]
    objection_days: int
    periods: list[str] = Field(description="The periods this rubric can score, e.g. `2019-H1`.")
    version: int


def rubrics_out(request: HttpRequest, rows: Sequence[Rubric]) -> list[RubricOut]:
    return [
        RubricOut(
            id=r.pk,
            code=r.code,
            name=r.name,
            plan_id=r.plan_id,
            granularity=Granularity(r.granularity),
            subject=Subject(r.subject),
            ledger=r.ledger,
            bands=[BandOut(**b) for b in r.bands],
            objection_days=r.objection_days,
            periods=selectors.rubric_periods(r),
            version=r.version,
        )
        for r in rows
    ]


class RubricIn(Input):
    plan_id: Id
    code: Code
    name: RubricName
    granularity: Granularity = Granularity.HALF
    subject: Subject = Subject.UNITS
    ledger: LedgerCode = ""
    bands: list[Band] = Field(default_factory=list, max_length=10)
    objection_days: Annotated[int, Field(ge=0, le=90), BeforeValidator(not_a_boolean)] = 7


class RubricPatch(Input):
    version: Version
    code: Code | None = None
    name: RubricName | None = None
    granularity: Granularity | None = None
    subject: Subject | None = None
    ledger: LedgerCode | None = None
    bands: list[Band] | None = Field(None, max_length=10)
    objection_days: Annotated[int, Field(ge=0, le=90), BeforeValidator(not_a_boolean)] | None = None


def _create_values(request: HttpRequest, payload: RubricIn) -> dict[str, Any]:
    from workplan.plans.selectors import plan_get_for_user

    values = payload.model_dump(exclude={"plan_id"})
    values["plan"] = plan_get_for_user(user=actor(request), plan_id=payload.plan_id)
    return values


def _update_values(request: HttpRequest, payload: RubricPatch) -> dict[str, Any]:
    return {k: v for k, v in changes_of(payload).items() if v is not None}


rubrics = resource_router(
    RUBRICS,
    tag="assessment",
    noun="rubric",
    id_param="rubric_id",
    out=RubricOut,
    to_out=rubrics_out,
    create_in=RubricIn,
    update_in=RubricPatch,
    create_values=_create_values,
    update_values=_update_values,
)
router = Router(tags=["assessment"])
router.add_router("", rubrics)


class CriterionIn(Input):
    code: Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    name: RubricName
    kind: CriterionKind
    weight: Annotated[float, Field(ge=0, le=100), BeforeValidator(not_a_boolean)]
    params: dict[str, Annotated[str, StringConstraints(max_length=500, pattern=NO_NUL)] | float] = Field(
        default_factory=dict, max_length=10, description='The kind\'s options, e.g. `{"red": 2}`.'
    )


class CriteriaIn(Input):
    version: Version
    criteria: list[CriterionIn] = Field(max_length=30, description="At least one.")


class CriterionOut(Out):
    id: int
    code: str
    name: str
    kind: CriterionKind
    weight: str
    params: dict[str, Any]


class CriteriaOut(Out):
    version: int
    criteria: list[CriterionOut]


def _criteria_out(rubric: Rubric) -> CriteriaOut:
    return CriteriaOut(
        version=rubric.version,
        criteria=[
            CriterionOut(
                id=c.pk,
                code=c.code,
                name=c.name,
                kind=CriterionKind(c.kind),
                weight=str(c.weight),
                params=c.params,
            )
            for c in selectors.criteria_of(rubric)
        ],
    )


@router.get("/rubrics/{rubric_id}/criteria", response=responses(CriteriaOut), operation_id="rubric_criteria")
def rubric_criteria(request: HttpRequest, rubric_id: PathId) -> Any:
    """A rubric's weighted criteria."""
    return _criteria_out(selectors.rubric_get_for_user(user=actor(request), rubric_id=rubric_id))


@router.put(
    "/rubrics/{rubric_id}/criteria", response=responses(CriteriaOut), operation_id="rubric_criteria_set"
)
def rubric_criteria_set(request: HttpRequest, rubric_id: PathId, payload: CriteriaIn) -> Any:
    """Replace the criteria as a whole; the scored kinds' weights must sum to 100 (422 shows the sum)."""
    user = actor(request)
    rubric = selectors.rubric_get_for_user(user=user, rubric_id=rubric_id, action=Action.EDIT)
    services.rubric_set_criteria(
        actor=user,
        rubric=rubric,
        criteria=[{**c.model_dump(mode="json"), "weight": cents(c.weight)} for c in payload.criteria],
        expected_version=payload.version,
    )
    return _criteria_out(rubric)


class RunIn(Input):
    rubric_id: Id
    period: PeriodCode
    publish: bool = False


class RunOut(Out):
    id: int
    rubric_id: int
    rubric_code: str
    period: str
    number: int = Field(description="The version: each computation of a rubric and period is a new one.")
    status: str
    provisional: bool = Field(description="The period had not ended: a draft only.")
    as_of: str
    computed_at: str
    published_at: str | None
    objections_until: str | None
    criteria: list[dict[str, Any]]


class RunPage(Out):
    items: list[RunOut]
    next_cursor: str | None


def _run_out(run: Run) -> RunOut:
    return RunOut(
        id=run.pk,
        rubric_id=run.rubric_id,
        rubric_code=run.rubric.code,
        period=run.period,
        number=run.number,
        status=run.status,
        provisional=run.provisional,
        as_of=run.as_of.isoformat(),
        computed_at=run.computed_at.isoformat(),
        published_at=run.published_at.isoformat() if run.published_at else None,
        objections_until=run.objections_until.isoformat() if run.objections_until else None,
        criteria=run.inputs.get("criteria", []),
    )


@router.post("/assessment-runs", response=responses(RunOut, 201), operation_id="assessment_run_create")
def assessment_run_create(request: HttpRequest, payload: RunIn) -> Any:
    """Compute the scores of a rubric for a period (a new version); `publish` publishes at once."""
    user = actor(request)
    rubric = selectors.rubric_get_for_user(user=user, rubric_id=payload.rubric_id)
    run = services.run_compute(actor=user, rubric=rubric, period=payload.period, publish=payload.publish)
    return status(201, _run_out(run))


@router.get("/assessment-runs", response=responses(RunPage), operation_id="assessment_run_list")
def assessment_run_list(
    request: HttpRequest,
    rubric_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    cursor: IdCursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Any:
    """The scoring runs you may see, newest first."""
    user = actor(request)
    rubric = selectors.rubric_get_for_user(user=user, rubric_id=rubric_id) if rubric_id else None
    rows, next_cursor = keyset_page(
        selectors.run_list_for_user(user=user, rubric=rubric),
        key="id",
        cursor=cursor,
        limit=limit,
        descending=True,
    )
    return RunPage(items=[_run_out(r) for r in rows], next_cursor=next_cursor)


@router.get("/assessment-runs/{run_id}", response=responses(RunOut), operation_id="assessment_run_get")
def assessment_run_get(request: HttpRequest, run_id: PathId) -> Any:
    return _run_out(selectors.run_get_for_user(user=actor(request), run_id=run_id))


@router.post(
    "/assessment-runs/{run_id}/publish", response=responses(RunOut), operation_id="assessment_run_publish"
)
def assessment_run_publish(request: HttpRequest, run_id: PathId) -> Any:
    """Publish a run: final, visible with the plan, open to objections for the rubric's window."""
    user = actor(request)
    run = selectors.run_get_for_user(user=user, run_id=run_id, action=Action.EDIT)
    return _run_out(services.run_publish(actor=user, run=run))


class ResultOut(Out):
    id: int
    run_id: int
    unit: str
    unit_id: int | None
    score: str
    rank: int
    tied: bool
    award: str
    criteria: dict[str, str] = Field(
        description="Criterion code → points (deductions negative); `score` is their sum."
    )


class ResultPage(Out):
    items: list[ResultOut]
    next_cursor: str | None


class SourceOut(Out):
    kind: str
    title: str
    url: str
    note: str


class CriterionResultOut(Out):
    code: str
    name: str
    kind: str
    weight: str
    points: str
    figures: dict[str, Any]
    sources: list[SourceOut]


class ResultDetailOut(ResultOut):
    breakdown: list[CriterionResultOut]


def _result_out(result: Result) -> ResultOut:
    return ResultOut(
        id=result.pk,
        run_id=result.run_id,
        unit=result.subject_label,
        unit_id=result.unit_id,
        score=str(result.total),
        rank=result.rank,
        tied=result.tied,
        award=result.band,
        criteria={k: str(v) for k, v in result.points.items()},
    )


@router.get(
    "/assessment-runs/{run_id}/results", response=responses(ResultPage), operation_id="assessment_result_list"
)
def assessment_result_list(
    request: HttpRequest, run_id: PathId, cursor: IdCursor = None, limit: Limit = DEFAULT_LIMIT
) -> Any:
    """The run's results you may see (a unit sees its own until the run is published)."""
    user = actor(request)
    run = selectors.run_get_for_user(user=user, run_id=run_id)
    rows, next_cursor = keyset_page(
        selectors.results_for_user(user=user, run=run), key="id", cursor=cursor, limit=limit
    )
    return ResultPage(items=[_result_out(r) for r in rows], next_cursor=next_cursor)


@router.get(
    "/assessment-results/{result_id}",
    response=responses(ResultDetailOut),
    operation_id="assessment_result_get",
)
def assessment_result_get(request: HttpRequest, result_id: PathId) -> Any:
    """One result with every criterion's figures and the rows behind its points."""
    user = actor(request)
    result = selectors.result_get_for_user(user=user, result_id=result_id)
    breakdown = [
        CriterionResultOut(**{**c.__dict__, "sources": [SourceOut(**s.__dict__) for s in c.sources]})
        for c in selectors.result_breakdown(user=user, result=result)
    ]
    return ResultDetailOut(**_result_out(result).model_dump(), breakdown=breakdown)


class ScoreIn(Input):
    criterion_id: Id
    unit_id: Id | None = Field(None, description="The unit scored (rubrics over units).")
    entity_id: Id | None = Field(
        None, description="The ledger record scored (rubrics over a ledger's entities)."
    )
    period: PeriodCode
    points: Points
    reason: Reason


class ScoreOut(Out):
    id: int
    criterion_id: int
    unit_id: int | None
    period: str
    points: str
    reason: str
    review_state: str


def _score_out(score: ManualScore) -> ScoreOut:
    return ScoreOut(
        id=score.pk,
        criterion_id=score.criterion_id,
        unit_id=score.unit_id,
        period=score.period,
        points=str(score.points),
        reason=score.reason,
        review_state=score.review_state,
    )


def _criterion(request: HttpRequest, criterion_id: int) -> Any:
    from workplan.assessment.models import Criterion

    found = (
        Criterion.objects.visible_to(actor(request))
        .select_related("rubric", "rubric__plan")
        .filter(pk=criterion_id)
        .first()
    )
    if found is None:
        from workplan.core.errors import NotFound

        raise NotFound("no such criterion")
    return found


def _subject(
    request: HttpRequest, criterion: Any, unit_id: int | None, entity_id: int | None
) -> dict[str, Any]:
    subject_id = entity_id if criterion.rubric.subject == "ledger" else unit_id
    if subject_id is None:
        from workplan.core.errors import Invalid

        raise Invalid("name the unit (unit_id) or, for a ledger rubric, the record (entity_id)")
    return selectors.judgement_subject(user=actor(request), rubric=criterion.rubric, subject_id=subject_id)


@router.post("/manual-scores", response=responses(ScoreOut, 201), operation_id="manual_score_enter")
def manual_score_enter(request: HttpRequest, payload: ScoreIn) -> Any:
    """An assessor's points on a manual criterion, with the reason (within 0 and its weight)."""
    user = actor(request)
    criterion = _criterion(request, payload.criterion_id)
    score = services.score_enter(
        actor=user,
        criterion=criterion,
        **_subject(request, criterion, payload.unit_id, payload.entity_id),
        period=payload.period,
        points=cents(payload.points),
        reason=payload.reason,
    )
    return status(201, _score_out(score))


class ReviewIn(Input):
    confirm: bool
    note: Annotated[str, StringConstraints(max_length=5000, pattern=NO_NUL)] = ""


@router.post(
    "/manual-scores/{score_id}/review", response=responses(ScoreOut), operation_id="manual_score_review"
)
def manual_score_review(request: HttpRequest, score_id: PathId, payload: ReviewIn) -> Any:
    """A second assessor confirms or rejects (with a note) a manual score."""
    user = actor(request)
    score = selectors.manual_score_get_for_user(user=user, score_id=score_id, action=Action.EDIT)
    return _score_out(
        services.score_review(actor=user, score=score, confirm=payload.confirm, note=payload.note)
    )


class BonusIn(Input):
    criterion_id: Id
    unit_id: Id | None = Field(None, description="The unit (rubrics over units).")
    entity_id: Id | None = Field(None, description="The ledger record (rubrics over a ledger's entities).")
    period: PeriodCode
    points: Points
    reason: Reason
    evidence: Reason


class BonusOut(Out):
    id: int
    criterion_id: int
    unit_id: int | None
    period: str
    points: str
    reason: str
    evidence: str


@router.post("/bonuses", response=responses(BonusOut, 201), operation_id="bonus_add")
def bonus_add(request: HttpRequest, payload: BonusIn) -> Any:
    """Bonus points with the reason and evidence (the criterion's weight caps a unit's sum)."""
    user = actor(request)
    criterion = _criterion(request, payload.criterion_id)
    bonus: Bonus = services.bonus_add(
        actor=user,
        criterion=criterion,
        **_subject(request, criterion, payload.unit_id, payload.entity_id),
        period=payload.period,
        points=cents(payload.points),
        reason=payload.reason,
        evidence=payload.evidence,
    )
    return status(
        201,
        BonusOut(
            id=bonus.pk,
            criterion_id=bonus.criterion_id,
            unit_id=bonus.unit_id,
            period=bonus.period,
            points=str(bonus.points),
            reason=bonus.reason,
            evidence=bonus.evidence,
        ),
    )


@router.delete("/bonuses/{bonus_id}", response={204: None, ERRORS: ErrorOut}, operation_id="bonus_remove")
def bonus_remove(request: HttpRequest, bonus_id: PathId) -> Any:
    user = actor(request)
    services.bonus_remove(
        actor=user, bonus=selectors.bonus_get_for_user(user=user, bonus_id=bonus_id, action=Action.EDIT)
    )
    return status(204, None)


class ObjectionIn(Input):
    reason: Reason


class AnswerIn(Input):
    answer: Reason


class ObjectionOut(Out):
    id: int
    result_id: int
    reason: str
    filed_at: str
    state: str
    answer: str
    answered_at: str | None


class ObjectionList(Out):
    items: list[ObjectionOut]
    next_cursor: str | None = None


def _objection_out(o: Objection) -> ObjectionOut:
    return ObjectionOut(
        id=o.pk,
        result_id=o.result_id,
        reason=o.reason,
        filed_at=o.filed_at.isoformat(),
        state=o.state,
        answer=o.answer,
        answered_at=o.answered_at.isoformat() if o.answered_at else None,
    )


@router.get(
    "/assessment-results/{result_id}/objections",
    response=responses(ObjectionList),
    operation_id="objection_list",
)
def objection_list(request: HttpRequest, result_id: PathId) -> Any:
    """The objections to a result and their answers (the whole history)."""
    user = actor(request)
    result = selectors.result_get_for_user(user=user, result_id=result_id)
    return ObjectionList(
        items=[_objection_out(o) for o in selectors.objections_for_user(user=user, result=result)[:200]]
    )


@router.post(
    "/assessment-results/{result_id}/objections",
    response=responses(ObjectionOut, 201),
    operation_id="objection_file",
)
def objection_file(request: HttpRequest, result_id: PathId, payload: ObjectionIn) -> Any:
    """The unit objects to its published result, within the rubric's window."""
    user = actor(request)
    result = selectors.result_get_for_user(user=user, result_id=result_id)
    return status(
        201, _objection_out(services.objection_file(actor=user, result=result, reason=payload.reason))
    )


@router.post(
    "/objections/{objection_id}/answer", response=responses(ObjectionOut), operation_id="objection_answer"
)
def objection_answer(request: HttpRequest, objection_id: PathId, payload: AnswerIn) -> Any:
    """The assessor answers an open objection."""
    user = actor(request)
    objection = selectors.objection_get_for_user(user=user, objection_id=objection_id, action=Action.EDIT)
    return _objection_out(services.objection_answer(actor=user, objection=objection, answer=payload.answer))


__all__ = ["Done", "router"]
