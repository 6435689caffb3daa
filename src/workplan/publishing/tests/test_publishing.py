"""Publishing a plan and its narratives: the rules, the button, the API, the CLI, the demo."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from workplan.accounts.models import Role
from workplan.api.testing import client_for
from workplan.cli import main
from workplan.core.errors import Forbidden, Invalid
from workplan.core.models import AuditEntry
from workplan.core.testing import make_user
from workplan.publishing import services
from workplan.publishing.models import Publication, PublicNarrative
from workplan.publishing.testing import HIDDEN_PART_TITLE, PUBLIC_NARRATIVE

pytestmark = pytest.mark.django_db


def test_only_the_plans_planners_publish(world, org, actor):
    reporter = world.reporter
    other_planner = make_user(actor, "planner-b", role=Role.PLANNER, unit=org.unit_b)
    for user in (reporter, other_planner):
        with pytest.raises(Forbidden):
            services.publication_publish(actor=user, plan=world.unpublished)
        with pytest.raises(Forbidden):
            services.publication_unpublish(actor=user, plan=world.plan)
        with pytest.raises(Forbidden):
            services.narrative_publish(actor=user, report=world.private_report)
    assert not Publication.objects.filter(plan=world.unpublished).exists()


def test_parts_must_be_top_level_parts_of_the_plan(world):
    other_part = world.unpublished.items.get(depth=1)
    for bad in ([world.task.pk], [other_part.pk], [2**62]):
        with pytest.raises(Invalid):
            services.publication_publish(actor=world.planner, plan=world.plan, part_ids=bad)
    assert [p.pk for p in world.plan.publication.parts.all()] == [world.part.pk]  # unchanged


def test_publish_unpublish_republish_keeps_one_audited_row(world):
    publication = services.publication_unpublish(actor=world.planner, plan=world.plan)
    assert not publication.is_active and publication.unpublished_by == world.planner
    with pytest.raises(Invalid):
        services.publication_unpublish(actor=world.planner, plan=world.plan)
    again = services.publication_publish(actor=world.planner, plan=world.plan)
    assert again.pk == publication.pk and again.is_active and not again.parts.exists()
    actions = list(
        AuditEntry.objects.filter(target_id=str(publication.pk), action__startswith="publication.")
        .order_by("id")
        .values_list("action", "after__is_active")
    )
    assert actions == [
        ("publication.published", True),
        ("publication.unpublished", False),
        ("publication.published", True),
    ]


def test_only_an_accepted_narrative_can_be_public(world, actor, org):
    from workplan.progress import services as progress
    from workplan.progress.testing import dispatched_task

    d = dispatched_task(actor, owner=org.root, assignee=org.unit_a)
    draft = progress.report_save(
        actor=world.reporter, track=d.track, period=d.period(1), narrative="草稿", percent=5
    )
    with pytest.raises(Invalid):
        services.narrative_publish(actor=world.planner, report=draft)
    first = services.narrative_publish(actor=world.planner, report=world.public_report)
    assert services.narrative_publish(actor=world.planner, report=world.public_report) == first  # idempotent


def test_the_button_on_the_plan_pages(client, world):
    client.force_login(world.planner)
    tree = client.get(reverse("web:plan_detail", args=[world.plan.pk])).content.decode()
    manage_url = reverse("publishing:manage", args=[world.plan.pk])
    assert manage_url in tree
    page = client.get(manage_url).content.decode()
    assert f"/public/plans/{world.plan.pk}/" in page and PUBLIC_NARRATIVE in page
    publish_url = reverse("publishing:publish", args=[world.plan.pk])
    client.post(publish_url, {"unpublish": "1"})
    assert not Publication.objects.get(plan=world.plan).is_active
    client.post(publish_url, {"part": [str(world.secret_part.pk), "junk", "9" * 40]})
    publication = Publication.objects.get(plan=world.plan)
    assert publication.is_active and [p.pk for p in publication.parts.all()] == [world.secret_part.pk]
    assert HIDDEN_PART_TITLE in client.get(f"/public/plans/{world.plan.pk}/").content.decode()
    client.post(reverse("publishing:publish", args=[world.plan.pk]), {"part": str(world.task.pk)})
    assert [p.pk for p in Publication.objects.get(plan=world.plan).parts.all()] == [world.secret_part.pk]
    narrative_url = reverse("publishing:narrative", args=[world.plan.pk, world.private_report.pk])
    client.post(narrative_url)
    assert PublicNarrative.objects.filter(report=world.private_report).exists()
    client.post(narrative_url, {"withdraw": "1"})
    assert not PublicNarrative.objects.filter(report=world.private_report).exists()


def test_a_reporter_cannot_publish_from_the_page(client, world):
    client.force_login(world.reporter)
    response = client.post(reverse("publishing:publish", args=[world.plan.pk]), {"unpublish": "1"})
    assert response.status_code == 404
    assert Publication.objects.get(plan=world.plan).is_active
    page = client.get(reverse("publishing:manage", args=[world.plan.pk]))
    assert page.status_code == 200 and b'name="unpublish"' not in page.content


def test_the_api(world):
    api = client_for(world.planner)
    url = f"/api/v1/plans/{world.unpublished.pk}/publication"
    assert api.get(url).json()["published"] is False
    answer = api.put(url, {"parts": []}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["published"] is True
    assert api.put(url, {"parts": [0]}, content_type="application/json").status_code == 422
    assert api.put(url, {"parts": [], "extra": 1}, content_type="application/json").status_code == 422
    assert api.put(url, {"parts": [world.task.pk]}, content_type="application/json").status_code == 422
    assert api.delete(url).json()["published"] is False
    assert api.delete(url).status_code == 422
    narrative = f"/api/v1/reports/{world.private_report.pk}/public-narrative"
    assert api.put(narrative).status_code == 200
    assert api.delete(narrative).status_code == 204
    assert api.delete(narrative).status_code == 404
    reporter = client_for(world.reporter)
    assert reporter.put(url, {"parts": []}, content_type="application/json").status_code == 403
    assert reporter.put(narrative).status_code == 403


def test_the_cli_does_what_the_button_does(world, capsys):
    assert main(["plan", "publish", str(world.unpublished.pk), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {"plan": world.unpublished.pk, "published": True, "parts": [], "url": out["url"]}
    part = world.plan.items.get(depth=1, pk=world.secret_part.pk)
    assert main(["plan", "publish", str(world.plan.pk), "--part", str(part.pk)]) == 0
    assert "published (parts" in capsys.readouterr().out
    assert main(["plan", "unpublish", str(world.unpublished.pk)]) == 0
    assert "no longer published" in capsys.readouterr().out
    assert not Publication.objects.get(plan=world.unpublished).is_active
    assert AuditEntry.objects.filter(action="publication.unpublished", interface="cli").exists()
    assert main(["plan", "unpublish", str(world.unpublished.pk)]) == 2  # not published: one line
    assert "not published" in capsys.readouterr().err
    assert main(["plan", "publish", "999999"]) != 0
    assert main(["plan", "publish", str(world.plan.pk), "--as", "reporter-pub"]) != 0


def test_the_demo_publishes_the_seed_plan(demo, client):
    publication = Publication.objects.get(plan=demo)
    assert publication.is_active and not publication.parts.exists()
    assert PublicNarrative.objects.filter(plan=demo).count() == 5
    page = client.get(f"/public/plans/{demo.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    from workplan.accounts.models import User

    for user in User.objects.exclude(username="workplan-system"):
        assert user.username not in body
        if user.get_full_name():
            assert user.get_full_name() not in body, user.get_full_name()
    # a quantified target measured by a ledger indicator shows its computed value
    assert "public-targets" in body
