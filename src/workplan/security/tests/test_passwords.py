"""The password rules: length, character classes, not the username, not a common password."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from workplan.core.models import AuditEntry


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


def test_a_user_changes_their_password_under_the_rules(client, personas):
    personas.planner.set_password("a-Long-Pass-2019")
    personas.planner.save(update_fields=["password"])
    client.force_login(personas.planner)
    url = reverse("security:password_change")
    assert reverse("security:password_change") in client.get(reverse("web:plan_list")).content.decode()
    weak = client.post(
        url, {"old_password": "a-Long-Pass-2019", "new_password1": "planner1", "new_password2": "planner1"}
    )
    assert weak.status_code == 400 and "must" in weak.content.decode()
    good = "Another-Pass-2020"
    done = client.post(
        url, {"old_password": "a-Long-Pass-2019", "new_password1": good, "new_password2": good}
    )
    assert done.status_code == 302
    personas.planner.refresh_from_db()
    assert personas.planner.check_password(good)
    assert AuditEntry.objects.filter(action="auth.password_changed", actor=personas.planner).exists()
