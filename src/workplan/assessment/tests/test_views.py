"""The assessment screens and the .xlsx export, thinly (the services are tested directly)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from workplan.assessment import services
from workplan.assessment.models import Result
from workplan.assessment.testing import enter_judgement
from workplan.core import clock
from workplan.progress.testing import moment

pytestmark = pytest.mark.django_db


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _published(world):
    enter_judgement(world)
    with clock.frozen(moment(2019, 7, 5)):
        return services.run_compute(actor=world.assessor, rubric=world.rubric, period="2019-H1", publish=True)


def test_the_criteria_form_refuses_weights_not_summing_to_100_and_shows_the_sum(world):
    web = _web(world.planner)
    url = f"/assessment/rubrics/{world.rubric.code}/criteria/"
    assert web.get(url).status_code == 200
    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0", "version": str(world.rubric.version)}
    data.update(
        {"form-0-code": "a", "form-0-name": "完成", "form-0-kind": "completion", "form-0-weight": "60"}
    )
    data.update(
        {"form-1-code": "b", "form-1-name": "及时", "form-1-kind": "timeliness", "form-1-weight": "30"}
    )
    page = web.post(url, data)
    assert page.status_code == 200 and "The weights sum to 90%" in page.content.decode()
    assert world.rubric.criteria.count() == 6  # nothing half-saved
    data["form-1-weight"] = "40"
    assert web.post(url, data).status_code == 302
    assert list(world.rubric.criteria.values_list("code", flat=True)) == ["a", "b"]
    assert _web(world.assessor).get(url).status_code == 404  # assessors do not define rubrics


def test_assessor_computes_publishes_and_exports_the_ranking(world):
    enter_judgement(world)
    web = _web(world.assessor)
    page = web.get(f"/assessment/rubrics/{world.rubric.code}/")
    assert page.status_code == 200 and "Compute the scores" in page.content.decode()
    with clock.frozen(moment(2019, 7, 5)):
        response = web.post(f"/assessment/rubrics/{world.rubric.code}/run/", {"period": "2019-H1"})
    assert response.status_code == 302
    run_url = response["Location"]
    ranking = web.get(run_url).content.decode()
    assert "91.00" in ranking and "30.36" in ranking and 'id="ranking-data"' in ranking
    with clock.frozen(moment(2019, 7, 5)):
        assert web.post(f"{run_url}publish/").status_code == 302
    book = load_workbook(io.BytesIO(web.get(f"{run_url}ranking.xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[2][0] == 1 and rows[2][1] == world.org.unit_a.name and rows[2][-2] == 91.0
    assert rows[3][-3] == -2.5  # B's deductions


def test_the_breakdown_links_every_point_to_its_rows_and_takes_an_objection(world):
    run = _published(world)
    mine = Result.objects.get(run=run, unit=world.org.unit_a)
    web = _web(world.reporter_a)
    page = web.get(f"/assessment/results/{mine.pk}/").content.decode()
    assert f"/items/{world.task1.pk}/" in page and "报送信息质量高" in page and "市委〔2019〕1号" in page
    with clock.frozen(moment(2019, 7, 8)):
        assert web.post(f"/assessment/results/{mine.pk}/object/", {"text": ""}).status_code == 400
        assert web.post(f"/assessment/results/{mine.pk}/object/", {"text": "有异议"}).status_code == 302
    objection = mine.objections.get()
    assessor = _web(world.assessor)
    with clock.frozen(moment(2019, 7, 9)):
        assert (
            assessor.post(f"/assessment/objections/{objection.pk}/answer/", {"text": "维持"}).status_code
            == 302
        )
    assert "维持" in web.get(f"/assessment/results/{mine.pk}/").content.decode()
    theirs = Result.objects.get(run=run, unit=world.org.unit_b)
    with clock.frozen(moment(2019, 7, 8)):
        assert web.post(f"/assessment/results/{theirs.pk}/object/", {"text": "x"}).status_code == 403


def test_manual_score_and_bonus_forms(world):
    web = _web(world.assessor)
    url = f"/assessment/rubrics/{world.rubric.code}/"
    unit = world.org.unit_a.pk
    bad = web.post(
        f"{url}scores/",
        {"criterion": "quality", "period": "2019-H1", "unit": unit, "points": "99", "reason": "x"},
    )
    assert bad.status_code == 302 and not world.criterion("quality").manual_scores.exists()
    assert (
        web.post(
            f"{url}scores/",
            {"criterion": "quality", "period": "2019-H1", "unit": unit, "points": "9", "reason": "好"},
        ).status_code
        == 302
    )
    assert (
        web.post(
            f"{url}bonuses/",
            {
                "criterion": "awards",
                "period": "2019-H1",
                "unit": unit,
                "points": "1",
                "reason": "奖",
                "evidence": "文",
            },
        ).status_code
        == 302
    )
    page = web.get(f"{url}?period=2019-H1").content.decode()
    assert "好" in page and "+1.00" in page
    assert _web(world.reporter_a).post(
        f"{url}scores/",
        {"criterion": "quality", "period": "2019-H1", "unit": unit, "points": "9", "reason": "自评"},
    ).status_code in (302, 403)
    assert world.criterion("quality").manual_scores.get().reason == "好"


def test_commitment_integrity_pages(world):
    web = _web(world.planner)
    plan = world.rubric.plan
    with clock.frozen(moment(2019, 7, 5)):
        page = web.get(f"/assessment/plans/{plan.pk}/integrity/?period=2019-H1").content.decode()
        assert world.org.unit_b.name in page
        unit_page = web.get(f"/assessment/plans/{plan.pk}/integrity/{world.org.unit_b.pk}/")
        assert unit_page.status_code == 200 and "2019-Q1" in unit_page.content.decode()
        assert web.get(f"/assessment/plans/{plan.pk}/integrity/?period=junk").status_code == 302
