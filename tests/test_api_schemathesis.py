"""schemathesis on the demo site: in-process against the WSGI app with an administrator's token,
and against a live HTTP server with a planner's and a reporter's token.

Every built-in check runs (server errors, status codes, content types, response schemas and
headers, positive and negative data, missing headers, ignored auth, unsupported methods …).
One configured difference, stated here: a request the schema allows may still break a
domain rule that depends on the data (a closed period, a report already accepted, a start
after the due date), which the API answers with 422 ``invalid``; so 422 is an accepted
answer to positive data — but only with code ``invalid``: the extra check below fails on
any ``validation_error`` (the schema and the server disagreeing about the request's shape).

Generated ids are mostly unknown (404); the hooks below swap in the ids of real demo
objects part of the time, so that the operations also run on data that exists.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import strategies as st

from workplan.accounts.models import Unit, User
from workplan.api.models import ApiToken
from workplan.api.schemas import MAX_ID
from workplan.api.testing import token_for
from workplan.config.wsgi import application
from workplan.core.testing import make_plan_with_task
from workplan.demo import SEED_NAME, demo_setup
from workplan.plans import drafts
from workplan.plans.models import Assignment, ImportDraft, Plan, PlanItem
from workplan.progress import services as progress
from workplan.progress.models import Evidence, Notification, Period, ProgressReport, ReportStatus, Track

EXAMPLES_PER_OPERATION = 12
# The live-server run per role: fewer examples (two roles × every operation over HTTP).
EXAMPLES_PER_ROLE = 2
ROLES = ["planner", "reporter-party"]
# 400 is a domain answer only with a domain code (the history endpoints' `bad_date`: a day before
# the plan or in the future); `shape_errors_are_schema_errors` fails on `bad_request` and
# `validation_error`, the codes of a schema disagreement.
POSITIVE_STATUSES = ["2xx", "3xx", "400", "401", "403", "404", "409", "422", "429", "5xx"]
REAL_IDS: dict[str, list[int]] = {}
OWN_TOKEN: dict[str, int] = {}


@schemathesis.check
def shape_errors_are_schema_errors(ctx, response, case):
    """Data generated to fit the schema never fails the server's own schema validation."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code not in (400, 422):
        return
    code = (response.json() or {}).get("error", {}).get("code")
    if code in {"validation_error", "bad_request"}:
        raise AssertionError(f"schema-valid data refused as {code}: {response.text[:500]}")
    return


def _is_id(value):
    # Only ids the schema allows are swapped: a negative case stays negative.
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def _with_real_ids(context, values):
    if not isinstance(values, dict):
        return st.just(values)
    operation = context.operation
    # Deleting demo plans and items would leave little for the operations after it: delete spares.
    deleting = operation is not None and operation.method.upper() == "DELETE"
    return st.fixed_dictionaries(
        {
            key: st.one_of(
                st.sampled_from(REAL_IDS[f"spare_{key}" if deleting and f"spare_{key}" in REAL_IDS else key]),
                st.just(value),
            )
            if REAL_IDS.get(key) and _is_id(value)
            else st.just(value)
            for key, value in values.items()
        }
    )


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    return _with_real_ids(context, path_parameters)


@schemathesis.hook
def flatmap_query(context, query):
    return _with_real_ids(context, query)


@schemathesis.hook
def flatmap_body(context, body):
    return _with_real_ids(context, body)


def _collect_ids(admin, token_id):
    ids = {
        "plan_id": Plan.objects.values_list("id", flat=True),
        "item_id": PlanItem.objects.values_list("id", flat=True)[:40],
        "parent_id": PlanItem.objects.values_list("id", flat=True)[:10],
        "target_id": PlanItem.objects.values_list("id", flat=True)[:10],
        "unit_id": Unit.objects.values_list("id", flat=True),
        "owner_unit_id": Unit.objects.values_list("id", flat=True),
        "assignment_id": Assignment.objects.values_list("id", flat=True)[:20],
        "track_id": Track.objects.values_list("id", flat=True)[:20],
        "report_id": ProgressReport.objects.values_list("id", flat=True)[:20],
        "period_id": Period.objects.values_list("id", flat=True)[:12],
        "evidence_id": Evidence.objects.values_list("id", flat=True),
        "draft_id": ImportDraft.objects.values_list("id", flat=True),
        "notification_id": Notification.objects.filter(recipient=admin).values_list("id", flat=True)[:10],
        "token_id": ApiToken.objects.exclude(pk=token_id).values_list("id", flat=True),
        **_ledger_ids(),
    }
    return {key: sorted(values) for key, values in ((k, list(v)) for k, v in ids.items()) if values}


def _ledger_ids():
    from workplan.ledgers.models import Indicator, Ledger, LedgerField, LedgerRecord

    return {
        "ledger_id": Ledger.objects.values_list("id", flat=True),
        "field_id": LedgerField.objects.values_list("id", flat=True)[:20],
        "record_id": LedgerRecord.objects.values_list("id", flat=True)[:40],
        "indicator_id": Indicator.objects.values_list("id", flat=True),
    }


def _demo_site(settings) -> tuple[User, list[PlanItem]]:
    """The demo site plus evidence, a draft, a second token and spare plans; the real ids."""
    settings.WORKPLAN_API_RATE_LIMIT = 0  # schemathesis sends thousands of requests with one token
    # …and hundreds with a bad one (the ignored-auth check): the address must not be locked out.
    settings.AXES_FAILURE_LIMIT = 10**9
    demo_setup()
    admin = User.objects.get(username="admin")
    open_report = ProgressReport.objects.exclude(status=ReportStatus.ACCEPTED).first()
    if open_report is not None:
        progress.evidence_add(
            actor=admin, report=open_report, filename="evidence.txt", data=b"minutes of the meeting"
        )
    department = Unit.objects.get(code="UFWD")
    from importlib import resources

    seed = resources.files("workplan.demo_data").joinpath(SEED_NAME).read_bytes()
    drafts.draft_create(actor=admin, data=seed, filename=SEED_NAME, owner_unit=department, year=2019)
    token_for(User.objects.get(username="planner"), name="another")
    spares = [
        make_plan_with_task(admin, owner=department, assignee=department, title=f"spare {n}")
        for n in range(3)
    ]
    return admin, spares


def _token_and_ids(user: User, admin: User, spares: list[PlanItem]) -> str:
    token = token_for(user, name="schemathesis")
    OWN_TOKEN["id"] = ApiToken.objects.get(user=user, name="schemathesis").pk
    REAL_IDS.clear()
    REAL_IDS.update(
        _collect_ids(admin, OWN_TOKEN["id"]),
        spare_plan_id=[task.plan_id for task in spares],
        spare_item_id=[task.pk for task in spares],
    )
    return token


def _config(token: str, examples: int) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": 2019,
            "headers": {"Authorization": f"Bearer {token}"},
            "generation": {"max-examples": examples, "deterministic": True, "database": "none"},
            "checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_STATUSES}},
        }
    )


@pytest.fixture
def api_schema(db, settings):
    admin, spares = _demo_site(settings)
    config = _config(_token_and_ids(admin, admin, spares), EXAMPLES_PER_OPERATION)
    # Like Django's test client: keep the test's connection (and its transaction) open across requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=config)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
        REAL_IDS.clear()


@pytest.fixture(params=ROLES)
def live_role_schema(request, transactional_db, live_server, settings):
    """A real HTTP server (pytest-django's live server, its own thread and connection) and a
    token of a planner or of a reporter: what each may not do must be refused as a domain
    answer (403/404/422 invalid), never as a schema disagreement or a server error."""
    admin, spares = _demo_site(settings)
    token = _token_and_ids(User.objects.get(username=request.param), admin, spares)
    try:
        yield schemathesis.openapi.from_url(
            f"{live_server.url}/api/v1/openapi.json", config=_config(token, EXAMPLES_PER_ROLE)
        )
    finally:
        REAL_IDS.clear()


schema = schemathesis.pytest.from_fixture("api_schema")
role_schema = schemathesis.pytest.from_fixture("live_role_schema")


# Operations of this round's new apps whose request schema is looser or stricter than the server
# (strict ints and decimals, a regex dialect, a length): found by this test, not yet fixed; each
# is listed as open in the round's note. Remove a line when its operation passes.
KNOWN_SCHEMA_GAPS: set[tuple[str, str]] = set()


@pytest.mark.slow
@schema.parametrize()
def test_api_conforms_to_its_schema(case):
    if (case.method.upper(), case.path) in KNOWN_SCHEMA_GAPS:
        pytest.skip("a known request-schema gap of a new app (see KNOWN_SCHEMA_GAPS)")
    # The fuzzer may revoke any token it can name, its own included: keep its own alive.
    ApiToken.objects.filter(pk=OWN_TOKEN["id"]).update(revoked_at=None)
    case.call_and_validate(additional_checks=[shape_errors_are_schema_errors])


@pytest.mark.slow
@role_schema.parametrize()
def test_api_conforms_to_its_schema_for_a_planner_and_a_reporter_on_a_live_server(case):
    ApiToken.objects.filter(pk=OWN_TOKEN["id"]).update(revoked_at=None)
    case.call_and_validate(additional_checks=[shape_errors_are_schema_errors])
