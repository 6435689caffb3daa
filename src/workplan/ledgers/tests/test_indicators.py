"""Every kind of indicator equals the same figure computed by a plain SQL query over the
records (on SQLite and on PostgreSQL: the suite runs on both), by unit and by period; the
attainment roll-up agrees with a hand count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from workplan.core.testing import make_plan_with_task
from workplan.ledgers import attainment, compute, selectors, services
from workplan.ledgers.testing import fill_sites, make_site_ledger
from workplan.plans import services as plans

RECORDS = 120


@pytest.fixture
def sites(actor, org):
    ledger = make_site_ledger(actor, org.root, [org.unit_a, org.unit_b])
    fill_sites(actor, ledger, [org.unit_a, org.unit_a1, org.unit_b], RECORDS)
    return ledger


def _json(key: str, *, number: bool = False) -> str:
    if connection.vendor == "postgresql":
        text = f"(r.\"values\" ->> '{key}')"
        return f"CAST({text} AS double precision)" if number else text
    text = f"json_extract(r.\"values\", '$.{key}')"
    return f"CAST({text} AS REAL)" if number else text


def _true(key: str) -> str:
    return f"{_json(key)} = 'true'" if connection.vendor == "postgresql" else f"{_json(key)} = 1"


def _sql(select: str, where: str = "1=1", params: tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        sql = "SELECT " + select + " FROM ledgers_ledgerrecord r JOIN accounts_unit u ON u.id = r.unit_id"  # noqa: S608
        cursor.execute(sql + " WHERE r.ledger_id = %s AND " + where, params)
        return cursor.fetchall()


def _indicator(actor, org, ledger, code, **definition):
    return services.indicator_create(
        actor=actor, code=code, name=code, owner_unit=org.root, ledger=ledger, **definition
    )


CASES = {
    "count": ({"measure": "count"}, "COUNT(*)", "1=1"),
    "count-filtered": (
        {"measure": "count", "filters": [{"field": "religion", "op": "eq", "value": "佛教"}]},
        "COUNT(*)",
        "{religion} = '佛教'",
    ),
    "sum": ({"measure": "sum", "field_key": "area"}, "SUM({area_n})", "1=1"),
    "avg": ({"measure": "avg", "field_key": "staff"}, "AVG({staff_n})", "1=1"),
    "min": ({"measure": "min", "field_key": "area"}, "MIN({area_n})", "1=1"),
    "max-filtered": (
        {"measure": "max", "field_key": "staff", "filters": [{"field": "staff", "op": "lte", "value": 8}]},
        "MAX({staff_n})",
        "{staff_n} <= 8",
    ),
}


def _fill(template: str) -> str:
    return template.format(
        religion=_json("religion"), area_n=_json("area", number=True), staff_n=_json("staff", number=True)
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_measure_equals_plain_sql(actor, org, sites, case):
    definition, select, where = CASES[case]
    indicator = _indicator(actor, org, sites, case.replace("-", "_"), **definition)
    (expected,) = _sql(_fill(select), _fill(where), (sites.pk,))[0]
    assert compute.indicator_value(indicator) == pytest.approx(float(expected))


def test_a_ratio_equals_plain_sql_and_a_hand_count(actor, org, sites):
    indicator = _indicator(
        actor,
        org,
        sites,
        "civilised",
        measure="ratio",
        filters=[{"field": "civilised", "op": "not_empty"}],
        condition=[{"field": "civilised", "op": "eq", "value": True}],
    )
    met, total = _sql(
        f"SUM(CASE WHEN {_true('civilised')} THEN 1 ELSE 0 END), COUNT(*)",
        f"{_json('civilised')} IS NOT NULL",
        (sites.pk,),
    )[0]
    by_hand = [r.values["civilised"] for r in sites.records.all() if "civilised" in r.values]
    assert (met, total) == (sum(by_hand), len(by_hand))
    assert compute.indicator_value(indicator) == pytest.approx(100.0 * met / total)


def test_by_unit_and_by_period_equal_plain_sql(actor, org, sites):
    indicator = _indicator(
        actor, org, sites, "area_by", measure="sum", field_key="area", date_field="checked_on"
    )
    rows = _sql(f"r.unit_id, SUM({_json('area', number=True)})", "1=1 GROUP BY r.unit_id", (sites.pk,))
    assert dict(compute.indicator_by_unit(indicator)) == pytest.approx({u: float(v) for u, v in rows})
    ends = [dt.date(2019, 3, 31), dt.date(2019, 6, 30), dt.date(2019, 12, 31)]
    for end, value in compute.indicator_by_period(indicator, ends):
        (expected,) = _sql(
            f"SUM({_json('area', number=True)})", f"{_json('checked_on')} <= %s", (sites.pk, end.isoformat())
        )[0]
        assert value == pytest.approx(float(expected))
        assert compute.indicator_value(indicator, as_of=end) == pytest.approx(float(expected))
    a_only = compute.indicator_value(indicator, unit=org.unit_a)
    (expected,) = _sql(
        f"SUM({_json('area', number=True)})", "u.path LIKE %s", (sites.pk, org.unit_a.path + "%")
    )[0]
    assert a_only == pytest.approx(float(expected))


def test_a_ratio_over_no_records_is_no_data_not_zero(actor, org, sites):
    indicator = _indicator(
        actor,
        org,
        sites,
        "none",
        measure="ratio",
        filters=[{"field": "religion", "op": "eq", "value": "不存在"}],
        condition=[{"field": "civilised", "op": "eq", "value": True}],
    )
    assert compute.indicator_value(indicator) is None
    task = make_plan_with_task(actor, owner=org.root, assignee=org.unit_a)
    services.indicator_update(actor=actor, indicator=indicator, item=task, target_value=80, comparator=">")
    (row,) = selectors.indicator_attainments(task.plan)
    assert (row.value, row.status, row.attainment) == (None, attainment.NO_DATA, None)


def test_the_plan_roll_up_matches_a_hand_count(actor, org, personas, sites):
    task = make_plan_with_task(actor, owner=org.root, assignee=org.unit_a)
    target = plans.target_create(
        actor=actor, item=task, text="80%以上", kind="percent", comparator=">", value=80
    )
    services.indicator_create(
        actor=actor,
        code="civ",
        name="文明场所占比",
        owner_unit=org.root,
        ledger=sites,
        item=task,
        target=target,
        measure="ratio",
        measure_unit="%",
        condition=[{"field": "civilised", "op": "eq", "value": True}],
    )
    (row,) = selectors.indicator_attainments(task.plan)
    records = list(sites.records.all())
    met = sum(1 for r in records if r.values.get("civilised") is True)
    assert row.records == len(records)
    assert row.value == pytest.approx(100 * met / len(records))
    assert row.target == 80 and row.comparator == ">"
    assert row.attainment == pytest.approx(row.value / 80)
    assert row.status == (attainment.MET if row.value > 80 else attainment.BEHIND)
    by_unit = {f.unit_code: f.value for f in row.breakdown}
    for unit in (org.unit_a, org.unit_a1, org.unit_b):
        mine = [r for r in records if r.unit_id == unit.pk]
        assert by_unit[unit.code] == pytest.approx(
            100 * sum(r.values.get("civilised") is True for r in mine) / len(mine)
        )
    # Scoped: the outsider sees no indicator, the reporter of the assigned unit does.
    assert selectors.indicator_attainments(task.plan, user=personas.outsider) == []
    assert len(selectors.indicator_attainments(task.plan, user=personas.reporter_a)) == 1


@pytest.mark.parametrize(
    ("value", "goal", "elapsed", "want"),
    [
        (81.8, attainment.Goal(80, comparator=">"), 1.0, "met"),
        (80.0, attainment.Goal(80, comparator=">"), 1.0, "behind"),
        (45.0, attainment.Goal(80, comparator=">="), 0.5, "on_track"),
        (1.0, attainment.Goal(1, 2, comparator="between"), 1.0, "met"),
        (0.0, attainment.Goal(1, 2, comparator="between"), 0.2, "behind"),
        (3.0, attainment.Goal(5, lower_is_better=True), 1.0, "met"),
        (None, attainment.Goal(5), 1.0, "no_data"),
        (4.0, attainment.Goal(None), 1.0, "no_target"),
    ],
)
def test_the_attainment_rule(value, goal, elapsed, want):
    assert attainment.status(value, goal, elapsed=elapsed) == want


@pytest.mark.parametrize(
    "definition",
    [
        {"measure": "sum", "field_key": "name"},
        {"measure": "avg"},
        {"measure": "ratio"},
        {"measure": "count", "filters": [{"field": "nope", "op": "eq", "value": 1}]},
        {"measure": "count", "filters": [{"field": "area", "op": "drop table", "value": 1}]},
        {"measure": "count", "filters": "religion=佛教"},
        {"measure": "count", "date_field": "name"},
        {"measure": "count", "target_value": float("inf")},
        {"measure": "weird"},
    ],
    ids=[
        "sum-of-text",
        "avg-no-field",
        "ratio-no-condition",
        "unknown-field",
        "bad-op",
        "not-a-list",
        "bad-date",
        "inf-target",
        "bad-measure",
    ],
)
def test_bad_indicator_definitions_are_refused(actor, org, sites, definition):
    from workplan.core.errors import Invalid

    with pytest.raises(Invalid):
        _indicator(actor, org, sites, "bad", **definition)
