"""The seed demo (organisation, users, the seed plan with half a year of reports)."""

from __future__ import annotations

import pytest

from workplan.accounts.models import User
from workplan.demo import demo_setup
from workplan.plans.models import Plan


@pytest.fixture
def demo(db) -> Plan:
    report = demo_setup()
    assert report.plan is not None
    return report.plan


@pytest.fixture
def planner(demo) -> User:
    return User.objects.get(username="planner")


@pytest.fixture
def reporter(demo) -> User:
    return User.objects.get(username="reporter-party")
