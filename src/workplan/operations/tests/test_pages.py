"""The operations pages and API: welcome, the one-time password flow, the organisation workbook."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from workplan.accounts.models import Unit, User
from workplan.api.testing import client_for
from workplan.operations import services
from workplan.operations.models import OneTimePassword
from workplan.operations.testing import org_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNIT = ["S1", "办公室", "办", "ROOT", "", "", ""]
PERSON = ["zhang", "张三", "S1", "reporter", "", "", ""]


def upload(data: bytes, name: str = "org.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


def test_a_fresh_site_sends_the_admin_to_the_welcome_page(client, personas):
    client.force_login(personas.admin)
    assert client.get("/").url == reverse("operations:welcome")
    page = client.get(reverse("operations:welcome")).content.decode()
    assert "Download the template" in page and reverse("operations:organisation") in page
    client.force_login(personas.reporter_a)
    assert client.get("/").url == reverse("web:plan_list")
    assert "still setting up" in client.get(reverse("operations:welcome")).content.decode()


def test_a_one_time_password_must_be_changed_before_anything_else(client, actor, personas):
    password = services.user_password_reset(actor=personas.admin, user=personas.reporter_a)
    # Through the sign-in page (django-axes needs the request that client.login() does not pass).
    signed_in = client.post(reverse("web:login"), {"username": "reporter-a", "password": password})
    assert signed_in.status_code == 302
    change = reverse("operations:password_change")
    assert client.get(reverse("web:plan_list")).url == change
    api = client.get("/api/v1/plans")
    assert api.status_code == 403 and api.json()["error"]["code"] == "password_change_required"
    weak = client.post(
        change, {"current_password": password, "new_password": "123", "repeat_password": "123"}
    )
    assert weak.status_code == 200 and "too short" in weak.content.decode()
    wrong = client.post(
        change,
        {"current_password": "nope", "new_password": "Tea-kettle-47", "repeat_password": "Tea-kettle-47"},
    )
    assert "not right" in wrong.content.decode()
    done = client.post(
        change,
        {"current_password": password, "new_password": "Tea-kettle-47", "repeat_password": "Tea-kettle-47"},
    )
    assert done.status_code == 302 and not OneTimePassword.objects.filter(user=personas.reporter_a).exists()
    assert client.get(reverse("web:plan_list")).status_code == 200  # still signed in
    assert User.objects.get(pk=personas.reporter_a.pk).check_password("Tea-kettle-47")


def test_only_admins_reset_passwords(personas):
    from workplan.core.errors import Forbidden

    with pytest.raises(Forbidden):
        services.user_password_reset(actor=personas.planner, user=personas.reporter_a)


def test_the_organisation_page_checks_then_applies(client, personas):
    client.force_login(personas.admin)
    url = reverse("operations:organisation")
    bad = client.post(url, {"workbook": upload(org_workbook([[*UNIT[:3], "NOPE", "", "", ""]], []))})
    assert "parent code NOPE" in bad.content.decode() and 'name="staged"' not in bad.content.decode()
    junk = client.post(url, {"workbook": upload(b"junk")})
    assert "not an .xlsx" in junk.content.decode()
    dry = client.post(url, {"workbook": upload(org_workbook([UNIT], [PERSON]))})
    assert dry.status_code == 200 and not Unit.objects.filter(code="S1").exists()
    staged = dry.context["staged"]
    applied = client.post(url, {"staged": staged})
    page = applied.content.decode()
    assert Unit.objects.filter(code="S1").exists() and "One-time passwords" in page
    password = applied.context["preview"].passwords["zhang"]
    assert password in page and User.objects.get(username="zhang").check_password(password)
    assert "expired" in client.post(url, {"staged": staged}, follow=True).content.decode()
    assert client.post(url, {"staged": "../../etc/passwd"}).status_code == 302
    for name in ("organisation_export", "organisation_template"):
        response = client.get(reverse(f"operations:{name}"), {"lang": "en"})
        assert response["Content-Type"] == XLSX and response.content[:2] == b"PK"


def test_the_organisation_pages_are_not_found_for_others(client, personas):
    client.force_login(personas.planner)
    for name in ("organisation", "organisation_export", "organisation_template"):
        assert client.get(reverse(f"operations:{name}")).status_code == 404


def test_the_organisation_api(personas):
    api = client_for(personas.admin)
    exported = api.get("/api/v1/organisation?language=en")
    assert exported.status_code == 200 and exported["Content-Type"] == XLSX
    assert api.get("/api/v1/organisation/template").status_code == 200
    data = org_workbook([UNIT], [PERSON])
    dry = api.post("/api/v1/organisation", {"file": upload(data)})
    assert dry.status_code == 200 and dry.json()["ok"] and not dry.json()["applied"]
    done = api.post("/api/v1/organisation", {"file": upload(data), "apply": "true"})
    assert done.json()["applied"] and set(done.json()["passwords"]) == {"zhang"}
    bad = api.post(
        "/api/v1/organisation",
        {"file": upload(org_workbook([["S9", "", "", "", "", "", ""]], [])), "apply": "true"},
    )
    assert bad.status_code == 422 and bad.json()["error"]["details"]["problems"][0]["row"] == 2
    assert api.post("/api/v1/organisation", {}).status_code == 422
    assert api.post("/api/v1/organisation", {"file": upload(b"junk")}).status_code == 422
    other = client_for(personas.reporter_a)
    assert other.get("/api/v1/organisation").status_code == 404
    assert other.post("/api/v1/organisation", {"file": upload(data)}).status_code == 404
