"""The password rules: length, character classes, not the username, not a common password."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


@pytest.mark.parametrize(
    "password",
    ["Sh0rt-1", "alllowercaseletters", "ALLCAPS1234567", "12345678901234", "Password12", "Xplanner-2019x"],
    ids=["short", "one-class", "two-classes", "numeric", "common", "has-username"],
)
def test_weak_passwords_are_refused(personas, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=personas.planner)


@pytest.mark.parametrize("password", ["a-Long-Pass-2019", "统筹推进Work2019", "correct Horse battery 9"])
def test_strong_passwords_pass(personas, password):
    validate_password(password, user=personas.planner)
