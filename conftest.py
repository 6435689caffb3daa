"""Fixtures shared by every test suite: the system actor, an organisation, personas."""

from __future__ import annotations

import pytest

from workplan.accounts.services import system_actor
from workplan.core.testing import Organisation, Personas, make_organisation, make_personas


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
def english_by_default(settings):
    """Tests read English unless they choose a language (the site's default is Chinese)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
