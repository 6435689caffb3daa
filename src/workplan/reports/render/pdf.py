"""PDF with the Chinese font embedded (a subset) and the text extractable, made with ReportLab.

The font is a CJK TrueType font installed by the system (``fonts-wqy-zenhei`` by
``make setup`` and ``.ci/run``), or the file named by ``WORKPLAN_REPORT_FONT``; nothing is
ever downloaded. Table header rows repeat on every page; pages are numbered.
"""

from __future__ import annotations

import io
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from workplan.reports.document import Chart, Doc, FigureList, Heading, Para, Table, appendix_lines
from workplan.reports.render.charts import chart_png
from workplan.reports.render.fonts import font_path

FONT_NAME = "WorkplanCJK"
USABLE_WIDTH = A4[0] - 50 * mm
MAX_CHART_HEIGHT = A4[1] - 90 * mm


@cache
def font() -> str:
    """Register the CJK font once; refuse clearly when none is installed."""
    pdfmetrics.registerFont(TTFont(FONT_NAME, font_path(), subfontIndex=0))
    return FONT_NAME


def _styles() -> dict[str, ParagraphStyle]:
    name = font()
    base: dict[str, Any] = {"fontName": name, "bulletFontName": name, "wordWrap": "CJK"}
    return {
        "title": ParagraphStyle("title", fontSize=20, leading=30, alignment=1, spaceAfter=6, **base),
        "center": ParagraphStyle("center", fontSize=12, leading=18, alignment=1, **base),
        "h1": ParagraphStyle("h1", fontSize=15, leading=22, spaceBefore=8, spaceAfter=4, **base),
        "h2": ParagraphStyle("h2", fontSize=13, leading=20, spaceBefore=6, spaceAfter=2, **base),
        "h3": ParagraphStyle("h3", fontSize=12, leading=18, spaceBefore=4, **base),
        "body": ParagraphStyle("body", fontSize=11.5, leading=19, firstLineIndent=23, **base),
        "note": ParagraphStyle(
            "note", fontSize=10.5, leading=16, textColor=colors.HexColor("#333333"), **base
        ),
        "quote": ParagraphStyle("quote", fontSize=10.5, leading=16, leftIndent=12, **base),
        "cell": ParagraphStyle("cell", fontSize=9, leading=12, **base),
        "head": ParagraphStyle("head", fontSize=9, leading=12, textColor=colors.white, **base),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    # ReportLab reads its paragraphs as markup: every piece of data is escaped first.
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _table(
    columns: list[str], rows: list[list[str]], widths: list[float] | None, styles: dict[str, Any]
) -> LongTable:
    shares = widths or [1.0] * len(columns)
    col_widths = [USABLE_WIDTH * s / sum(shares) for s in shares]
    data = [[_p(c, styles["head"]) for c in columns]] + [[_p(v, styles["cell"]) for v in row] for row in rows]
    table = LongTable(data, colWidths=col_widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),  # the cells' default font is Helvetica
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#404040")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _number_pages(canvas: Any, document: Any) -> None:
    canvas.saveState()
    canvas.setFont(FONT_NAME, 10)
    canvas.drawCentredString(A4[0] / 2, 15 * mm, f"— {document.page} —")
    canvas.restoreState()


def render_pdf(doc: Doc) -> bytes:
    """``doc`` as an A4 PDF."""
    styles = _styles()
    story: list[Any] = []
    if doc.number:
        story.append(_p(doc.number, styles["center"]))
    story += [
        _p(doc.title, styles["title"]),
        _p(doc.subtitle, styles["center"]),
        _p(f"{doc.issuer}　{doc.date.isoformat()}", styles["center"]),
        Spacer(1, 6 * mm),
    ]
    for block in doc.blocks:
        if isinstance(block, Heading):
            story.append(_p(block.text, styles[f"h{min(block.level, 3)}"]))
        elif isinstance(block, Para):
            story.append(_p(block.text, styles.get(block.style, styles["body"])))
        elif isinstance(block, FigureList):
            story.append(
                _table(block.columns, [[f.label, str(f.value)] for f in block.figures], [3, 1], styles)
            )
        elif isinstance(block, Table):
            story.append(_table(block.columns, block.rows, block.widths, styles))
        elif isinstance(block, Chart):
            png, (width, height) = chart_png(block)
            scale = min(1.0, USABLE_WIDTH / width, MAX_CHART_HEIGHT / height)  # fits one page
            story.append(Image(io.BytesIO(png), width=width * scale, height=height * scale))
    if doc.figures and doc.appendix_title:
        story.append(_p(doc.appendix_title, styles["h1"]))
        for figure in doc.figures:
            head, *lines = appendix_lines(figure)
            story.append(_p(head, styles["h3"]))
            story += [_p(line, styles["note"]) for line in lines]
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=22 * mm,
        topMargin=30 * mm,
        bottomMargin=28 * mm,
        title=doc.title,
        author=doc.issuer,
        initialFontName=FONT_NAME,  # so that no unembedded standard font is referenced
    )
    pdf.build(story, onFirstPage=_number_pages, onLaterPages=_number_pages)
    return buffer.getvalue()
