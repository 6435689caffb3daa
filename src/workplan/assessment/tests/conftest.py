import pytest

from workplan.assessment.testing import build_world


@pytest.fixture
def world(actor, org):
    return build_world(actor, org)
