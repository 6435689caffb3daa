"""Both documents for the seed demo in every format, read back with python-docx, openpyxl and
pdfminer: headings in the plan's order, figures equal to the dashboard's, fonts embedded."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn

from workplan.core.testing import make_plan_with_task
from workplan.plans.models import PlanItem
from workplan.progress.dashboard import plan_dashboard
from workplan.progress.status import Status
from workplan.reports.models import GeneratedDocument
from workplan.reports.services import document_generate
from workplan.reports.tests.helpers import docx_paragraphs, in_order, pdf_text, squeeze, xlsx_sheets


def _headings(plan) -> list[str]:
    return [item.heading for item in PlanItem.objects.filter(plan=plan).order_by("path")]


def test_bulletin_docx_states_the_dashboards_figures_in_office_layout(demo, planner):
    result = document_generate(actor=planner, plan=demo, kind="bulletin", fmt="docx", period="2019-06")
    board = plan_dashboard(user=planner, plan=demo, today=dt.date(2019, 6, 30))
    document = Document(io.BytesIO(result.content))
    first = document.tables[0]
    figures = {row.cells[0].text: row.cells[1].text for row in first.rows[1:]}
    assert figures["Tasks tracked"] == str(board.overall.total) == "16"
    assert figures["Overall completion"] == f"{board.overall.percent}%"
    for status, label in (
        (Status.ON_TRACK, "On track"),
        (Status.AT_RISK, "At risk"),
        (Status.OVERDUE, "Overdue"),
    ):
        assert figures[label] == str(board.overall.counts[status])
    assert figures["Reports submitted"] == "40"
    # One row per unit of the dashboard, in its order, with its completion.
    units = document.tables[1]
    assert [r.cells[0].text for r in units.rows[1:]] == [u.unit.name for u in board.units]
    assert [r.cells[7].text for r in units.rows[1:]] == [f"{u.tally.percent}%" for u in board.units]
    # Office layout: A4, header rows repeated, a page number field, East-Asian fonts named.
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert all(t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None for t in document.tables)
    assert "PAGE" in section.footer.paragraphs[0]._p.xml
    assert document.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
    record = GeneratedDocument.objects.get(pk=result.record.pk)
    assert record.created_by == planner and record.inputs["period"] == "2019-06"
    assert len(record.figures["status_on_track"]["rows"]) == board.overall.counts[Status.ON_TRACK]


@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx", "html"])
def test_summary_in_every_format_has_every_heading_in_order(demo, planner, fmt):
    result = document_generate(actor=planner, plan=demo, kind="summary", fmt=fmt)
    headings = _headings(demo)
    assert len(headings) == 21
    if fmt == "docx":
        text = "\n".join(docx_paragraphs(result.content))
    elif fmt == "pdf":
        text = pdf_text(result.content)
        headings = [squeeze(h) for h in headings]
    elif fmt == "xlsx":
        sheets = xlsx_sheets(result.content)
        text = "\n".join(str(row[1]) for row in sheets["Text"][1:])
        assert "Figures" in sheets
    else:
        from html import unescape

        text = unescape(result.content.decode())
    assert in_order(text, headings), fmt


def test_pdf_embeds_its_fonts_and_chinese_text_is_extractable(demo, planner):
    with translation.override("zh-hans"):
        result = document_generate(actor=planner, plan=demo, kind="summary", fmt="pdf")
    data = result.content
    assert data.startswith(b"%PDF")
    fonts = set(re.findall(rb"/BaseFont\s*/([A-Za-z0-9+\-]+)", data))
    assert fonts and all(b"+" in name for name in fonts), fonts  # subsets only: all embedded
    assert b"/FontFile2" in data
    text = pdf_text(data)
    assert "总体情况" in text  # the overview heading, in Chinese
    assert any(phrase in text for phrase in ("召开专题会议", "完成阶段性任务", "督导检查", "工作台账"))


def test_every_format_of_the_bulletin_opens(demo, planner):
    for fmt in ("pdf", "xlsx", "html"):
        result = document_generate(actor=planner, plan=demo, kind="bulletin", fmt=fmt, period="2019-6")
        assert result.filename == f"bulletin-{demo.pk}-2019-06.{fmt}"
    sheets = xlsx_sheets(
        document_generate(actor=planner, plan=demo, kind="bulletin", fmt="xlsx", period="2019-06").content
    )
    figure_rows = [r for r in sheets["Figures"][1:] if r[0] == "Reports submitted"]
    assert len(figure_rows) == 40 and {r[2] for r in figure_rows} == {"report"}


def test_indicator_and_assessment_sections_come_from_their_providers(demo, planner):
    from workplan.reports import providers
    from workplan.reports.providers import ProvidedTable

    def indicators(*, user, plan, as_of):
        assert user == planner and plan == demo and as_of == dt.date(2019, 6, 30)
        return ProvidedTable(columns=["Indicator", "Value"], rows=[["I-1 sites", "81%"]], item_ids=[None])

    with providers.override("indicators", indicators), providers.override("assessment", lambda **_: None):
        document = Document(
            io.BytesIO(
                document_generate(
                    actor=planner, plan=demo, kind="bulletin", fmt="docx", period="2019-06"
                ).content
            )
        )
    assert any(t.rows[1].cells[0].text == "I-1 sites" for t in document.tables)
    texts = [p.text for p in document.paragraphs]
    ranking = texts.index("6. Assessment ranking")
    assert texts[ranking + 1] == "No figures are available for this section yet."


def test_the_real_providers_fill_the_sections_from_ledgers_and_assessment(demo, planner, actor, org):
    from workplan.reports.adapters_assessment import published_ranking
    from workplan.reports.adapters_ledgers import indicator_attainment

    june = dt.date(2019, 6, 30)
    indicators = indicator_attainment(user=planner, plan=demo, as_of=june)
    assert indicators is not None and len(indicators.rows) == len(indicators.item_ids)
    ranking = published_ranking(user=planner, plan=demo, as_of=june)  # the demo publishes a run
    assert ranking is not None and ranking.rows[0][0].startswith("1")
    document = Document(
        io.BytesIO(
            document_generate(actor=planner, plan=demo, kind="bulletin", fmt="docx", period="2019-06").content
        )
    )
    assert any(
        t.rows[0].cells[0].text == "Rank" and len(t.rows) == len(ranking.rows) + 1 for t in document.tables
    )
    # A plan without indicators or a published run: the sections say so.
    plan = make_plan_with_task(actor, owner=org.unit_b, assignee=org.unit_b).plan
    assert (
        indicator_attainment(user=actor, plan=plan, as_of=june) is None
        or not indicator_attainment(user=actor, plan=plan, as_of=june).rows
    )
    assert published_ranking(user=actor, plan=plan, as_of=june) is None
