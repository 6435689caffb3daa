"""Indicators: their figures (value, target, attainment, per unit, per period), definitions,
and hand-entered values; a plan's roll-up."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import BeforeValidator, Field, StrictBool, StringConstraints

from workplan.accounts import selectors as unit_selectors
from workplan.api.endpoints import actor, changes_of, status
from workplan.api.schemas import (
    NO_NUL,
    SOME_TEXT,
    Input,
    IsoDate,
    Out,
    PathId,
    QueryId,
    RefId,
    Version,
    not_a_boolean,
    responses,
)
from workplan.core.policy import Action
from workplan.ledgers import selectors, services
from workplan.ledgers.compute import OPERATORS
from workplan.ledgers.models import Direction, Measure
from workplan.ledgers.selectors import IndicatorAttainment
from workplan.plans import selectors as plan_selectors
from workplan.plans.models import Comparator

router = Router(tags=["indicators"])

Code = Annotated[str, StringConstraints(max_length=50, pattern=r"^[A-Za-z0-9_-]+$")]
IndicatorName = Annotated[str, StringConstraints(max_length=300, pattern=SOME_TEXT)]
Key = Annotated[str, StringConstraints(max_length=40, pattern=r"^([a-z][a-z0-9_]{0,39})?$")]
MeasureUnit = Annotated[str, StringConstraints(max_length=40, pattern=NO_NUL)]
FilterText = Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)]


Number = Annotated[float, Field(ge=-1e15, le=1e15), BeforeValidator(not_a_boolean)]


class Condition(Input):
    field: Annotated[str, StringConstraints(max_length=40, pattern=r"^[a-z][a-z0-9_]{0,39}$")]
    op: Annotated[str, Field(pattern="^(" + "|".join(OPERATORS) + ")$")] = "eq"
    value: FilterText | StrictBool | Number | list[FilterText] | None = None


Conditions = Annotated[list[Condition], Field(max_length=20)]


class UnitFigureOut(Out):
    unit_id: int
    unit_code: str
    unit_name: str
    value: float | None


class PeriodFigureOut(Out):
    label: str
    end: str
    value: float | None


class IndicatorOut(Out):
    id: int
    code: str
    name: str
    item_id: int | None
    target_id: int | None
    target_text: str
    target: float | None
    target_max: float | None
    comparator: str
    measure_unit: str
    value: float | None = Field(description="The computed value (a ratio in percent); null: no data.")
    attainment: float | None = Field(description="value ÷ target (target ÷ value when lower is better).")
    status: str = Field(description="met, on_track, behind, no_data or no_target (docs/ledgers.md).")
    records: int
    ledger_id: int | None
    breakdown: list[UnitFigureOut]


def indicator_out(row: IndicatorAttainment) -> IndicatorOut:
    return IndicatorOut(
        id=row.indicator_id,
        code=row.code,
        name=row.name,
        item_id=row.item_id,
        target_id=row.target_id,
        target_text=row.target_text,
        target=row.target,
        target_max=row.target_max,
        comparator=row.comparator,
        measure_unit=row.measure_unit,
        value=row.value,
        attainment=row.attainment,
        status=row.status,
        records=row.records,
        ledger_id=row.ledger_id,
        breakdown=[UnitFigureOut(**vars(f)) for f in row.breakdown],
    )


class IndicatorDetailOut(IndicatorOut):
    measure: Measure
    field_key: str
    filters: list[dict[str, Any]]
    condition: list[dict[str, Any]]
    date_field: str
    direction: Direction
    owner_unit_id: int
    trend: list[PeriodFigureOut]
    version: int


def _detail(request: HttpRequest, indicator_id: int) -> IndicatorDetailOut:
    user = actor(request)
    indicator = selectors.indicator_get_for_user(user=user, key=indicator_id, by="pk")
    row = indicator_out(selectors.attainment_of(indicator))
    trend = [
        PeriodFigureOut(label=label, end=end.isoformat(), value=value)
        for label, end, value in selectors.indicator_trend(indicator, user=user)
    ]
    return IndicatorDetailOut(
        **row.model_dump(),
        measure=Measure(indicator.measure),
        field_key=indicator.field_key,
        filters=list(indicator.filters),
        condition=list(indicator.condition),
        date_field=indicator.date_field,
        direction=Direction(indicator.direction),
        owner_unit_id=indicator.owner_unit_id,
        trend=trend,
        version=indicator.version,
    )


@router.get(
    "/indicators", response=responses(list[IndicatorOut]), summary="Indicators you may see, with figures"
)
def indicator_list(request: HttpRequest, plan_id: QueryId = None) -> list[IndicatorOut]:
    user = actor(request)
    plan = plan_selectors.plan_get_for_user(user=user, plan_id=plan_id) if plan_id else None
    return [indicator_out(row) for row in selectors.indicator_list(user=user, plan=plan)]


@router.get(
    "/plans/{plan_id}/indicators",
    response=responses(list[IndicatorOut]),
    summary="A plan's indicators: target, value, attainment and the breakdown by unit",
)
def plan_indicators(
    request: HttpRequest,
    plan_id: PathId,
    unit_id: QueryId = None,
    as_of: Annotated[IsoDate | None, Query(description="Only records dated on or before this day.")] = None,
) -> list[IndicatorOut]:
    user = actor(request)
    plan = plan_selectors.plan_get_for_user(user=user, plan_id=plan_id)
    unit = unit_selectors.unit_get_by_id_for_user(user=user, unit_id=unit_id) if unit_id else None
    return [
        indicator_out(r) for r in selectors.indicator_attainments(plan, user=user, unit=unit, as_of=as_of)
    ]


@router.get("/indicators/{indicator_id}", response=responses(IndicatorDetailOut), summary="One indicator")
def indicator_get(request: HttpRequest, indicator_id: PathId) -> IndicatorDetailOut:
    return _detail(request, indicator_id)


class IndicatorIn(Input):
    code: Code
    name: IndicatorName
    owner_unit_id: RefId
    ledger_id: RefId | None = None
    item_id: RefId | None = None
    target_id: RefId | None = None
    measure: Measure = Measure.COUNT
    field_key: Key = ""
    filters: Conditions = Field(default_factory=list)
    condition: Conditions = Field(default_factory=list)
    date_field: Key = ""
    measure_unit: MeasureUnit = ""
    direction: Direction = Direction.HIGHER
    comparator: Comparator | None = None
    target_value: Number | None = None
    target_max: Number | None = None


class IndicatorPatch(Input):
    version: Version
    name: IndicatorName | None = None
    ledger_id: RefId | None = None
    item_id: RefId | None = None
    target_id: RefId | None = None
    measure: Measure | None = None
    field_key: Key | None = None
    filters: Conditions | None = None
    condition: Conditions | None = None
    date_field: Key | None = None
    measure_unit: MeasureUnit | None = None
    direction: Direction | None = None
    comparator: Comparator | None = None
    target_value: Number | None = None
    target_max: Number | None = None


def _links(request: HttpRequest, payload: Any) -> dict[str, Any]:
    user, links = actor(request), {}
    if payload.ledger_id is not None:
        links["ledger"] = selectors.ledger_get_for_user(user=user, key=payload.ledger_id, by="pk")
    if payload.item_id is not None:
        links["item"] = selectors.item_get_for_user(user=user, item_id=payload.item_id)
    if payload.target_id is not None:
        links["target"] = selectors.target_get_for_user(user=user, target_id=payload.target_id)
    return links


def _definition(payload: Any, values: dict[str, Any]) -> dict[str, Any]:
    for name in ("filters", "condition"):
        if name in values and values[name] is not None:
            values[name] = [c.model_dump() for c in getattr(payload, name)]
    if "comparator" in values:
        values["comparator"] = values["comparator"] or ""
    return values


@router.post(
    "/indicators", response=responses(IndicatorDetailOut, 201), summary="Define an indicator (planners)"
)
def indicator_create(request: HttpRequest, payload: IndicatorIn) -> Any:
    user = actor(request)
    values = _definition(
        payload, payload.model_dump(exclude={"owner_unit_id", "ledger_id", "item_id", "target_id"})
    )
    owner = unit_selectors.unit_get_by_id_for_user(user=user, unit_id=payload.owner_unit_id)
    indicator = services.indicator_create(actor=user, owner_unit=owner, **_links(request, payload), **values)
    return status(201, _detail(request, indicator.pk))


@router.patch(
    "/indicators/{indicator_id}", response=responses(IndicatorDetailOut), summary="Change an indicator"
)
def indicator_update(
    request: HttpRequest, indicator_id: PathId, payload: IndicatorPatch
) -> IndicatorDetailOut:
    user = actor(request)
    indicator = selectors.indicator_get_for_user(user=user, key=indicator_id, by="pk", action=Action.EDIT)
    sent = changes_of(payload, exclude={"ledger_id", "item_id", "target_id"})
    values = _definition(payload, {k: v for k, v in sent.items() if v is not None or k == "comparator"})
    services.indicator_update(
        actor=user,
        indicator=indicator,
        expected_version=payload.version,
        **_links(request, payload),
        **values,
    )
    return _detail(request, indicator.pk)


@router.delete("/indicators/{indicator_id}", response=responses(None, 204), summary="Delete an indicator")
def indicator_delete(request: HttpRequest, indicator_id: PathId) -> Any:
    user = actor(request)
    indicator = selectors.indicator_get_for_user(user=user, key=indicator_id, by="pk", action=Action.EDIT)
    services.indicator_delete(actor=user, indicator=indicator)
    return status(204, None)


class ManualValueIn(Input):
    as_of: IsoDate
    value: Number
    unit_id: RefId | None = None


@router.post(
    "/indicators/{indicator_id}/values",
    response=responses(IndicatorDetailOut, 201),
    summary="Enter a value of a hand-kept indicator",
)
def indicator_value_set(request: HttpRequest, indicator_id: PathId, payload: ManualValueIn) -> Any:
    user = actor(request)
    indicator = selectors.indicator_get_for_user(user=user, key=indicator_id, by="pk", action=Action.EDIT)
    unit = (
        unit_selectors.unit_get_by_id_for_user(user=user, unit_id=payload.unit_id)
        if payload.unit_id
        else None
    )
    services.indicator_value_set(
        actor=user, indicator=indicator, as_of=payload.as_of, value=payload.value, unit=unit
    )
    return status(201, _detail(request, indicator.pk))


class ProposalOut(Out):
    target_id: int
    item_id: int
    target_text: str
    ledger_id: int
    ledger_code: str
    ledger_name: str
    score: int = Field(description="How many subject terms the target's wording shares with the ledger.")


@router.get(
    "/plans/{plan_id}/indicator-proposals",
    response=responses(list[ProposalOut]),
    summary="Quantified targets without an indicator, with the ledgers their wording names (planners)",
)
def plan_indicator_proposals(request: HttpRequest, plan_id: PathId) -> list[ProposalOut]:
    user = actor(request)
    plan = plan_selectors.plan_get_for_user(user=user, plan_id=plan_id)
    return [ProposalOut(**vars(p)) for p in selectors.indicator_proposals(plan, user=user)]
