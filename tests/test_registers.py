"""The generic test case of register-like records, run for EVERY declared register.

A register (``<app>/registers.py``, see ``workplan.core.registers``) gets these tests by
declaring itself with a ``sample``: its pages and API agree with its permission policy,
each write leaves an audit row naming its actor, a stale write is refused, its list takes a
fixed number of queries however many rows it holds, and junk input is refused cleanly with
nothing written.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workplan.api.testing import client_for
from workplan.core import audit
from workplan.core.errors import Forbidden
from workplan.core.models import AuditEntry
from workplan.core.policy import Action
from workplan.core.registers import Register, all_registers, register_rows

REGISTERS = [r for r in all_registers() if r.sample is not None]


def test_every_register_can_be_tested():
    """A register without a sample would silently skip the generic tests."""
    assert REGISTERS, "no register declared"
    assert all(r.sample is not None for r in all_registers())


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _make(register: Register, actor, index: int):
    return register.create_row(actor, register.sample(actor, index))


def _api_path(register: Register, row=None) -> str:
    return f"/api/v1/{register.slug}" + (f"/{row.pk}" if row is not None else "")


@pytest.fixture(params=REGISTERS, ids=[r.slug for r in REGISTERS])
def register(request) -> Register:
    return request.param


@pytest.fixture
def writer(register, personas):
    return getattr(personas, register.test_writer)


@pytest.fixture
def reader(register, personas):
    return getattr(personas, register.test_reader)


def test_create_update_delete_are_audited_with_their_actor(register, actor, writer):
    row = _make(register, writer, 1)
    created = audit.history(row).get()
    assert created.actor_id == writer.pk
    form_values = register.form_initial(row)
    row = register.update_row(
        writer, row, {register.columns[0]: f"{form_values.get(register.columns[0], '')}改"}, row.version
    )
    assert audit.history(row).count() == 2
    assert audit.history(row).order_by("-at", "-id").first().actor_id == writer.pk
    if register.delete_row is not None:
        pk, model_type = row.pk, type(row)
        register.delete_row(writer, row)
        assert not model_type.objects.filter(pk=pk).exists()
        assert AuditEntry.objects.filter(target_id=str(pk), action__endswith="deleted").exists()


def test_a_stale_write_is_refused(register, writer):
    row = _make(register, writer, 2)
    register.update_row(writer, row, {register.columns[0]: "第一次"}, row.version)
    response = client_for(writer).patch(
        _api_path(register, row),
        data=json.dumps({"version": 1, register.columns[0]: "第二次"}),
        content_type="application/json",
    )
    assert response.status_code == 409, response.content
    assert getattr(type(row).objects.get(pk=row.pk), register.columns[0]) == "第一次"


def test_the_readers_writes_are_refused_everywhere(register, writer, reader):
    row = _make(register, writer, 3)
    assert register.policy.allows(reader, Action.VIEW, row)
    assert not register.policy.allows(reader, Action.EDIT, row)
    with pytest.raises(Forbidden):
        _make(register, reader, 4)
    api, web = client_for(reader), _web(reader)  # (making the token is audited too)
    # Refusals are audited (permission.refused, 等保 security audit); nothing else may be written.
    before = AuditEntry.objects.exclude(action="permission.refused").count()
    patched = api.patch(
        _api_path(register, row),
        data=json.dumps({"version": row.version, register.columns[0]: "x"}),
        content_type="application/json",
    )
    assert patched.status_code in (403, 404), patched.content
    if register.delete_row is not None:
        assert api.delete(_api_path(register, row)).status_code in (403, 404)
    assert web.get(reverse(register.url_name("create"))).status_code == 403
    assert web.post(reverse(register.url_name("edit"), args=[register.key_of(row)]), {}).status_code in (
        403,
        404,
    )
    assert AuditEntry.objects.exclude(action="permission.refused").count() == before
    assert type(row).objects.filter(pk=row.pk).exists()


def test_pages_and_api_show_what_the_policy_allows(register, writer, reader, personas):
    rows = [_make(register, writer, 10 + i) for i in range(3)]
    for user in (writer, reader, personas.outsider):
        visible = set(register_rows(register, user=user).values_list("pk", flat=True))
        listed = client_for(user).get(_api_path(register), {"limit": 200})
        assert listed.status_code == 200
        assert {item["id"] for item in listed.json()["items"]} == visible
        page = _web(user).get(reverse(register.url_name("list")))
        assert page.status_code == 200
        for row in rows:
            detail = _web(user).get(reverse(register.url_name("detail"), args=[register.key_of(row)]))
            assert detail.status_code == (200 if row.pk in visible else 404)


def test_the_list_takes_a_fixed_number_of_queries(register, writer):
    web = _web(writer)
    url = reverse(register.url_name("list"))
    counts = []
    for batch in (range(20, 22), range(22, 40)):
        for index in batch:
            _make(register, writer, index)
        web.get(url)  # warm the session and the scope
        with CaptureQueriesContext(connection) as queries:
            assert web.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_web_form_creates_and_edits_through_the_services(register, writer):
    web = _web(writer)
    row = _make(register, writer, 50)
    data = {k: ("" if v is None else v) for k, v in register.form_initial(row).items()}
    data["version"] = row.version
    data[register.columns[0]] = "网页修改"
    response = web.post(reverse(register.url_name("edit"), args=[register.key_of(row)]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    row.refresh_from_db()
    assert getattr(row, register.columns[0]) == "网页修改"
    assert audit.history(row).filter(actor=writer).count() == 2
    stale = web.post(reverse(register.url_name("edit"), args=[register.key_of(row)]), data)
    assert stale.status_code == 200  # shown again with the conflict, nothing saved
    assert audit.history(row).filter(actor=writer).count() == 2


JUNK = ["", "\x00", "x" * 100_001, "<script>alert(1)</script>", "😀" * 300]


@pytest.mark.parametrize("junk", JUNK, ids=["empty", "nul", "huge", "markup", "emoji"])
def test_junk_input_is_refused_cleanly_and_nothing_is_written(register, writer, junk):
    web, api_client = _web(writer), client_for(writer)
    before = AuditEntry.objects.count()
    count = register.model._default_manager.count()
    data = dict.fromkeys(register.form.base_fields, junk)
    response = web.post(reverse(register.url_name("create")), data)
    assert response.status_code in (200, 302)
    if response.status_code == 302:  # markup and emoji are text like any other: stored, escaped on output
        assert junk in ("<script>alert(1)</script>", "😀" * 300)
        page = web.get(response["Location"])
        assert b"<script>alert(1)</script>" not in page.content
        return
    assert register.model._default_manager.count() == count
    assert AuditEntry.objects.count() == before
    api = api_client.post(_api_path(register), data=json.dumps(data), content_type="application/json")
    assert 400 <= api.status_code < 500, api.content
    assert register.model._default_manager.count() == count
