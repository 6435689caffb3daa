"""No interface can change or delete an audit row: not the web UI, the API, the admin site,
the command line, nor raw SQL on the connection (database triggers, SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from workplan.accounts import services as accounts
from workplan.api.testing import client_for
from workplan.core.models import AuditEntry
from workplan.core.testing import make_user


@pytest.fixture
def entry(actor, org):
    return AuditEntry.objects.filter(action="unit.created").order_by("id").first()


def _unchanged(entry: AuditEntry) -> bool:
    fresh = AuditEntry.objects.get(pk=entry.pk)
    return (fresh.action, fresh.actor_repr, fresh.before, fresh.after, fresh.at) == (
        entry.action,
        entry.actor_repr,
        entry.before,
        entry.after,
        entry.at,
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE core_auditentry SET action = 'forged' WHERE id = %s",
        "UPDATE core_auditentry SET target_repr = target_repr || '.' WHERE id = %s",
        "UPDATE core_auditentry SET after = NULL WHERE id = %s",
        "UPDATE core_auditentry SET reason = 'x', actor_id = NULL WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ],
    ids=["action", "append-text", "after", "reason-with-null-actor", "delete"],
)
def test_raw_sql_cannot_change_or_delete_a_row(entry, statement):
    params = [entry.pk] * statement.count("%s")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, params)
    assert _unchanged(entry)


def test_the_orm_cannot_change_or_delete_a_row(entry):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.reason = "rewritten"
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncate_is_refused(entry):
    # (Inside the test's transaction PostgreSQL may refuse it even before the trigger runs.)
    refused = pytest.raises(DatabaseError, match=r"append-only|pending trigger events")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_auditentry CASCADE")


def test_deleting_a_user_keeps_their_rows_with_the_name(actor):
    user = make_user(actor, "leaver")
    rows = AuditEntry.objects.filter(target_id=str(user.pk), action="user.created")
    assert rows.exists()
    accounts.user_delete(actor=actor, user=user)
    assert AuditEntry.objects.filter(action="user.deleted", target_repr="leaver").exists()


def test_the_admin_site_offers_no_change_or_delete(client, django_user_model, entry):
    client.force_login(
        django_user_model.objects.create_superuser("root", "root@example.org", "a-Long-pass-1")
    )
    change = reverse("admin:core_auditentry_change", args=[entry.pk])
    delete = reverse("admin:core_auditentry_delete", args=[entry.pk])
    page = client.get(change)
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.post(change, {"action": "forged"}).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    listing = reverse("admin:core_auditentry_changelist")
    bulk = client.post(listing, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert bulk.status_code in (200, 302, 403)
    assert _unchanged(entry)


def test_the_api_has_no_write_on_the_audit_log(personas, entry):
    api = client_for(personas.admin)
    for method in ("put", "patch", "delete", "post"):
        response = getattr(api, method)(f"/api/v1/audit/{entry.pk}")
        assert response.status_code in (404, 405), (method, response.status_code)
        response = getattr(api, method)("/api/v1/audit")
        assert response.status_code in (404, 405), (method, response.status_code)
    assert _unchanged(entry)


def test_the_web_ui_has_no_write_on_the_audit_log(client, personas, entry):
    client.force_login(personas.admin)
    for path in (f"/audit/{entry.pk}/delete/", f"/audit/{entry.pk}/edit/", "/audit/"):
        assert client.post(path, {"action": "forged"}).status_code in (403, 404, 405)
    assert _unchanged(entry)


def test_the_command_line_cannot_flush_it(entry):
    # `workplan flush` is Django's flush command (the CLI hands unknown commands to Django).
    with pytest.raises((DatabaseError, CommandError)):
        call_command("flush", interactive=False, verbosity=0)
    assert _unchanged(entry)
