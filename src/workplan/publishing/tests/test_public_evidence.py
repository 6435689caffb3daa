"""Evidence files marked public: who may mark them, what the public page lists, the anonymous
download and every way it answers the same 404 as a missing plan, the planner's page, the API."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from workplan.accounts.models import Role
from workplan.api.testing import client_for
from workplan.core import clock
from workplan.core.errors import Forbidden, Invalid
from workplan.core.models import AuditEntry
from workplan.core.testing import make_user
from workplan.progress import services as progress
from workplan.progress.models import Evidence, ProgressReport, Track
from workplan.progress.testing import moment
from workplan.publishing import services
from workplan.publishing.models import PublicEvidence
from workplan.publishing.testing import PEOPLE, PUBLIC_FILE_BYTES, PUBLIC_FILE_NAME, PublicWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous() -> Client:
    return Client()


def _download_url(plan_id: object, evidence_id: object, prefix: str = "/public/") -> str:
    return f"{prefix}plans/{plan_id}/evidence/{evidence_id}/"


def _missing_plan(client: Client, prefix: str = "/public/") -> bytes:
    response = client.get(f"{prefix}plans/999999/")
    assert response.status_code == 404
    return response.content


def _assert_same_404(client: Client, url: str, prefix: str = "/public/") -> None:
    response = client.get(url)
    assert response.status_code == 404, url
    assert response.content == _missing_plan(client, prefix), url
    assert response["Cache-Control"] == "no-cache"
    assert "Content-Disposition" not in response


def _secret_file(actor, world: PublicWorld) -> Evidence:
    """An accepted report's file on the task of the part that is not published, marked public."""
    track = Track.objects.get(item=world.secret_task)
    period = world.plan.periods.get(index=1)
    with clock.frozen(moment(2019, 1, 21)):
        report = progress.report_save(
            actor=actor, track=track, period=period, narrative="保密进展", percent=10, submit=True
        )
        secret = progress.evidence_add(actor=actor, report=report, filename="保密附件.txt", data=b"secret")
        progress.report_accept(actor=world.planner, report=report)
    secret.refresh_from_db()
    services.evidence_publish(actor=world.planner, evidence=secret)
    return secret


# --- the services ----------------------------------------------------------------------------


def test_only_the_plans_planners_mark_a_file_public(world, org, actor):
    other_planner = make_user(actor, "planner-b", role=Role.PLANNER, unit=org.unit_b)
    marked = world.public_evidence.public_evidence
    for user in (world.reporter, other_planner):
        with pytest.raises(Forbidden):
            services.evidence_publish(actor=user, evidence=world.evidence)
        with pytest.raises(Forbidden):
            services.evidence_unpublish(actor=user, public_evidence=marked)
    assert not PublicEvidence.objects.filter(evidence=world.evidence).exists()
    assert PublicEvidence.objects.filter(pk=marked.pk).exists()

    row = services.evidence_publish(actor=world.planner, evidence=world.evidence)
    assert (row.plan, row.published_by) == (world.plan, world.planner)
    assert services.evidence_publish(actor=world.planner, evidence=world.evidence) == row  # idempotent
    row_id = row.pk
    services.evidence_unpublish(actor=world.planner, public_evidence=row)
    assert not PublicEvidence.objects.filter(evidence=world.evidence).exists()
    actions = list(
        AuditEntry.objects.filter(
            target_id=str(row_id), action__in=("evidence.published", "evidence.unpublished")
        )
        .order_by("id")
        .values_list("action", "actor_id")
    )
    assert actions == [("evidence.published", world.planner.pk), ("evidence.unpublished", world.planner.pk)]


def test_only_an_accepted_reports_file_can_be_public(world, actor, org):
    from workplan.progress.testing import dispatched_task

    d = dispatched_task(actor, owner=org.root, assignee=org.unit_a)
    with clock.frozen(moment(2019, 1, 20)):
        submitted = progress.report_save(
            actor=actor, track=d.track, period=d.period(1), narrative="待审", percent=5, submit=True
        )
        waiting = progress.evidence_add(actor=actor, report=submitted, filename="待审.txt", data=b"waiting")
    with pytest.raises(Invalid) as refused:
        services.evidence_publish(actor=world.planner, evidence=waiting)
    assert refused.value.details == {"evidence": ["report not accepted"]}
    # The report's status as stored decides, not the caller's (stale) copy of the evidence row.
    stale = Evidence.objects.select_related("report__item__plan").get(pk=world.evidence.pk)
    ProgressReport.objects.filter(pk=world.public_report.pk).update(status="returned")
    with pytest.raises(Invalid):
        services.evidence_publish(actor=world.planner, evidence=stale)
    assert not PublicEvidence.objects.filter(evidence__in=[waiting, stale]).exists()


# --- the public page and the download ---------------------------------------------------------


def test_the_page_lists_the_marked_file_by_name_and_size_only(anonymous, world):
    body = anonymous.get(f"/public/plans/{world.plan.pk}/").content.decode()
    assert PUBLIC_FILE_NAME in body
    assert f'href="{_download_url(world.plan.pk, world.public_evidence.pk)}"' in body
    assert f"({len(PUBLIC_FILE_BYTES)}" in body  # the size (filesizeformat: "55 bytes")
    assert "名单.txt" not in body  # accepted, but not marked public
    assert _download_url(world.plan.pk, world.evidence.pk) not in body
    for name in PEOPLE:
        assert name not in body, name  # never the uploader
    english = anonymous.get(f"/public/en/plans/{world.plan.pk}/").content.decode()
    assert f'href="{_download_url(world.plan.pk, world.public_evidence.pk, "/public/en/")}"' in english


@pytest.mark.parametrize("prefix", ["/public/", "/public/en/"])
def test_the_download_serves_the_bytes_as_an_attachment(anonymous, world, prefix):
    url = _download_url(world.plan.pk, world.public_evidence.pk, prefix)
    response = anonymous.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PUBLIC_FILE_BYTES
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]  # the Chinese name, encoded
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(PUBLIC_FILE_BYTES))
    assert response["Cache-Control"] == "public, max-age=60"
    again = anonymous.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert anonymous.head(url).status_code == 200
    assert anonymous.post(url).status_code in (403, 405)


def test_every_file_that_is_not_public_gets_the_missing_plans_404(actor, anonymous, world):
    plan, public = world.plan.pk, world.public_evidence.pk
    secret = _secret_file(actor, world)
    for url in (
        _download_url(plan, world.evidence.pk),  # accepted, not marked public
        _download_url(plan, secret.pk),  # marked public, but its part is not published
        _download_url(world.withdrawn.pk, public),
        _download_url(world.unpublished.pk, public),
        _download_url(999999, public),
        _download_url(plan, 10**12),
        _download_url(world.secret_part.pk, public),  # an item id as a plan id
    ):
        _assert_same_404(anonymous, url)
    _assert_same_404(anonymous, _download_url(plan, world.evidence.pk, "/public/en/"), "/public/en/")
    services.publication_publish(actor=world.planner, plan=world.unpublished)
    _assert_same_404(anonymous, _download_url(world.unpublished.pk, public))  # another published plan

    services.publication_publish(actor=world.planner, plan=world.plan)  # now the whole plan
    assert anonymous.get(_download_url(plan, secret.pk)).status_code == 200

    ProgressReport.objects.filter(pk=world.public_report.pk).update(status="returned")
    cache.clear()  # a raw update writes no audit row
    _assert_same_404(anonymous, _download_url(plan, public))  # the report is no longer accepted
    assert PUBLIC_FILE_NAME not in anonymous.get(f"/public/plans/{plan}/").content.decode()


def test_an_unpublished_plan_takes_its_files_down(anonymous, world):
    url = _download_url(world.plan.pk, world.public_evidence.pk)
    etag = anonymous.get(url)["ETag"]
    services.publication_unpublish(actor=world.planner, plan=world.plan)
    assert anonymous.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 404  # never a stale 304
    _assert_same_404(anonymous, url)


@pytest.mark.parametrize(
    "plan_raw,evidence_raw",
    [
        ("{plan}", "0"),
        ("{plan}", "-1"),
        ("{plan}", "abc"),
        ("{plan}", "1e3"),
        ("{plan}", "9223372036854775808"),
        ("{plan}", "9" * 40),
        ("{plan}", "%00"),
        ("{plan}", "1;DROP TABLE x"),
        ("{plan}", "١٢"),
        ("{plan}", "{evidence}.0"),
        ("{plan}", " {evidence}"),  # int() would take these three
        ("{plan}", "{evidence}_0"),
        ("{plan}", "+{evidence}"),
        ("abc", "{evidence}"),
        ("9" * 40, "{evidence}"),
        ("0", "{evidence}"),
    ],
    ids=lambda raw: f"id-{raw.encode().hex()[:24]}",
)
def test_junk_and_overflowing_ids_get_the_same_404(anonymous, world, plan_raw, evidence_raw):
    ids = {"plan": world.plan.pk, "evidence": world.public_evidence.pk}
    _assert_same_404(anonymous, _download_url(plan_raw.format(**ids), evidence_raw.format(**ids)))


def test_hiding_the_file_again_changes_the_stamp_and_takes_it_down(anonymous, world):
    page = f"/public/plans/{world.plan.pk}/"
    url = _download_url(world.plan.pk, world.public_evidence.pk)
    first = anonymous.get(page)
    assert PUBLIC_FILE_NAME in first.content.decode()
    services.evidence_unpublish(actor=world.planner, public_evidence=world.public_evidence.public_evidence)
    hidden = anonymous.get(page, HTTP_IF_NONE_MATCH=first["ETag"])
    assert hidden.status_code == 200 and hidden["ETag"] != first["ETag"]  # the audit row: a new stamp
    assert PUBLIC_FILE_NAME not in hidden.content.decode()
    _assert_same_404(anonymous, url)
    services.evidence_publish(actor=world.planner, evidence=world.evidence)
    shown = anonymous.get(page, HTTP_IF_NONE_MATCH=hidden["ETag"])
    assert shown.status_code == 200 and shown["ETag"] not in (first["ETag"], hidden["ETag"])
    assert "名单.txt" in shown.content.decode()


# --- the planner's page and the API ---------------------------------------------------------------


def test_the_toggle_on_the_planners_page(client, world):
    client.force_login(world.planner)
    manage = reverse("publishing:manage", args=[world.plan.pk])
    page = client.get(manage).content.decode()
    assert PUBLIC_FILE_NAME in page and "名单.txt" in page
    assert "Hide from the public page" in page and "Show on the public page" in page
    show = reverse("publishing:evidence", args=[world.plan.pk, world.evidence.pk])
    answer = client.post(show, follow=True)
    assert answer.redirect_chain[-1][0] == manage + "#evidence"
    assert "The file is shown on the public page." in answer.content.decode()
    assert PublicEvidence.objects.filter(evidence=world.evidence).exists()
    answer = client.post(show, {"hide": "1"}, follow=True)
    assert "The file is hidden from the public page." in answer.content.decode()
    assert not PublicEvidence.objects.filter(evidence=world.evidence).exists()
    assert client.post(show, {"hide": "1"}).status_code == 404  # not public: nothing to hide
    missing = reverse("publishing:evidence", args=[world.plan.pk, 10**12])
    assert client.post(missing).status_code == 404
    assert client.get(show).status_code == 405


def test_a_reporter_gets_no_toggle(client, world):
    client.force_login(world.reporter)
    page = client.get(reverse("publishing:manage", args=[world.plan.pk]))
    assert page.status_code == 200 and b"Show on the public page" not in page.content
    show = reverse("publishing:evidence", args=[world.plan.pk, world.evidence.pk])
    assert client.post(show).status_code == 404
    assert not PublicEvidence.objects.filter(evidence=world.evidence).exists()


def test_the_api(world, actor, org):
    api = client_for(world.planner)
    url = f"/api/v1/evidence/{world.evidence.pk}/public"
    answer = api.post(url)
    assert answer.status_code == 200, answer.content
    assert answer.json() == {
        "evidence_id": world.evidence.pk,
        "plan_id": world.plan.pk,
        "published_at": answer.json()["published_at"],
        "url": _download_url(world.plan.pk, world.evidence.pk),
    }
    assert api.post(url).status_code == 200  # idempotent
    assert Client().get(answer.json()["url"]).status_code == 200
    assert api.delete(url).status_code == 204
    assert api.delete(url).status_code == 404
    assert client_for(world.reporter).post(url).status_code == 403
    for junk in ("0", "-1", "abc", "9223372036854775808", "9" * 40):
        assert api.post(f"/api/v1/evidence/{junk}/public").status_code in (404, 422), junk
    assert api.post("/api/v1/evidence/999999999/public").status_code == 404
    ProgressReport.objects.filter(pk=world.public_report.pk).update(status="returned")
    refused = api.post(url)
    assert refused.status_code == 422 and refused.json()["error"]["details"] == {
        "evidence": ["report not accepted"]
    }
    assert not PublicEvidence.objects.filter(evidence=world.evidence).exists()


def test_the_planners_page_reads_the_files_in_a_fixed_number_of_queries(client, actor, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.planner)
    url = reverse("publishing:manage", args=[world.plan.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    _secret_file(actor, world)  # one more accepted report with a file, on another item and unit
    assert "保密附件.txt" in client.get(url).content.decode()
    assert queries() == before
