"""Ledger definitions and records: typed fields, validation, renames and retirements that
keep values, and the unit scoping of records."""

from __future__ import annotations

import pytest

from workplan.core import audit
from workplan.core.errors import Forbidden, Invalid
from workplan.ledgers import selectors, services
from workplan.ledgers.models import LedgerRecord
from workplan.ledgers.testing import make_site_ledger


@pytest.fixture
def ledger(actor, org):
    return make_site_ledger(actor, org.root, [org.unit_a, org.unit_b])


def test_a_record_is_validated_against_its_fields(actor, org, ledger):
    record = services.record_create(
        actor=actor,
        ledger=ledger,
        unit=org.unit_a,
        values={
            "name": " 城关寺 ",
            "civilised": "是",
            "area": "1,200.5",
            "staff": 3,
            "checked_on": "2019-03-01",
        },
    )
    assert record.values == {
        "name": "城关寺",
        "civilised": True,
        "area": 1200.5,
        "staff": 3,
        "checked_on": "2019-03-01",
    }
    assert audit.history(record).get().action == "record.created"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "x", "staff": 1.5}, "staff"),
        ({"name": "x", "staff": "many"}, "staff"),
        ({"name": "x", "checked_on": "2019-02-30"}, "checked_on"),
        ({"name": "x", "checked_on": "yesterday"}, "checked_on"),
        ({"name": "x", "religion": "萨满"}, "religion"),
        ({"name": "x", "civilised": "maybe"}, "civilised"),
        ({"name": "x", "area": float("nan")}, "area"),
        ({"name": "x", "area": 1e300}, "area"),
        ({"name": "x", "area": True}, "area"),
        ({"name": "x\x00"}, "name"),
        ({"name": "x" * 501}, "name"),
        ({"name": "x", "nonsense": 1}, "nonsense"),
        ({}, "name"),
    ],
    ids=[
        "fraction",
        "word",
        "no-such-day",
        "not-a-date",
        "not-a-choice",
        "not-yes-no",
        "nan",
        "huge",
        "bool-number",
        "nul",
        "long",
        "unknown-field",
        "required",
    ],
)
def test_bad_values_are_refused_by_field_and_nothing_is_written(actor, org, ledger, values, field):
    with pytest.raises(Invalid) as refused:
        services.record_create(actor=actor, ledger=ledger, unit=org.unit_a, values=values)
    assert field in refused.value.details
    assert not LedgerRecord.objects.exists()


def test_fields_are_renamed_and_retired_without_losing_values(actor, org, ledger):
    record = services.record_create(
        actor=actor, ledger=ledger, unit=org.unit_a, values={"name": "寺", "staff": 4}
    )
    staff = ledger.fields.get(key="staff")
    services.field_update(actor=actor, field=staff, label="教职人员数")
    services.field_update(actor=actor, field=staff, retired=True)
    # Editing the record without the retired field keeps its value.
    record = services.record_update(actor=actor, record=record, values={"name": "新寺"})
    assert record.values == {"name": "新寺", "staff": 4}
    with pytest.raises(Invalid):  # a retired field takes no new values
        services.record_update(actor=actor, record=record, values={"name": "寺", "staff": 5})
    services.field_update(actor=actor, field=staff, retired=False)
    assert [f.label for f in selectors.ledger_fields(ledger) if f.key == "staff"] == ["教职人员数"]
    services.field_add(actor=actor, ledger=ledger, label="新字段", kind="text")
    record.refresh_from_db()
    assert record.values["staff"] == 4


def test_changes_that_would_orphan_values_are_refused(actor, org, ledger):
    services.record_create(
        actor=actor, ledger=ledger, unit=org.unit_a, values={"name": "寺", "religion": "佛教"}
    )
    religion = ledger.fields.get(key="religion")
    with pytest.raises(Invalid):
        services.field_update(actor=actor, field=religion, kind="text")
    with pytest.raises(Invalid):
        services.field_update(actor=actor, field=religion, choices=["道教"])
    with pytest.raises(Invalid):
        services.field_delete(actor=actor, field=religion)
    services.field_update(actor=actor, field=religion, choices=["佛教", "道教", "新教"])
    unused = ledger.fields.get(key="notes")
    services.field_update(actor=actor, field=unused, kind="text")
    services.field_delete(actor=actor, field=unused)
    with pytest.raises(Invalid):
        services.ledger_delete(actor=actor, ledger=ledger)


def test_a_unit_sees_and_edits_its_own_and_sub_units_records(actor, org, personas, ledger):
    own = services.record_create(
        actor=personas.reporter_a, ledger=ledger, unit=org.unit_a1, values={"name": "a1"}
    )
    other = services.record_create(
        actor=personas.reporter_b, ledger=ledger, unit=org.unit_b, values={"name": "b"}
    )
    assert set(selectors.record_rows(user=personas.reporter_a, ledger=ledger)) == {own}
    assert set(selectors.record_rows(user=personas.planner, ledger=ledger)) == {own, other}
    assert set(selectors.record_rows(user=personas.leader, ledger=ledger)) == {own, other}
    with pytest.raises(Forbidden):
        services.record_update(actor=personas.reporter_a, record=other, values={"name": "x"})
    with pytest.raises(Forbidden):
        services.record_create(
            actor=personas.reporter_a, ledger=ledger, unit=org.unit_b, values={"name": "x"}
        )
    with pytest.raises(Forbidden):  # the leader reads but does not write
        services.record_create(actor=personas.leader, ledger=ledger, unit=org.unit_a, values={"name": "x"})
    with pytest.raises(Forbidden):  # a unit that does not keep the ledger
        services.record_create(actor=actor, ledger=ledger, unit=org.root, values={"name": "x"})
    with pytest.raises(Forbidden):
        services.field_add(actor=personas.reporter_a, ledger=ledger, label="x", kind="text")
    assert selectors.ledger_list(user=personas.outsider).count() == 0
    assert selectors.ledger_list(user=personas.reporter_a).get().record_count == 2


@pytest.mark.parametrize(
    "kwargs",
    [
        {"label": "", "kind": "text"},
        {"label": "x", "kind": "blob"},
        {"label": "x", "kind": "choice", "choices": []},
        {"label": "x", "kind": "text", "key": "Bad Key"},
        {"label": "x", "kind": "text", "key": "name"},
        {"label": "x\x00", "kind": "text"},
    ],
    ids=["no-label", "bad-kind", "no-choices", "bad-key", "taken-key", "nul"],
)
def test_bad_field_definitions_are_refused(actor, ledger, kwargs):
    count = ledger.fields.count()
    with pytest.raises(Invalid):
        services.field_add(actor=actor, ledger=ledger, **kwargs)
    assert ledger.fields.count() == count
