"""Builders of small .docx and .pdf files for the readers' tests and the benchmark.

They live beside the readers (not under ``tests/``) so the benchmark can use them too. The
.docx builders use python-docx and add real ``numbering.xml`` definitions; the PDF builder
writes a minimal PDF by hand: Helvetica for Latin text and the Adobe-GB1 CID font
"STSong-Light" (a standard font viewers and pdfminer know without embedding) for Chinese.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import docx
from docx.oxml import parse_xml
from docx.text.paragraph import Paragraph

from workplan.parsing.document import Document

_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@dataclass(frozen=True, slots=True)
class ListLevel:
    """One level of a Word list definition, as written in numbering.xml."""

    num_fmt: str
    lvl_text: str
    start: int = 1


#: The usual Chinese plan outline: 一、 / （一） / 1. / （1）
CHINESE_PLAN_LEVELS = (
    ListLevel("chineseCounting", "%1、"),
    ListLevel("chineseCounting", "（%2）"),
    ListLevel("decimal", "%3."),
    ListLevel("decimal", "（%4）"),
)


def add_list_definition(
    document: docx.document.Document,
    levels: Sequence[ListLevel],
    *,
    abstract_id: int,
    num_id: int,
    start_overrides: dict[int, int] | None = None,
    style_links: dict[int, str] | None = None,
) -> None:
    """Add an abstractNum with ``levels`` and a num ``num_id`` pointing at it."""
    numbering = document.part.numbering_part.element
    lvls = []
    for ilvl, level in enumerate(levels):
        p_style = f'<w:pStyle w:val="{style_links[ilvl]}"/>' if style_links and ilvl in style_links else ""
        lvls.append(
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{level.start}"/><w:numFmt w:val="{level.num_fmt}"/>'
            f'{p_style}<w:lvlText w:val="{level.lvl_text}"/><w:lvlJc w:val="left"/></w:lvl>'
        )
    abstract = parse_xml(
        f'<w:abstractNum {_W_NS} w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="multilevel"/>{"".join(lvls)}</w:abstractNum>'
    )
    overrides = "".join(
        f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
        for ilvl, start in (start_overrides or {}).items()
    )
    num = parse_xml(
        f'<w:num {_W_NS} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>'
    )
    existing_nums = numbering.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    if existing_nums:
        existing_nums[0].addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(num)


def set_numbering(paragraph: Paragraph, *, num_id: int, ilvl: int) -> None:
    """Give a paragraph Word automatic numbering (list ``num_id``, level ``ilvl``)."""
    ppr = paragraph._p.get_or_add_pPr()
    ppr.insert(
        0,
        parse_xml(f'<w:numPr {_W_NS}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'),
    )


def docx_to_bytes(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# -- PDF -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PdfText:
    """A run of text drawn at (x, y) from the page's bottom-left corner, in points."""

    x: float
    y: float
    text: str
    size: float = 12.0


def _latin_string(text: str) -> bytes:
    encoded = text.encode("latin-1", errors="replace")
    return b"(" + encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _cjk_string(text: str) -> bytes:
    return b"<" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def build_pdf(
    pages: Sequence[Sequence[PdfText]],
    *,
    width: float = 595.0,
    height: float = 842.0,
    title: str | None = None,
    drawing_only: bool = False,
) -> bytes:
    """A minimal PDF. Text with any non-Latin-1 character is drawn in STSong-Light.

    ``drawing_only`` draws a filled rectangle and no text on every page, like a scan.
    """
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # pages, filled in below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [5 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 "
        b"/FontDescriptor 6 0 R >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    page_ids: list[int] = []
    for page in pages:
        stream_parts: list[bytes] = []
        if drawing_only:
            stream_parts.append(b"0.5 g 50 50 400 600 re f")
        for item in page:
            is_latin = all(ord(char) < 256 for char in item.text)
            font = b"/F1" if is_latin else b"/F2"
            string = _latin_string(item.text) if is_latin else _cjk_string(item.text)
            stream_parts.append(
                b"BT %s %.1f Tf %.2f %.2f Td %s Tj ET" % (font, item.size, item.x, item.y, string)
            )
        stream = b"\n".join(stream_parts)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        content_id = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.0f %.0f] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>" % (width, height, content_id)
        )
        page_ids.append(len(objects))
    kids = b" ".join(b"%d 0 R" % page_id for page_id in page_ids)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))
    info_ref = b""
    if title is not None:
        objects.append(b"<< /Title <FEFF%s> >>" % title.encode("utf-16-be").hex().upper().encode())
        info_ref = b" /Info %d 0 R" % len(objects)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, info_ref, xref)
    )
    return out.getvalue()


def lay_out_pdf(
    paragraphs: Sequence[str],
    *,
    chars_per_line: int,
    chinese: bool,
    header: str | None = None,
    page_numbers: str | None = "- {} -",
    lines_per_page: int = 30,
    size: float = 12.0,
) -> bytes:
    """Typeset paragraphs as a document would: wrapped lines, first-line indent for Chinese,
    an optional running header and page numbers ("- {} -", "第{}页", "Page {} of {}").
    """
    import textwrap

    left, top, leading = 72.0, 842.0 - 90.0, size * 1.5
    lines: list[tuple[float, str]] = []
    for paragraph in paragraphs:
        if chinese:
            indent = 2 * size
            first = chars_per_line - 2
            chunks = [paragraph[:first]] + [
                paragraph[i : i + chars_per_line] for i in range(first, len(paragraph), chars_per_line)
            ]
            lines.extend(
                (left + (indent if index == 0 else 0), chunk) for index, chunk in enumerate(chunks) if chunk
            )
        else:
            lines.extend((left, chunk) for chunk in textwrap.wrap(paragraph, chars_per_line))
    page_chunks = [lines[i : i + lines_per_page] for i in range(0, len(lines), lines_per_page)] or [[]]
    pages: list[list[PdfText]] = []
    for number, chunk in enumerate(page_chunks, start=1):
        items = [PdfText(x, top - index * leading, text, size) for index, (x, text) in enumerate(chunk)]
        if header:
            items.append(PdfText(left, 842.0 - 40.0, header, size * 0.75))
        if page_numbers:
            label = page_numbers.format(number, len(page_chunks))
            items.append(PdfText(280.0, 36.0, label, size * 0.75))
        pages.append(items)
    return build_pdf(pages)


def check_invariants(document: Document) -> None:
    """Assert what every reader promises about a Document (see ``document.py``)."""
    text = document.text
    position = 0
    for index, block in enumerate(document.blocks):
        expected_start = 0 if index == 0 else position + 1
        if index and text[position : block.start] != "\n":
            raise AssertionError(f"block {index} is not separated from the previous one by one newline")
        if block.start != expected_start or not block.start < block.end <= len(text):
            raise AssertionError(f"block {index} has a bad span {block.start}..{block.end}")
        body = text[block.start : block.end]
        if "\n" in body or body != body.strip():
            raise AssertionError(f"block {index} contains a newline or surrounding whitespace: {body!r}")
        if block.cells:
            if block.kind != "table_row":
                raise AssertionError(f"block {index} has cells but is a {block.kind}")
            previous_end = block.start
            for cell in block.cells:
                if not previous_end <= cell.start <= cell.end <= block.end:
                    raise AssertionError(f"a cell of block {index} lies outside it or out of order")
                if any(not cell.start < at < cell.end - 1 or text[at] != " " for at in cell.line_breaks):
                    raise AssertionError(f"a line break of a cell of block {index} is not a space inside it")
                previous_end = cell.end
        position = block.end
    if document.blocks and position != len(text):
        raise AssertionError("text continues after the last block")
    if not document.blocks and text:
        raise AssertionError("text without blocks")
