"""A reporter of unit A reaches nothing of unit B, through EVERY operation of the API.

The operations come from the API's own OpenAPI schema, not from a list in this file. Each
is called as A's reporter with its path parameters — and the id fields of its body and
query — filled with the ids of B's objects. An operation that names one of B's objects
must answer 403 or 404; one that names none (lists, the caller's own account) may answer
2xx, but nothing of B's may appear in it (B's objects all carry the marker ``SECRET-B``).
No call may change B's objects. A new operation with a path parameter or an id field this
file cannot fill makes the test fail until a filler is added below.

A control run calls every GET operation as an administrator with the same ids and expects
200, which shows the fillers point at objects that exist.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from workplan.accounts.models import Role, Unit
from workplan.api.models import ApiToken
from workplan.api.router import api
from workplan.api.testing import client_for, token_for
from workplan.core import clock
from workplan.core.testing import assignment_of, make_plan_with_task, make_user
from workplan.plans import drafts
from workplan.plans import services as plans
from workplan.plans.models import ImportDraft, Plan, PlanItem
from workplan.progress import services as progress
from workplan.progress.models import (
    Evidence,
    ExtensionRequest,
    Notification,
    Occurrence,
    Period,
    ProgressReport,
    SupervisionNotice,
    Track,
)

MARKER = "SECRET-B"
DRAFT_TEXT = "2019年要点\n一、SECRET-B 组织领导\n（一）完善机制。6月底前完成。（县财政局负责）\n".encode()
# Readable by everyone signed in (permissions.unit_rule): the organisation's tree is not secret.
PUBLIC_TO_SIGNED_IN = {"GET /api/v1/units/{unit_id}"}

SCHEMA = api.get_openapi_schema()
OPERATIONS = [
    (method.upper(), path, operation)
    for path, methods in SCHEMA["paths"].items()
    for method, operation in methods.items()
]


def _label(method: str, path: str) -> str:
    return f"{method} {path}"


@dataclass
class WorldB:
    ids: dict[str, int]
    fingerprint: Any


def _task_state(task_id: int) -> Any:
    from workplan.tasks.models import Task

    return list(Task.objects.filter(pk=task_id).values_list("state", "attempts"))


def _fingerprint(world_ids: dict[str, int]) -> Any:
    """What must not change when A's reporter calls anything with B's ids."""
    return (
        list(Plan.objects.filter(pk=world_ids["plan_id"]).values_list("title", "status", "version")),
        list(
            PlanItem.objects.filter(plan_id=world_ids["plan_id"])
            .order_by("path")
            .values_list("id", "title", "version")
        ),
        list(
            ProgressReport.objects.filter(pk=world_ids["report_id"]).values_list(
                "narrative", "status", "version"
            )
        ),
        list(Track.objects.filter(pk=world_ids["track_id"]).values_list("state", "version")),
        Evidence.objects.filter(pk=world_ids["evidence_id"]).count(),
        _public_evidence_count(),
        _task_state(world_ids["task_id"]),
        list(ApiToken.objects.filter(pk=world_ids["token_id"]).values_list("revoked_at")),
        list(Notification.objects.filter(pk=world_ids["notification_id"]).values_list("read_at")),
        list(ImportDraft.objects.filter(pk=world_ids["draft_id"]).values_list("status", "version")),
        list(Unit.objects.filter(pk=world_ids["unit_id"]).values_list("name", "version")),
        list(SupervisionNotice.objects.filter(pk=world_ids["notice_id"]).values_list("state", "version")),
        list(ExtensionRequest.objects.filter(pk=world_ids["extension_id"]).values_list("state", "version")),
        list(Occurrence.objects.filter(pk=world_ids["occurrence_id"]).values_list("met_by_id", "version")),
        SupervisionNotice.objects.count(),
        ExtensionRequest.objects.count(),
        Plan.objects.count(),
        PlanItem.objects.count(),
        _ledger_fingerprint(world_ids),
        _robot_fingerprint(world_ids),
    )


def _public_evidence_count() -> int:
    from workplan.publishing.models import PublicEvidence

    return PublicEvidence.objects.count()


def _robot_fingerprint(world_ids: dict[str, int]) -> Any:
    from workplan.channels.models import Delivery, WebhookEndpoint

    robot = WebhookEndpoint.objects.filter(pk=world_ids["endpoint_id"])
    return (list(robot.values_list("name", "active", "url_hint", "kinds")), Delivery.objects.count())


def _ledger_world_b(actor, org, task) -> dict[str, int]:
    """Unit B's ledger (owned and kept by B), its field, a record and an indicator."""
    from workplan.ledgers import services as ledgers

    ledger = ledgers.ledger_create(
        actor=actor, code="LB", name=f"{MARKER} ledger", owner_unit=org.unit_b, keeping_units=[org.unit_b]
    )
    field = ledgers.field_add(actor=actor, ledger=ledger, label=f"{MARKER} field", kind="text", key="name")
    record = ledgers.record_create(
        actor=actor, ledger=ledger, unit=org.unit_b, values={"name": f"{MARKER} record"}
    )
    indicator = ledgers.indicator_create(
        actor=actor, code="IB", name=f"{MARKER} indicator", owner_unit=org.unit_b, ledger=ledger, item=task
    )
    return {
        "ledger_id": ledger.pk,
        "field_id": field.pk,
        "record_id": record.pk,
        "indicator_id": indicator.pk,
    }


def _ledger_fingerprint(world_ids: dict[str, int]) -> Any:
    from workplan.ledgers.models import Indicator, Ledger, LedgerField, LedgerRecord

    return (
        list(Ledger.objects.filter(pk=world_ids["ledger_id"]).values_list("name", "version")),
        list(LedgerField.objects.filter(pk=world_ids["field_id"]).values_list("label", "version")),
        list(LedgerRecord.objects.filter(pk=world_ids["record_id"]).values_list("values", "version")),
        list(Indicator.objects.filter(pk=world_ids["indicator_id"]).values_list("name", "version")),
        Ledger.objects.count(),
        LedgerRecord.objects.count(),
        Indicator.objects.count(),
    )


@pytest.fixture
def world_b(actor, org, personas) -> WorldB:
    """Unit B's plan, task, assignment, track, period, report, evidence, remarks, draft, token."""
    task = make_plan_with_task(actor, owner=org.unit_b, assignee=org.unit_b, title=f"{MARKER} plan")
    plans.item_update(actor=actor, item=task, title=f"{MARKER} task")
    progress.plan_dispatch(actor=actor, plan=task.plan)
    track = Track.objects.get(item=task)
    period = Period.objects.get(plan=task.plan, index=1)
    report = progress.report_save(
        actor=actor, track=track, period=period, narrative=f"{MARKER} report", percent=10
    )
    evidence = progress.evidence_add(
        actor=actor, report=report, filename="secret-b.txt", data=f"{MARKER}".encode()
    )
    comment = progress.comment_create(actor=actor, item=task, text=f"{MARKER} comment")
    from workplan.reports import services as reports

    document = reports.document_request(actor=personas.admin, plan=task.plan, kind="summary", fmt="html")
    reports.document_make(document_id=document.pk)  # stored: the admin who asked downloads it
    progress.instruction_create(actor=actor, item=task, text=f"{MARKER} instruction")
    planner_b = make_user(actor, "planner-b", role=Role.PLANNER, unit=org.unit_b)
    draft = drafts.draft_create(
        actor=planner_b, data=DRAFT_TEXT, filename="secret-b.txt", owner_unit=org.unit_b
    )
    token_for(personas.reporter_b, name=f"{MARKER} token")
    from workplan.tasks.models import Task, TaskState
    from workplan.tasks.queue import enqueue

    with transaction.atomic():
        task_b = enqueue("progress.tick", {}, created_by=personas.reporter_b)
    Task.objects.filter(pk=task_b.pk).update(state=TaskState.FAILED)
    notice = progress.notice_issue(
        actor=actor, track=track, reason=f"{MARKER} notice", reply_due=clock.today() + dt.timedelta(days=7)
    )
    extension = progress.extension_request(
        actor=actor, track=track, reason=f"{MARKER} extension", requested_due=dt.date(2020, 6, 30)
    )
    plans.target_create(
        actor=actor, item=task, text="每季度1次", kind="frequency", value=1, unit="per quarter"
    )
    progress.obligation_generate(actor=actor, plan=task.plan)
    ledger_ids = _ledger_world_b(actor, org, task)
    ids = {
        **ledger_ids,
        "plan_id": task.plan_id,
        "item_id": task.pk,
        "parent_id": task.pk,
        "target_id": task.pk,
        "unit_id": org.unit_b.pk,
        "owner_unit_id": org.unit_b.pk,
        "assignment_id": assignment_of(task).pk,
        "track_id": track.pk,
        "period_id": period.pk,
        "report_id": report.pk,
        "evidence_id": evidence.pk,
        "draft_id": draft.pk,
        "notification_id": Notification.objects.filter(recipient=personas.reporter_b).latest("id").pk,
        "token_id": ApiToken.objects.get(name=f"{MARKER} token").pk,
        "comment_id": comment.pk,
        "task_id": task_b.pk,
        "document_id": document.pk,
        "notice_id": notice.pk,
        "extension_id": extension.pk,
        "occurrence_id": Occurrence.objects.filter(item=task).order_by("index").first().pk,
        **_assessment_of_b(actor, org, personas, task),
        "user_id": personas.reporter_b.pk,
        "membership_id": personas.reporter_b.memberships.get().pk,
        "endpoint_id": _robot_of_b(actor, org),
    }
    return WorldB(ids=ids, fingerprint=_fingerprint(ids))


def _robot_of_b(actor, org) -> int:
    """Unit B's group robot (administrators only): nobody else reads, tests or changes it."""
    from workplan.channels import services as channels

    return channels.endpoint_create(
        actor=actor,
        name=f"{MARKER} robot",
        platform="wecom",
        url="https://93.184.216.34/send?key=b",
        unit=org.unit_b,
    ).pk


def _assessment_of_b(actor, org, personas, task) -> dict[str, int]:
    """A published rubric run over B's plan with a manual score, bonus points and an objection."""
    from workplan.assessment import services as assess
    from workplan.core import clock
    from workplan.progress.testing import moment

    with clock.frozen(moment(2019, 1, 2)):
        task = make_plan_with_task(
            actor, owner=org.unit_b, assignee=org.unit_b, title=f"{MARKER} assessed plan"
        )
        progress.plan_dispatch(actor=actor, plan=task.plan)
    rubric = assess.rubric_create(actor=actor, plan=task.plan, code="secret-b", name=f"{MARKER} rubric")
    assess.rubric_set_criteria(
        actor=actor,
        rubric=rubric,
        criteria=[
            {"code": "done", "name": "完成", "kind": "completion", "weight": 80},
            {"code": "quality", "name": "质量", "kind": "manual", "weight": 20},
            {"code": "awards", "name": "奖励", "kind": "bonus", "weight": 3},
        ],
    )
    quality, awards = rubric.criteria.get(code="quality"), rubric.criteria.get(code="awards")
    score = assess.score_enter(
        actor=actor,
        criterion=quality,
        period="2019-H1",
        unit=org.unit_b,
        points=10,
        reason=f"{MARKER} reason",
    )
    bonus = assess.bonus_add(
        actor=actor,
        criterion=awards,
        period="2019-H1",
        unit=org.unit_b,
        points=1,
        reason=f"{MARKER} award",
        evidence=f"{MARKER} evidence",
    )
    with clock.frozen(moment(2019, 7, 5)):
        run = assess.run_compute(actor=actor, rubric=rubric, period="2019-H1", publish=True)
        result = run.results.get(unit=org.unit_b)
        objection = assess.objection_file(
            actor=personas.reporter_b, result=result, reason=f"{MARKER} objection"
        )
    return {
        "rubric_id": rubric.pk,
        "criterion_id": quality.pk,
        "run_id": run.pk,
        "result_id": result.pk,
        "score_id": score.pk,
        "bonus_id": bonus.pk,
        "objection_id": objection.pk,
    }


# --- filling requests from the schema -------------------------------------------------------------


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


TEXT_SAMPLES = ["x", "i1", "X1", "plan.updated", "plans.plan", "2019-H1"]


def _value(name: str, schema: dict[str, Any], ids: dict[str, int], label: str) -> Any:
    schema = _resolve(schema)
    if name in ids and schema.get("type") in ("integer", None):
        return ids[name]
    if name.endswith("_id") and schema.get("type") == "integer":
        pytest.fail(f"{label}: no filler for the id field {name!r}: add it to world_b")
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [o for o in schema[key] if _resolve(o).get("type") != "null"]
            return _value(name, options[0], ids, label)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return _body(schema, ids, label)
    if kind == "array":
        return []
    if kind == "boolean":
        return False
    if kind == "integer":
        low, high = schema.get("minimum", 1), schema.get("maximum", 10**6)
        return 2019 if low <= 2019 <= high else max(low, min(high, 10))
    if kind == "number":
        return 1
    if kind == "string":
        if schema.get("format") == "binary":
            return SimpleUploadedFile("probe.txt", b"probe", content_type="text/plain")
        if schema.get("format") == "date":
            return "2019-06-30"
        if schema.get("format") == "date-time":
            return "2019-06-30T09:00:00+08:00"
        pattern = schema.get("pattern")
        return next(s for s in TEXT_SAMPLES if pattern is None or re.search(pattern, s))
    pytest.fail(f"{label}: cannot fill {name!r} of schema {schema}")


def _body(schema: dict[str, Any], ids: dict[str, int], label: str) -> dict[str, Any]:
    schema = _resolve(schema)
    if "oneOf" in schema or "anyOf" in schema:  # a union of bodies (draft edits): the first one
        return _body((schema.get("oneOf") or schema["anyOf"])[0], ids, label)
    required = set(schema.get("required", []))
    return {
        name: _value(name, prop, ids, label)
        for name, prop in schema.get("properties", {}).items()
        if name in required or name in ids or _resolve(prop).get("format") == "binary"
    }


@dataclass
class Request:
    path: str
    query: dict[str, Any]
    body: dict[str, Any] | None
    multipart: bool
    names_b: bool  # the request names one of B's objects (path or body)


def _request(method: str, path: str, operation: dict[str, Any], ids: dict[str, int]) -> Request:
    label = _label(method, path)
    filled, query, names_b = path, {}, False
    for parameter in operation.get("parameters", []):
        name = parameter["name"]
        if parameter["in"] == "path":
            if name not in ids:
                pytest.fail(f"{label}: no filler for the path parameter {name!r}: add it to world_b")
            filled = filled.replace("{" + name + "}", str(ids[name]))
            names_b = True
        elif parameter["in"] == "query" and (name in ids or parameter.get("required")):
            query[name] = _value(name, parameter["schema"], ids, label)
    body, multipart = None, False
    content = operation.get("requestBody", {}).get("content", {})
    if content:
        media_type, spec = next(iter(content.items()))
        multipart = media_type == "multipart/form-data"
        body = _body(spec["schema"], ids, label)
        names_b = names_b or any(name in ids for name in body)
    return Request(filled, query, body, multipart, names_b)


def _call(client: Any, method: str, request: Request) -> Any:
    path = request.path + (
        "?" + "&".join(f"{k}={v}" for k, v in request.query.items()) if request.query else ""
    )
    if method == "GET":
        return client.get(path)
    if method == "DELETE":
        return client.delete(path)
    if request.multipart:
        return client.post(path, data=request.body or {})
    payload = json.dumps(request.body or {})
    return getattr(client, method.lower())(path, data=payload, content_type="application/json")


# --- the tests ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "operation"), OPERATIONS, ids=[_label(m, p) for m, p, _ in OPERATIONS]
)
def test_a_reporter_of_unit_a_reaches_nothing_of_unit_b(personas, world_b, method, path, operation):
    request = _request(method, path, operation, world_b.ids)
    response = _call(client_for(personas.reporter_a), method, request)
    label = _label(method, path)
    assert response["Content-Type"].startswith("application/json") or response.status_code < 300, label
    if label in PUBLIC_TO_SIGNED_IN:
        assert response.status_code == 200, (label, response.content[:300])
    elif request.names_b:
        assert response.status_code in (403, 404), (label, response.status_code, response.content[:300])
    else:
        assert response.status_code in (200, 201, 204, 403, 404), (
            label,
            response.status_code,
            response.content[:300],
        )
    assert MARKER not in response.content.decode("utf-8", "replace"), (label, response.content[:500])
    assert MARKER not in json.dumps(response.json() if response.content else None, ensure_ascii=False)
    assert _fingerprint(world_b.ids) == world_b.fingerprint, f"{label} changed unit B's objects"


GETS_WITH_IDS = [(m, p, o) for m, p, o in OPERATIONS if m == "GET" and "{" in p]


@pytest.mark.parametrize(
    ("method", "path", "operation"), GETS_WITH_IDS, ids=[_label(m, p) for m, p, _ in GETS_WITH_IDS]
)
def test_the_fillers_name_real_objects(personas, world_b, method, path, operation):
    request = _request(method, path, operation, world_b.ids)
    response = _call(client_for(personas.admin), method, request)
    assert response.status_code == 200, (_label(method, path), response.status_code, response.content[:300])


def test_every_operation_is_covered():
    """The parametrisation is the schema's operations: none can be missed by hand."""
    assert len(OPERATIONS) == sum(len(methods) for methods in SCHEMA["paths"].values()) >= 60
