"""Word (.docx) in office layout: A4, a title block, headings, tables, page numbers.

Fonts are set by name with an East-Asian font (仿宋 for the body, 黑体 for headings, 宋体
for the title), which Word and WPS map to the installed Chinese fonts; LibreOffice falls
back to any CJK font the system has. Table header rows repeat on every page.
"""

from __future__ import annotations

import io
from typing import Any

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from lxml import etree  # type: ignore[import-untyped]

from workplan.reports.document import Chart, Doc, FigureList, Heading, Para, Table, appendix_lines
from workplan.reports.render.charts import chart_png

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
BODY_FONT = ("Times New Roman", "仿宋")
HEADING_FONT = ("Times New Roman", "黑体")
TITLE_FONT = ("Times New Roman", "宋体")


def _font(style: BaseStyle, fonts: tuple[str, str], size: float, *, bold: bool = False) -> None:
    font = style.font  # type: ignore[attr-defined]
    font.name, font.size, font.bold, font.italic = fonts[0], Pt(size), bold, False
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.append(rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi"):
        rfonts.set(qn(attr), fonts[0])
    rfonts.set(qn("w:eastAsia"), fonts[1])
    font.color.rgb = RGBColor(0, 0, 0)


def _styles(document: object) -> None:
    styles = document.styles  # type: ignore[attr-defined]
    _font(styles["Normal"], BODY_FONT, 14)
    styles["Normal"].paragraph_format.line_spacing = Pt(26)
    title = styles.add_style("Document Title", WD_STYLE_TYPE.PARAGRAPH)
    title.base_style = styles["Normal"]
    _font(title, TITLE_FONT, 22, bold=True)
    title.paragraph_format.line_spacing = Pt(34)
    title.paragraph_format.space_before = Pt(12)
    for level, size in ((1, 16), (2, 15), (3, 14), (4, 14)):
        style = styles[f"Heading {level}"]
        _font(style, HEADING_FONT if level == 1 else BODY_FONT, size, bold=level > 1)
        style.paragraph_format.space_before = Pt(8 if level == 1 else 4)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True


def _page(document: object) -> None:
    section = document.sections[0]  # type: ignore[attr-defined]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(footer, "PAGE")


def _field_char(paragraph: Paragraph, kind: str) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(char)


def _field(paragraph: Paragraph, code: str) -> None:
    """A Word field (PAGE) between dashes: begin, instruction, separate, placeholder, end."""
    paragraph.add_run("— ")
    _field_char(paragraph, "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {code} "
    paragraph.add_run()._r.append(instruction)
    _field_char(paragraph, "separate")
    paragraph.add_run("1")
    _field_char(paragraph, "end")
    paragraph.add_run(" —")


def _title_block(document: object, doc: Doc) -> None:
    add = document.add_paragraph  # type: ignore[attr-defined]
    if doc.number:
        number = add(doc.number)
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = add(doc.title, style="Document Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = add(doc.subtitle)
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    issuer = add(f"{doc.issuer}　{doc.date.isoformat()}")
    issuer.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _repeat_header(table: DocxTable) -> None:
    row_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row_pr.append(header)


def _cell_text(cell: Any, text: str, *, bold: bool = False) -> None:
    paragraph = cell._tc.find(qn("w:p"))
    props = etree.SubElement(paragraph, qn("w:pPr"))
    etree.SubElement(props, qn("w:spacing")).attrib.update({qn("w:line"): "240", qn("w:lineRule"): "auto"})
    paragraph.append(_run(text, bold=bold, size=21))  # 10.5 pt


def _table(document: object, columns: list[str], rows: list[list[str]], widths: list[float] | None) -> None:
    table = document.add_table(rows=1 + len(rows), cols=len(columns))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        _cell_text(cell, text, bold=True)
    for row, values in zip(table.rows[1:], rows, strict=True):
        for cell, text in zip(row.cells, values, strict=True):
            _cell_text(cell, text)
    _repeat_header(table)
    _widths(table, widths or [1.0] * len(columns))


def _widths(table: DocxTable, widths: list[float]) -> None:
    """Fixed column widths over the page's 156 mm (the grid for LibreOffice, each cell for Word)."""
    table.autofit = False
    total, usable = sum(widths), 156.0
    sizes = [Mm(usable * share / total) for share in widths]
    for grid_column, size in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), sizes, strict=True):
        grid_column.set(qn("w:w"), str(int(size.twips)))
    for column, size in zip(table.columns, sizes, strict=True):
        for cell in column.cells:
            cell.width = size


def _run(text: str, *, bold: bool = False, size: int | None = None) -> Any:
    """A ``w:r`` with its text (newlines as breaks), built with lxml directly."""
    run = etree.Element(qn("w:r"))
    if bold or size:
        props = etree.SubElement(run, qn("w:rPr"))
        if bold:
            etree.SubElement(props, qn("w:b"))
        if size:
            etree.SubElement(props, qn("w:sz")).set(qn("w:val"), str(size))
    for n, line in enumerate(text.split("\n")):
        if n:
            etree.SubElement(run, qn("w:br"))
        node = etree.SubElement(run, qn("w:t"))
        node.text = line
        node.set(XML_SPACE, "preserve")
    return run


class _Body:
    """Appends paragraphs before the section properties in constant time.

    python-docx's ``add_paragraph`` finds its place by scanning the body and resolves a
    style by name each call, which is quadratic for a 2,000-item summary; these paragraphs
    are built with lxml directly (the same XML).
    """

    def __init__(self, document: Any) -> None:
        self.end = document.element.body.sectPr
        self.style_ids = {
            name: document.styles[name].style_id
            for name in ("Heading 1", "Heading 2", "Heading 3", "Heading 4", "Document Title")
        }

    def paragraph(
        self, text: str = "", style: str | None = None, *, small: bool = False, indent: bool = False
    ) -> None:
        element = etree.Element(qn("w:p"))
        if style or indent:
            props = etree.SubElement(element, qn("w:pPr"))
            if style:
                etree.SubElement(props, qn("w:pStyle")).set(qn("w:val"), self.style_ids[style])
            if indent:
                etree.SubElement(props, qn("w:ind")).set(qn("w:firstLine"), "560")  # two characters
        if text:
            element.append(_run(text, size=24 if small else None))
        self.end.addprevious(element)


def _appendix(body: _Body, doc: Doc) -> None:
    body.paragraph(doc.appendix_title, "Heading 1")
    for figure in doc.figures:
        head, *lines = appendix_lines(figure)
        body.paragraph(head, "Heading 3")
        for line in lines:
            body.paragraph(line)


def render_docx(doc: Doc) -> bytes:
    """``doc`` as a .docx file."""
    document = docx.Document()
    _styles(document)
    _page(document)
    _title_block(document, doc)
    body = _Body(document)
    for block in doc.blocks:
        if isinstance(block, Heading):
            body.paragraph(block.text, f"Heading {min(block.level, 4)}")
        elif isinstance(block, Para):
            # Notes are smaller, not slanted: italic Chinese is only a sheared font.
            body.paragraph(block.text, small=block.style == "note", indent=block.style == "body")
        elif isinstance(block, FigureList):
            _table(document, block.columns, [[f.label, str(f.value)] for f in block.figures], [3, 1])
        elif isinstance(block, Table):
            _table(document, block.columns, block.rows, block.widths)
        elif isinstance(block, Chart):
            png, (width, _height) = chart_png(block)
            document.add_picture(io.BytesIO(png), width=Pt(min(width, 156 / 25.4 * 72)))
    if doc.figures and doc.appendix_title:
        _appendix(body, doc)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
