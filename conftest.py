"""Fixtures shared by every test suite: the system actor, an organisation, personas."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test import TransactionTestCase

from workplan.accounts.services import system_actor
from workplan.core import appendonly
from workplan.core.testing import Organisation, Personas, make_organisation, make_personas

_teardown = TransactionTestCase._fixture_teardown


def _teardown_with_audit_maintenance(self):  # type: ignore[no-untyped-def]
    # The audit log is append-only in the database (core migration 0003); the test runner's
    # flush after a transactional test is the one sanctioned bypass (a `flush` command is not).
    with appendonly.maintenance(connections["default"]):
        return _teardown(self)


TransactionTestCase._fixture_teardown = _teardown_with_audit_maintenance  # type: ignore[method-assign]


@pytest.fixture
def actor(db):
    return system_actor()


@pytest.fixture
def org(actor) -> Organisation:
    return make_organisation(actor)


@pytest.fixture
def personas(actor, org) -> Personas:
    return make_personas(actor, org)


@pytest.fixture(autouse=True)
def two_factor_optional(settings):
    """Two-factor sign-in is required for administrators and planners on a real site; the tests
    that are not about it sign in with the password alone (security/tests turn it back on)."""
    settings.WORKPLAN_2FA_REQUIRED_ROLES = []


@pytest.fixture(autouse=True)
def english_by_default(settings):
    """Tests read English unless they choose a language (the site's default is Chinese)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
