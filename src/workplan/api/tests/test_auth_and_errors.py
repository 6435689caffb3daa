"""Tokens and sessions, CSRF, rate limits, the one error shape, the docs without a CDN."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client

from workplan.api import services
from workplan.api.models import ApiToken, RateCounter
from workplan.api.testing import TokenClient, client_for, token_for
from workplan.core import clock
from workplan.core.models import AuditEntry
from workplan.core.testing import make_plan_with_task
from workplan.progress.testing import moment


def _error(response, status, code):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code, body
    assert "Traceback" not in response.content.decode()
    return body["error"]


# --- authentication ---------------------------------------------------------------------------


def test_no_token_is_401_with_a_challenge(db):
    response = Client().get("/api/v1/plans")
    _error(response, 401, "unauthenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header", ["Bearer nonsense", "Bearer wp_abcdefgh.wrong", "Bearer wp_\x00\x00.x", "Basic abc"]
)
def test_bad_tokens_are_401(personas, header):
    token_for(personas.planner)
    _error(Client().get("/api/v1/me", HTTP_AUTHORIZATION=header), 401, "unauthenticated")


def test_revoked_expired_and_deactivated_tokens_stop_working(actor, personas):
    secret = token_for(personas.reporter_a)
    client = TokenClient(secret)
    assert client.get("/api/v1/me").status_code == 200
    token = ApiToken.objects.get(user=personas.reporter_a)
    assert token.last_used_at is not None
    services.token_revoke(actor=personas.reporter_a, token=token)
    _error(client.get("/api/v1/me"), 401, "unauthenticated")

    short, short_secret = services.token_create(actor=actor, user=personas.planner, expires_days=1)
    assert TokenClient(short_secret).get("/api/v1/me").status_code == 200
    with clock.frozen(short.expires_at + dt.timedelta(seconds=1)):
        _error(TokenClient(short_secret).get("/api/v1/me"), 401, "unauthenticated")

    leader_secret = token_for(personas.leader)
    personas.leader.is_active = False
    personas.leader.save(update_fields=["is_active"])
    _error(TokenClient(leader_secret).get("/api/v1/me"), 401, "unauthenticated")


def test_only_the_hash_is_stored_and_lists_never_show_secrets(personas):
    secret = token_for(personas.planner)
    token = ApiToken.objects.get(user=personas.planner)
    assert token.token_hash == ApiToken.hash_of(secret) and secret.split(".")[1] not in token.token_hash
    listing = TokenClient(secret).get("/api/v1/tokens").content.decode()
    assert token.prefix in listing and secret not in listing


def test_users_revoke_only_their_own_tokens(personas):
    theirs = token_for(personas.reporter_b)
    other = ApiToken.objects.get(user=personas.reporter_b)
    _error(client_for(personas.reporter_a).post(f"/api/v1/tokens/{other.pk}/revoke"), 404, "not_found")
    assert TokenClient(theirs).get("/api/v1/me").status_code == 200


def test_session_requests_need_csrf_and_token_requests_do_not(personas):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.planner)
    assert browser.get("/api/v1/me").json()["username"] == "planner"
    _error(browser.post("/api/v1/tokens", data="{}", content_type="application/json"), 403, "csrf_failed")
    browser.get("/api/v1/me")  # no csrftoken cookie yet: get one from a page
    browser.get("/login/")
    csrf = browser.cookies["csrftoken"].value
    created = browser.post(
        "/api/v1/tokens", data="{}", content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert created.status_code == 201, created.content

    secret = created.json()["secret"]
    scripted = TokenClient(secret, enforce_csrf_checks=True)
    assert scripted.post("/api/v1/tokens", data="{}", content_type="application/json").status_code == 201


# --- rate limits -----------------------------------------------------------------------------------


def test_each_token_has_its_own_rate_limit(personas, settings):
    settings.WORKPLAN_API_RATE_LIMIT = 3
    settings.WORKPLAN_API_RATE_WINDOW_SECONDS = 60
    first, second = client_for(personas.planner), client_for(personas.leader)
    with clock.frozen(moment(2019, 3, 1, 9)):
        assert [first.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]
        refused = first.get("/api/v1/me")
        error = _error(refused, 429, "rate_limited")
        assert int(refused["Retry-After"]) >= 1 and error["details"]["limit"] == 3
        assert second.get("/api/v1/me").status_code == 200
    with clock.frozen(moment(2019, 3, 1, 9) + dt.timedelta(minutes=1)):
        assert first.get("/api/v1/me").status_code == 200
    # The counters of past windows are cleared when a caller's next window opens.
    assert RateCounter.objects.filter(scope__startswith="token:").count() == 2


# --- the one error shape ----------------------------------------------------------------------------


def test_unknown_urls_and_methods_answer_json(personas):
    client = client_for(personas.admin)
    _error(client.get("/api/v1/nothing/here"), 404, "not_found")
    _error(client.post("/api/v1/nothing", data="{}", content_type="application/json"), 404, "not_found")
    _error(client.get("/api/v2/plans"), 404, "not_found")
    refused = client.delete("/api/v1/me")
    _error(refused, 405, "method_not_allowed")
    assert refused["Allow"] == "GET"


def test_bad_input_invalid_input_and_conflicts(actor, org, personas):
    client = client_for(personas.admin)
    _error(
        client.post("/api/v1/plans", data="{not json", content_type="application/json"), 400, "bad_request"
    )
    error = _error(
        client.post("/api/v1/plans", data="{}", content_type="application/json"), 422, "validation_error"
    )
    assert {"loc": ["body", "payload", "title"], "msg": "Field required", "type": "missing"} in error[
        "details"
    ]
    task = make_plan_with_task(actor, owner=org.unit_a, assignee=org.unit_a)
    invalid = client.patch(
        f"/api/v1/items/{task.pk}",
        data=json.dumps({"version": task.version, "start_date": "2019-09-01", "due_date": "2019-06-30"}),
        content_type="application/json",
    )
    assert _error(invalid, 422, "invalid")["details"] == {"start_date": ["after due date"]}
    plan = task.plan
    renamed = client.patch(
        f"/api/v1/plans/{plan.pk}",
        data=json.dumps({"version": plan.version, "title": "新"}),
        content_type="application/json",
    )
    assert renamed.status_code == 200 and renamed.json()["version"] == plan.version + 1
    stale = client.patch(
        f"/api/v1/plans/{plan.pk}",
        data=json.dumps({"version": plan.version, "title": "旧"}),
        content_type="application/json",
    )
    assert _error(stale, 409, "conflict")["details"]["current"]["title"] == "新"


def test_forbidden_and_not_found(actor, org, personas):
    task = make_plan_with_task(actor, owner=org.unit_a, assignee=org.unit_a)
    reporter = client_for(personas.reporter_a)
    body = json.dumps({"version": task.plan.version, "title": "x"})
    _error(
        reporter.patch(f"/api/v1/plans/{task.plan_id}", data=body, content_type="application/json"),
        403,
        "forbidden",
    )
    _error(client_for(personas.reporter_b).get(f"/api/v1/plans/{task.plan_id}"), 404, "not_found")


def test_too_large_requests_are_413(org, personas, settings):
    client = client_for(personas.admin)
    settings.WORKPLAN_MAX_UPLOAD_BYTES = 2048
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    _error(
        client.post(
            "/api/v1/tokens", data=json.dumps({"name": "x" * 200_000}), content_type="application/json"
        ),
        413,
        "too_large",
    )
    _error(
        client.post("/api/v1/tokens", data=json.dumps({"name": "x" * 1500}), content_type="application/json"),
        413,
        "too_large",
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("big.txt", b"x" * 4096)
    _error(
        client.post("/api/v1/imports", data={"owner_unit_id": org.unit_a.pk, "file": upload}),
        413,
        "too_large",
    )


def test_an_unexpected_failure_is_a_json_500_without_a_traceback(personas, monkeypatch):
    from workplan.api.endpoints import account

    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(account, "memberships_of", broken)
    response = client_for(personas.admin).get("/api/v1/me")
    error = _error(response, 500, "server_error")
    assert "secret internals" not in response.content.decode() and "RuntimeError" not in error["message"]


# --- audit, docs ------------------------------------------------------------------------------------


def test_writes_through_the_api_are_audited_as_api(personas, org):
    client = client_for(personas.admin)
    created = client.post(
        "/api/v1/plans",
        data=json.dumps({"title": "API 计划", "year": 2019, "owner_unit_id": org.unit_a.pk}),
        content_type="application/json",
    )
    assert created.status_code == 201
    entry = AuditEntry.objects.get(action="plan.created", target_id=str(created.json()["id"]))
    assert (entry.interface, entry.actor_id) == ("api", personas.admin.pk)


def test_the_audit_log_is_scoped(actor, org, personas):
    own = make_plan_with_task(actor, owner=org.unit_a, assignee=org.unit_a, title="A 的计划")
    make_plan_with_task(actor, owner=org.unit_b, assignee=org.unit_b, title="B 的计划")
    seen = client_for(personas.reporter_a).get("/api/v1/audit?limit=200").json()["items"]
    targets = {entry["target"] for entry in seen}
    assert any("完善工作机制" in t for t in targets) and "A 的计划" in targets
    assert "B 的计划" not in targets
    assert all(entry["target_type"] != "accounts.user" for entry in seen)
    everything = (
        client_for(personas.admin).get("/api/v1/audit?limit=200&target_type=plans.plan").json()["items"]
    )
    assert {"A 的计划", "B 的计划"} <= {entry["target"] for entry in everything}
    assert own.plan_id


@pytest.mark.parametrize(
    "moment",
    ["0422-11-07T07:24:47.4-19:03", "2019-06-30T12:00:00+23:59", "0001-01-01T00:00:00+05:00"],
)
def test_a_far_offset_or_year_in_a_moment_is_no_500(personas, moment):
    """Found by schemathesis on PostgreSQL: an offset beyond ±15:59 reached the database."""
    answer = client_for(personas.admin).get("/api/v1/audit", {"until": moment})
    assert answer.status_code in (200, 400, 422), answer.content


def test_docs_and_schema_are_served_without_any_external_url(db, client):
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert not re.search(r"(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html), (
        "the docs page names an external host"
    )
    for asset in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert asset.startswith("/static/"), asset
        assert client.get(asset).status_code == 200, asset
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")
    assert not re.search(r"https?://", schema.content.decode())
    assert '"validatorUrl": null' in html  # swagger-ui would otherwise call its online validator


def test_the_served_schema_is_valid_openapi_3_with_no_duplicated_key(db, client):
    """Swagger UI refused the schema ("duplicated mapping key": response 200 twice)."""
    import json

    from openapi_spec_validator import validate

    text = client.get("/api/v1/openapi.json").content.decode()

    def no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), f"duplicated keys: {sorted(k for k in keys if keys.count(k) > 1)}"
        return dict(pairs)

    schema = json.loads(text, object_pairs_hook=no_duplicates)
    validate(schema)


def test_no_two_schemas_share_a_name():
    """The OpenAPI components are named by class: a second ``AnswerIn`` silently replaced the
    first in the schema (the notice answer showed the objection answer's 5000-character bound)."""
    from collections import Counter

    from workplan.api.router import api
    from workplan.api.schemas import Input, Out

    api.get_openapi_schema()  # imports every endpoint module

    def family(base: type) -> list[type]:
        found = []
        for sub in base.__subclasses__():
            found += [sub, *family(sub)]
        return found

    names = Counter(
        cls.__name__ for cls in {*family(Input), *family(Out)} if cls.__module__.startswith("workplan.")
    )
    assert [name for name, count in names.items() if count > 1] == []
