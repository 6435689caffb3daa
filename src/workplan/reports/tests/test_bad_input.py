"""Bad input: unknown or future periods, a plan without reports, broken wording, hostile text."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.utils import translation
from docx import Document

from workplan.core import clock
from workplan.core.errors import Forbidden, Invalid, NotFound
from workplan.core.testing import make_plan_with_task
from workplan.progress import services as progress
from workplan.progress.models import ProgressReport, ReportStatus
from workplan.progress.testing import dispatched_task, moment
from workplan.reports import wording
from workplan.reports.selectors import bulletin, period_label
from workplan.reports.services import document_generate, good_practice_mark
from workplan.reports.tests.helpers import docx_paragraphs, pdf_text, xlsx_sheets


@pytest.mark.parametrize("text", ["2019", "June", "2019-13x", "2019-Q9x", "", "x" * 500, "2019\x00-06"])
def test_an_unreadable_period_is_refused_clearly(text):
    with pytest.raises(Invalid, match="YYYY-MM"):
        period_label(text)


def test_period_labels_as_the_calendar_names_them():
    assert period_label("2019-06") == "2019-06"
    assert period_label("2019-6") == "2019-06"
    assert period_label("2019-Q2") == "2019Q2"
    assert period_label(" 2019q2 ") == "2019Q2"


def test_a_missing_or_future_period_is_refused(demo, planner):
    with pytest.raises(NotFound, match="no reporting period 2020-01"):
        document_generate(actor=planner, plan=demo, kind="bulletin", fmt="docx", period="2020-01")
    with clock.frozen(moment(2019, 3, 10)), pytest.raises(Invalid, match="has not started"):
        document_generate(actor=planner, plan=demo, kind="bulletin", fmt="docx", period="2019-06")
    with pytest.raises(Invalid, match="Choose the reporting period"):
        document_generate(actor=planner, plan=demo, kind="bulletin", fmt="docx")
    with pytest.raises(Invalid, match="Unknown format"):
        document_generate(actor=planner, plan=demo, kind="summary", fmt="exe")
    with pytest.raises(Invalid, match="there is no summary of it for 2018"):
        document_generate(actor=planner, plan=demo, kind="summary", fmt="docx", year=2018)


def test_a_plan_with_no_reports_gives_a_document_that_says_so(actor, org):
    d = dispatched_task(actor, owner=org.unit_a, assignee=org.unit_a, due=dt.date(2019, 3, 31))
    for kind, period in (("bulletin", "2019-01"), ("summary", None)):
        result = document_generate(actor=actor, plan=d.plan, kind=kind, fmt="docx", period=period)
        assert any("No progress report has been submitted" in p for p in docx_paragraphs(result.content))
    empty = make_plan_with_task(actor, owner=org.unit_b, assignee=org.unit_b).plan
    result = document_generate(actor=actor, plan=empty, kind="summary", fmt="pdf")
    assert "Noprogressreport" in pdf_text(result.content)


def test_a_broken_template_gives_a_clear_message(demo, planner):
    for broken in ("{plan} {nonsense}", "{plan", "{0}", "{plan.__class__}"):
        with pytest.raises(Invalid, match="cannot be used") as error:
            bulletin(user=planner, plan=demo, period="2019-06", template={"bulletin_title": broken})
        assert "{plan}" in error.value.message
    reworded = bulletin(
        user=planner, plan=demo, period="2019-06", template={"bulletin_title": "关于{plan}的通报"}
    )
    assert reworded.title.startswith("关于")
    wording.check("bulletin_title", "{plan}（{period}）", {"plan", "period"})


def test_control_characters_and_markup_make_clean_documents(actor, org):
    hostile = "进展<b>加粗</b>&amp; <script>alert(1)</script>\x01\x0b\x1f\ufffe末尾"
    d = dispatched_task(actor, owner=org.unit_a, assignee=org.unit_a, due=dt.date(2019, 3, 31))
    with clock.frozen(moment(2019, 1, 10)):
        report = progress.report_save(
            actor=actor, track=d.track, period=d.period(1), narrative=hostile, percent=30, submit=True
        )
    progress.report_accept(actor=actor, report=report)
    good_practice_mark(actor=actor, report=ProgressReport.objects.get(pk=report.pk), note="<i>note</i>\x02")
    for fmt in ("docx", "xlsx", "pdf", "html"):
        with translation.override("zh-hans"):
            data = document_generate(
                actor=actor, plan=d.plan, kind="bulletin", fmt=fmt, period="2019-01"
            ).content
        if fmt == "docx":
            text = "\n".join(docx_paragraphs(data))
            assert "进展<b>加粗</b>&amp; <script>alert(1)</script>末尾" in text
            zipfile.ZipFile(io.BytesIO(data)).testzip()
        elif fmt == "pdf":
            assert "<b>加粗</b>&amp;" in pdf_text(data)
        elif fmt == "xlsx":
            assert xlsx_sheets(data)
        else:
            page = data.decode()
            assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_good_practice_needs_an_accepted_report_and_a_planner(demo, planner, reporter):
    submitted = ProgressReport.objects.filter(item__plan=demo, status=ReportStatus.SUBMITTED).first()
    with pytest.raises(Invalid, match="Only an accepted report"):
        good_practice_mark(actor=planner, report=submitted)
    accepted = ProgressReport.objects.filter(
        item__plan=demo, status=ReportStatus.ACCEPTED, period__label="2019-05"
    ).order_by("id")[0]
    with pytest.raises(Forbidden):
        good_practice_mark(actor=reporter, report=accepted)
    with pytest.raises(Invalid, match="longer than 300"):
        good_practice_mark(actor=planner, report=accepted, note="x" * 301)
    good_practice_mark(actor=planner, report=accepted, note="做法可复制")
    doc = document_generate(actor=planner, plan=demo, kind="bulletin", fmt="docx", period="2019-05").content
    paragraphs = docx_paragraphs(doc)
    start = paragraphs.index("8. Good practice")
    assert accepted.narrative in paragraphs[start:] and "做法可复制" in paragraphs[start:]
    assert Document(io.BytesIO(doc)).paragraphs


def test_the_office_rewords_its_documents_and_a_broken_template_is_refused(demo, planner, reporter):
    from workplan.reports.models import ReportWording
    from workplan.reports.services import wording_update

    with pytest.raises(Forbidden):
        wording_update(actor=reporter, plan=demo, values={"number": "x"})
    for bad in (
        {"bulletin_title": "{plan} {oops}"},
        {"issuer": "{evidence}"},
        {"nonsense": "x"},
        {"number": "{"},
    ):
        with pytest.raises(Invalid):
            wording_update(actor=planner, plan=demo, values=bad)
    assert not ReportWording.objects.filter(plan=demo, values__has_key="bulletin_title").exists()
    row = wording_update(
        actor=planner,
        plan=demo,
        values={
            "number": "统发〔2019〕6号",
            "issuer": "中共某市委统战部办公室",
            "bulletin_title": "关于{plan}推进情况的通报\x07",
        },
    )
    result = document_generate(actor=planner, plan=demo, kind="bulletin", fmt="docx", period="2019-06")
    paragraphs = docx_paragraphs(result.content)
    assert (
        paragraphs[0] == "统发〔2019〕6号"
        and paragraphs[1].startswith("关于")
        and "\x07" not in paragraphs[1]
    )
    assert any(p.startswith("中共某市委统战部办公室") for p in paragraphs[:4])
    wording_update(actor=planner, plan=demo, values={"number": ""}, expected_version=row.version)
    assert ReportWording.objects.get(plan=demo).values == {
        "issuer": "中共某市委统战部办公室",
        "bulletin_title": "关于{plan}推进情况的通报",
    }
    from workplan.core.errors import Conflict

    with pytest.raises(Conflict):
        wording_update(actor=planner, plan=demo, values={"number": "x"}, expected_version=row.version)


def test_a_chart_of_many_units_fits_a_pdf_page():
    from workplan.reports.document import Chart, Doc
    from workplan.reports.render.pdf import render_pdf

    doc = Doc(
        kind="bulletin", title="通报", subtitle="", number="", issuer="办公室", date=dt.date(2019, 6, 30)
    )
    doc.add(
        Chart(
            title="各单位完成情况",
            labels=[f"单位{n}" for n in range(120)],
            values=[n % 100 for n in range(120)],
        )
    )
    assert render_pdf(doc).startswith(b"%PDF")
