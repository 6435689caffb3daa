"""Reads of ledgers, records and indicators, scoped by the reader's policy.

The public roll-up other apps call is :func:`indicator_attainments` (see docs/ledgers.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from workplan.accounts.models import Unit
from workplan.core import clock
from workplan.core.errors import NotFound
from workplan.core.policy import Action
from workplan.ledgers import attainment, compute
from workplan.ledgers.models import Indicator, IndicatorValue, Ledger, LedgerField, LedgerRecord, Measure
from workplan.plans.models import Plan, PlanItem


@dataclass(frozen=True)
class UnitFigure:
    unit_id: int
    unit_code: str
    unit_name: str
    value: float | None


@dataclass(frozen=True)
class IndicatorAttainment:
    """One indicator of a plan with its figures (what :func:`indicator_attainments` returns)."""

    indicator_id: int
    code: str
    name: str
    item_id: int | None
    target_id: int | None
    target_text: str
    target: float | None
    target_max: float | None
    comparator: str
    measure_unit: str
    value: float | None
    attainment: float | None  # value ÷ target (see ledgers.attainment), None where undefined
    status: str  # met, on_track, behind, no_data, no_target
    records: int  # the records behind the figure (a ratio's denominator)
    ledger_id: int | None
    ledger_code: str
    breakdown: list[UnitFigure] = field(default_factory=list)


def goal_of(indicator: Indicator) -> attainment.Goal:
    """The indicator's own target, else the linked parsed Target's."""
    target = indicator.target
    value = (
        indicator.target_value if indicator.target_value is not None else (target.value if target else None)
    )
    value_max = (
        indicator.target_max if indicator.target_max is not None else (target.value_max if target else None)
    )
    comparator = indicator.comparator or (target.comparator if target else "")
    return attainment.Goal(
        value=value,
        value_max=value_max,
        comparator=comparator,
        lower_is_better=indicator.direction == "lower",
    )


def _manual(
    indicator: Indicator, as_of: dt.date | None, unit: Unit | None
) -> tuple[float | None, list[UnitFigure]]:
    values = IndicatorValue.objects.filter(indicator=indicator).select_related("unit")
    if as_of is not None:
        values = values.filter(as_of__lte=as_of)
    latest: dict[int | None, IndicatorValue] = {}
    for row in values.order_by("as_of", "id"):
        latest[row.unit_id] = row
    total = latest.get(unit.pk if unit else None)
    breakdown = [
        UnitFigure(k, r.unit.code, r.unit.name, r.value)
        for k, r in latest.items()
        if k is not None and r.unit
    ]
    return (total.value if total else None), breakdown


def _named(figures: list[tuple[int, float | None]]) -> list[UnitFigure]:
    """The breakdown with the units' codes and names, in the order of the unit tree."""
    units = Unit.objects.in_bulk([unit_id for unit_id, _ in figures])
    named = [(units[unit_id], value) for unit_id, value in figures if unit_id in units]
    return [
        UnitFigure(unit.pk, unit.code, unit.name, value)
        for unit, value in sorted(named, key=lambda n: n[0].path)
    ]


def attainment_of(
    indicator: Indicator,
    *,
    as_of: dt.date | None = None,
    unit: Unit | None = None,
    with_breakdown: bool = True,
) -> IndicatorAttainment:
    """The figures of one indicator (value, target, attainment, status, per unit)."""
    goal = goal_of(indicator)
    if indicator.measure == Measure.MANUAL or indicator.ledger_id is None:
        value, breakdown = _manual(indicator, as_of, unit)
        records = 0
    else:
        value, figures, records = compute.indicator_figures(indicator, as_of=as_of, unit=unit)
        breakdown = _named(figures) if with_breakdown else []
    plan_year = indicator.item.plan.year if indicator.item is not None else None
    elapsed = attainment.elapsed_share(plan_year, as_of or clock.today())
    return IndicatorAttainment(
        indicator_id=indicator.pk,
        code=indicator.code,
        name=indicator.name,
        item_id=indicator.item_id,
        target_id=indicator.target_id,
        target_text=indicator.target.text if indicator.target is not None else "",
        target=goal.value,
        target_max=goal.value_max,
        comparator=goal.comparator,
        measure_unit=indicator.measure_unit,
        value=value,
        attainment=attainment.ratio(value, goal),
        status=attainment.status(value, goal, elapsed=elapsed),
        records=records,
        ledger_id=indicator.ledger_id,
        ledger_code=indicator.ledger.code if indicator.ledger is not None else "",
        breakdown=breakdown,
    )


def _indicators(user: Any | None) -> QuerySet[Indicator]:
    rows = Indicator.objects.all() if user is None else Indicator.objects.visible_to(user)
    return rows.select_related("item__plan", "target", "ledger")


def indicator_attainments(
    plan: Plan, *, user: Any | None = None, unit: Unit | None = None, as_of: dt.date | None = None
) -> list[IndicatorAttainment]:
    """Every indicator of ``plan``'s items, in item order, with value, target, attainment and
    the per-unit breakdown — the public roll-up for dashboards, assessment and reports.

    ``user``: only the indicators they may see (None: all, for services and jobs);
    ``unit``: count only records kept by that unit's subtree; ``as_of``: only records dated
    on or before that day (by each indicator's date field).
    """
    rows = _indicators(user).filter(item__plan=plan).order_by("item__path", "code")
    return [attainment_of(indicator, as_of=as_of, unit=unit) for indicator in rows]


def item_indicators(item: PlanItem, *, user: Any, as_of: dt.date | None = None) -> list[IndicatorAttainment]:
    """The indicators measuring one item (for its page)."""
    rows = _indicators(user).filter(item=item).order_by("code")
    return [attainment_of(indicator, as_of=as_of) for indicator in rows]


def indicator_list(
    *, user: Any, plan: Plan | None = None, ledger: Ledger | None = None
) -> list[IndicatorAttainment]:
    """Every indicator ``user`` sees (of one plan, or over one ledger), with its figures (no breakdown)."""
    rows = _indicators(user).order_by("code")
    if plan is not None:
        rows = rows.filter(item__plan=plan)
    if ledger is not None:
        rows = rows.filter(ledger=ledger)
    return [attainment_of(indicator, with_breakdown=False) for indicator in rows]


def indicator_get_for_user(
    *, user: Any, key: Any, by: str = "code", action: Action = Action.VIEW
) -> Indicator:
    rows = Indicator.objects.visible_to(user, action).select_related("item__plan", "target", "ledger")
    try:
        indicator: Indicator = rows.get(**{by: key})
    except (Indicator.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"No indicator {key}.") from None
    return indicator


def indicator_trend(indicator: Indicator, *, user: Any) -> list[tuple[str, dt.date, float | None]]:
    """(period label, period end, value as of that end) for the reporting periods of its plan."""
    if indicator.item is None or indicator.ledger_id is None:
        return []
    from workplan.progress.models import Period

    periods = list(Period.objects.visible_to(user).filter(plan_id=indicator.item.plan_id).order_by("index"))
    values = dict(compute.indicator_by_period(indicator, [p.end for p in periods]))
    return [(p.label, p.end, values.get(p.end)) for p in periods]


# --- ledgers and records ---------------------------------------------------------------------


def ledger_list(*, user: Any) -> QuerySet[Ledger]:
    """The ledgers ``user`` sees, each with its number of records (``record_count``)."""
    rows: QuerySet[Ledger] = (
        Ledger.objects.visible_to(user)
        .select_related("owner_unit")
        .annotate(record_count=Count("records"))
        .order_by("code")
    )
    return rows


def ledger_get_for_user(*, user: Any, key: Any, by: str = "code", action: Action = Action.VIEW) -> Ledger:
    try:
        ledger: Ledger = Ledger.objects.visible_to(user, action).select_related("owner_unit").get(**{by: key})
    except (Ledger.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"No ledger {key}.") from None
    return ledger


def ledger_fields(ledger: Ledger, *, include_retired: bool = False) -> list[LedgerField]:
    rows = ledger.fields.all()
    return list(rows if include_retired else rows.filter(retired=False))


def field_get_for_user(*, user: Any, field_id: Any, action: Action = Action.VIEW) -> LedgerField:
    try:
        found: LedgerField = (
            LedgerField.objects.visible_to(user, action).select_related("ledger").get(pk=field_id)
        )
    except (LedgerField.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"No field {field_id}.") from None
    return found


def record_rows(
    *, user: Any, ledger: Ledger, unit: Unit | None = None, indicator: Indicator | None = None
) -> QuerySet[LedgerRecord]:
    """The records of ``ledger`` that ``user`` sees (within ``unit``'s subtree; only those an
    indicator counts)."""
    rows = LedgerRecord.objects.visible_to(user).filter(ledger=ledger).select_related("unit", "item")
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    if indicator is not None and indicator.ledger_id == ledger.pk:
        rows = rows.filter(compute.conditions(indicator.filters))
    return rows


def record_get_for_user(*, user: Any, record_id: Any, action: Action = Action.VIEW) -> LedgerRecord:
    try:
        record: LedgerRecord = (
            LedgerRecord.objects.visible_to(user, action)
            .select_related("ledger", "unit", "item")
            .get(pk=record_id)
        )
    except (LedgerRecord.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"No record {record_id}.") from None
    return record


def keeping_units_for(*, user: Any, ledger: Ledger, record: LedgerRecord | None = None) -> QuerySet[Unit]:
    """The units ``user`` may add records of ``ledger`` for (and the unit of ``record``)."""
    from workplan.ledgers.policies import record_units_for

    rows: QuerySet[Unit] = record_units_for(user, ledger)
    if record is not None:
        rows = Unit.objects.filter(Q(pk__in=rows.values("pk")) | Q(pk=record.unit_id)).order_by("path")
    return rows


def record_units_seen(*, user: Any, ledger: Ledger) -> QuerySet[Unit]:
    """The units whose records of ``ledger`` ``user`` sees (for the list's unit filter)."""
    kept = LedgerRecord.objects.visible_to(user).filter(ledger=ledger).values("unit_id")
    rows: QuerySet[Unit] = Unit.objects.filter(pk__in=kept).order_by("path")
    return rows


def open_occurrences(*, user: Any, item_id: int | None = None, limit: int = 200) -> list[tuple[int, str]]:
    """(id, label) of unmet occurrences ``user`` may check off (of one item), soonest first."""
    from workplan.progress.models import Occurrence

    rows = (
        Occurrence.objects.visible_to(user)
        .filter(met_at__isnull=True, met_by__isnull=True)
        .select_related("item")
        .order_by("window_end", "id")
    )
    if item_id is not None:
        rows = rows.filter(item_id=item_id)
    return [
        (o.pk, f"{o.item.heading[:40]} · {o.window_start:%Y-%m-%d}–{o.window_end:%Y-%m-%d}")
        for o in rows[:limit]
    ]


def item_get_for_user(*, user: Any, item_id: Any) -> PlanItem:
    try:
        item: PlanItem = PlanItem.objects.visible_to(user).select_related("plan").get(pk=item_id)
    except (PlanItem.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"No item {item_id}.") from None
    return item


def occurrence_get_for_user(*, user: Any, occurrence_id: Any) -> Any:
    from workplan.progress.models import Occurrence

    try:
        return Occurrence.objects.visible_to(user).select_related("item").get(pk=occurrence_id)
    except (Occurrence.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"No occurrence {occurrence_id}.") from None


def target_get_for_user(*, user: Any, target_id: Any) -> Any:
    from workplan.plans.models import Target

    try:
        return Target.objects.visible_to(user).get(pk=target_id)
    except (Target.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"No target {target_id}.") from None


def reference_names(
    *, user: Any, definitions: list[LedgerField], records: list[LedgerRecord]
) -> dict[tuple[str, int], str]:
    """Names of the units and items that a page of records names in reference fields (2 queries)."""
    ids: dict[str, set[int]] = {"unit": set(), "item": set()}
    for definition in definitions:
        if definition.kind in ("unit", "item"):
            for record in records:
                value = record.values.get(definition.key)
                if isinstance(value, int):
                    ids[definition.kind].add(value)
    names: dict[tuple[str, int], str] = {}
    if ids["unit"]:
        names |= {
            ("unit", pk): name
            for pk, name in Unit.objects.filter(pk__in=ids["unit"]).values_list("pk", "name")
        }
    if ids["item"]:
        for item in PlanItem.objects.visible_to(user).filter(pk__in=ids["item"]):
            names[("item", item.pk)] = item.heading[:60]
    return names


def ledgers_kept_by(*, user: Any) -> QuerySet[Ledger]:
    """Active ledgers ``user`` may add records to (for "check off with a record" links)."""
    from workplan.ledgers.policies import ledgers_writable_by

    rows: QuerySet[Ledger] = ledgers_writable_by(user).filter(is_active=True).order_by("code")
    return rows


def ledger_page_details(
    *, user: Any, ledger_ids: list[int]
) -> tuple[dict[int, list[LedgerField]], dict[int, list[int]]]:
    """For a page of ledgers: their fields and their keeping units' ids (two queries)."""
    fields: dict[int, list[LedgerField]] = {pk: [] for pk in ledger_ids}
    rows = LedgerField.objects.visible_to(user).filter(ledger_id__in=ledger_ids).order_by("position", "id")
    for one in rows:
        fields[one.ledger_id].append(one)
    keeping: dict[int, list[int]] = {pk: [] for pk in ledger_ids}
    through = Ledger.keeping_units.through.objects.filter(ledger_id__in=ledger_ids)
    for ledger_id, unit_id in through.values_list("ledger_id", "unit_id"):
        keeping[ledger_id].append(unit_id)
    return fields, keeping


def record_items(*, user: Any, ids: list[int]) -> QuerySet[PlanItem]:
    """The plan items among ``ids`` that ``user`` sees (for a plan-item field)."""
    rows: QuerySet[PlanItem] = PlanItem.objects.visible_to(user).filter(pk__in=ids)
    return rows


def indicator_proposals(
    plan: Plan, *, user: Any, item_id: int | None = None, scanned: int | None = None
) -> list[Any]:
    """Proposed target → ledger links for ``plan`` (see ``ledgers.proposals``; only ``item_id``'s
    targets when given, only the first ``scanned`` targets when given), over the ledgers ``user``
    sees; empty unless ``user`` may define indicators for the plan's owner."""
    from workplan.ledgers.proposals import proposals_for
    from workplan.permissions import can

    if not can(user, Action.EDIT, plan):
        return []
    ledgers = list(Ledger.objects.visible_to(user).filter(is_active=True))
    labels: dict[int, list[str]] = {}
    for ledger_id, label in LedgerField.objects.filter(ledger__in=ledgers).values_list("ledger_id", "label"):
        labels.setdefault(ledger_id, []).append(label)
    return proposals_for(plan, ledgers=ledgers, labels=labels, item_id=item_id, scanned=scanned)
