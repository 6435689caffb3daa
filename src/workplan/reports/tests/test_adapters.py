"""The reports from the UI (the plan's Reports page), the API and the CLI."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from workplan.api.testing import client_for
from workplan.cli import main
from workplan.progress.models import Period, ProgressReport, ReportStatus
from workplan.reports.models import GeneratedDocument, GoodPractice
from workplan.reports.tests.helpers import docx_paragraphs, pdf_text


def test_the_reports_page_is_linked_from_the_plan_and_downloads(
    client, demo, planner, django_capture_on_commit_callbacks
):
    client.force_login(planner)
    dashboard = client.get(reverse("web:plan_dashboard", args=[demo.pk])).content.decode()
    url = reverse("reports:plan_reports", args=[demo.pk])
    assert f'href="{url}"' in dashboard
    page = client.get(url)
    assert page.status_code == 200 and "Mark as good practice" in page.content.decode()
    june = Period.objects.get(plan=demo, label="2019-06")
    with django_capture_on_commit_callbacks(execute=True):  # the task runs after the commit
        response = client.post(
            reverse("reports:generate", args=[demo.pk]),
            {"kind": "bulletin", "period": june.pk, "format": "docx"},
        )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    record = GeneratedDocument.objects.latest("id")
    assert "done" in page and reverse("reports:document_file", args=[record.pk]) in page
    response = client.get(reverse("reports:document_file", args=[record.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.docx"')
    assert "1. The period in figures" in docx_paragraphs(b"".join(response.streaming_content))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:generate", args=[demo.pk]), {"kind": "summary", "format": "html"})
    html = client.get(reverse("reports:document_file", args=[GeneratedDocument.objects.latest("id").pk]))
    assert html.status_code == 200 and b'href="#figure-items"' in b"".join(html.streaming_content)
    bad = client.post(reverse("reports:generate", args=[demo.pk]), {"kind": "bulletin", "format": "docx"})
    assert bad.status_code == 302
    assert GeneratedDocument.objects.filter(plan=demo, created_by=planner).count() == 2
    assert "2019-06" in client.get(url).content.decode()


def test_marking_good_practice_from_the_page(client, demo, planner, reporter):
    accepted = ProgressReport.objects.filter(item__plan=demo, status=ReportStatus.ACCEPTED).order_by("id")[0]
    url = reverse("reports:good_practice", args=[demo.pk, accepted.pk])
    client.force_login(reporter)
    assert client.post(url).status_code == 404  # not a planner of the plan
    client.force_login(planner)
    assert client.post(url, {"note": "好做法", "period": str(accepted.period_id)}).status_code == 302
    assert GoodPractice.objects.get(report=accepted).note == "好做法"
    assert client.post(url, {"unmark": "1"}).status_code == 302
    assert not GoodPractice.objects.filter(report=accepted).exists()


def test_the_api_serves_both_documents_and_the_records(demo, planner, reporter, org):
    api = client_for(planner)
    response = api.get(f"/api/v1/plans/{demo.pk}/bulletin?period=2019-06&format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Taskstracked" in pdf_text(response.content)
    summary = api.get(f"/api/v1/plans/{demo.pk}/summary?format=docx&language=zh")
    assert summary.status_code == 200 and "总体情况" in docx_paragraphs(summary.content)
    assert api.get(f"/api/v1/plans/{demo.pk}/bulletin?period=2030-01").status_code == 404
    assert api.get(f"/api/v1/plans/{demo.pk}/bulletin").status_code == 422
    assert api.get(f"/api/v1/plans/{demo.pk}/bulletin?period=junk").status_code == 422
    records = api.get(f"/api/v1/plans/{demo.pk}/documents").json()
    assert [r["kind"] for r in records] == ["summary", "bulletin"]
    assert records[1]["inputs"]["period"] == "2019-06" and records[1]["figures"]["items"]["value"] == 16
    accepted = ProgressReport.objects.filter(item__plan=demo, status=ReportStatus.ACCEPTED).order_by("id")[0]
    path = f"/api/v1/reports/{accepted.pk}/good-practice"
    assert client_for(reporter).put(path, data="{}", content_type="application/json").status_code in (
        403,
        404,
    )
    marked = api.put(path, data=json.dumps({"note": "推广"}), content_type="application/json")
    assert marked.status_code == 200 and marked.json()["note"] == "推广"
    assert api.put(path, data=json.dumps({"bogus": 1}), content_type="application/json").status_code == 422
    assert api.delete(path).status_code == 204


def test_the_cli_writes_each_format_and_lists_plans(demo, tmp_path, capsys):
    assert main(["plan", "list", "--format", "json"]) == 0
    plans = json.loads(capsys.readouterr().out)
    assert {"id": demo.pk, "title": demo.title, "year": 2019} == {
        k: plans[0][k] for k in ("id", "title", "year")
    }
    for name, args in (
        ("b.docx", ["bulletin", str(demo.pk), "--period", "2019-06"]),
        ("b.xlsx", ["bulletin", str(demo.pk), "--period", "2019-6"]),
        ("s.pdf", ["summary", str(demo.pk), "--year", "2019", "--language", "zh"]),
        ("s.html", ["summary", str(demo.pk)]),
    ):
        output = tmp_path / name
        assert main(["report", *args, "-o", str(output)]) == 0, name
        assert output.stat().st_size > 1000
        assert str(output) in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bulletin", "{plan}", "--period", "2019-06", "-o", "x.txt"], "cannot tell the format"),
        (["bulletin", "{plan}", "--period", "2031-01", "-o", "x.docx"], "no reporting period"),
        (["bulletin", "{plan}", "--period", "junk", "-o", "x.docx"], "YYYY-MM"),
        (["summary", "999999", "-o", "x.docx"], "no such plan"),
        (["summary", "{plan}", "-o", "/nonexistent/dir/x.docx"], "cannot write"),
    ],
)
def test_the_cli_refuses_bad_input_in_one_line(demo, capsys, args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["report", *[a.replace("{plan}", str(demo.pk)) for a in args]]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_the_wording_from_the_page_and_the_api(client, demo, planner):
    client.force_login(planner)
    url = reverse("reports:wording_edit", args=[demo.pk])
    response = client.post(url, {"bulletin_title": "{plan} {broken", "version": "0"}, follow=True)
    assert "cannot be used" in response.content.decode()
    client.post(url, {"number": "统发〔2019〕7号", "version": "0"})
    api = client_for(planner)
    got = api.get(f"/api/v1/plans/{demo.pk}/report-wording").json()
    assert got["values"] == {"number": "统发〔2019〕7号"} and "bulletin_title" in got["defaults"]
    put = api.put(
        f"/api/v1/plans/{demo.pk}/report-wording",
        data=json.dumps({"values": {"issuer": "{year}年办公室"}, "version": got["version"]}),
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json()["values"]["issuer"] == "{year}年办公室"
    bad = api.put(
        f"/api/v1/plans/{demo.pk}/report-wording",
        data=json.dumps({"values": {"issuer": "{nope}"}}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and "cannot be used" in bad.json()["error"]["message"]
