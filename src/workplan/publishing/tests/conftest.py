"""A plan with one published part and one that is not, people with names, reports (one narrative
public, one not), evidence, a measured target; an unpublished plan and a withdrawn one."""

from __future__ import annotations

import pytest

from workplan.plans.models import Plan
from workplan.publishing.testing import PublicWorld, public_world


@pytest.fixture
def world(actor, org) -> PublicWorld:
    return public_world(actor, org)


@pytest.fixture
def demo(db) -> Plan:
    from workplan.demo import demo_setup

    report = demo_setup()
    assert report.plan is not None
    return report.plan


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with no built page kept (a rolled-back test can reuse audit ids on SQLite)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
