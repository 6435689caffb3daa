"""Tree paths match treebeard's; generic audited writes refuse stale and invalid changes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workplan.accounts.models import Unit
from workplan.core import clock
from workplan.core.errors import Conflict, Invalid
from workplan.core.models import AuditEntry
from workplan.core.services import instance_update
from workplan.core.tree import child_path, next_root_position, path_step, step_position


@given(st.integers(min_value=1, max_value=36**4 - 1))
def test_path_step_round_trip(position):
    step = path_step(position)
    assert len(step) == 4
    assert step_position(step) == position


def test_path_step_out_of_range():
    with pytest.raises(ValueError, match="out of range"):
        path_step(0)


def test_paths_agree_with_treebeard(org):
    children = list(org.root.get_children())
    for position, child in enumerate(children, start=1):
        assert child.path == child_path(org.root.path, position)
    assert next_root_position(Unit.get_last_root_node().path) == 2
    assert next_root_position(None) == 1


def test_stale_update_is_refused_and_the_current_state_shown(actor, org):
    unit = Unit.objects.get(pk=org.unit_b.pk)
    version = unit.version
    instance_update(
        actor=actor,
        instance=unit,
        changes={"name": "第一次"},
        action="unit.updated",
        expected_version=version,
    )
    stale = Unit.objects.get(pk=org.unit_b.pk)
    with pytest.raises(Conflict) as raised:
        instance_update(
            actor=actor,
            instance=stale,
            changes={"name": "第二次"},
            action="unit.updated",
            expected_version=version,
        )
    assert "changed by someone else" in raised.value.message
    assert raised.value.details["current"]["name"] == "第一次"
    assert Unit.objects.get(pk=org.unit_b.pk).name == "第一次"


def test_update_rejects_unknown_fields_and_invalid_values(actor, org):
    with pytest.raises(Invalid, match="unknown field"):
        instance_update(actor=actor, instance=org.unit_b, changes={"colour": "red"}, action="unit.updated")
    with pytest.raises(Invalid, match="name"):
        instance_update(actor=actor, instance=org.unit_b, changes={"name": "x" * 500}, action="unit.updated")


def test_no_change_writes_nothing(actor, org):
    before = AuditEntry.objects.count()
    instance_update(
        actor=actor, instance=org.unit_b, changes={"name": org.unit_b.name}, action="unit.updated"
    )
    assert AuditEntry.objects.count() == before


def test_frozen_clock_stamps_audit_rows(actor, org):
    import datetime as dt

    moment = dt.datetime(2019, 6, 30, 9, 0, tzinfo=dt.UTC)
    with clock.frozen(moment):
        instance_update(
            actor=actor, instance=org.unit_b, changes={"short_name": "财政"}, action="unit.updated"
        )
    assert AuditEntry.objects.latest("id").at == moment
    with pytest.raises(ValueError, match="aware"), clock.frozen(dt.datetime(2019, 1, 1)):  # noqa: DTZ001
        pass
