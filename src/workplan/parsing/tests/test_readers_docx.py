"""The .docx reader: automatic numbering, headings, tables, inline content, and bad packages."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from workplan.parsing.errors import ParseError
from workplan.parsing.readers import MAX_DOCX_ENTRIES, read_bytes, read_file
from workplan.parsing.readers.numbering import chinese_counting, format_number, letters, roman
from workplan.parsing.readers.testing import (
    CHINESE_PLAN_LEVELS,
    ListLevel,
    add_list_definition,
    check_invariants,
    docx_to_bytes,
    set_numbering,
)

SHARED_PLANS = Path(__file__).resolve().parents[4] / ".." / "shared" / "plans"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _read(document) -> tuple:
    result = read_bytes(docx_to_bytes(document), filename="plan.docx")
    check_invariants(result)
    return result, [result.block_text(block) for block in result.blocks]


# -- numbering -------------------------------------------------------------------------------


def test_number_formats():
    assert [
        chinese_counting(n) for n in (1, 9, 10, 11, 19, 20, 21, 99, 100, 101, 110, 1000, 1010, 10001)
    ] == [
        "一",
        "九",
        "十",
        "十一",
        "十九",
        "二十",
        "二十一",
        "九十九",
        "一百",
        "一百零一",
        "一百一十",
        "一千",
        "一千零一十",
        "一万零一",
    ]
    assert [roman(n) for n in (1, 4, 9, 14, 40, 1990)] == ["I", "IV", "IX", "XIV", "XL", "MCMXC"]
    assert [letters(n) for n in (1, 26, 27, 28)] == ["A", "Z", "AA", "BB"]
    assert format_number(3, "ideographTraditional") == "丙"
    assert format_number(2, "chineseLegalSimplified") == "贰"
    assert format_number(12, "decimalEnclosedCircle") == "⑫"
    assert format_number(12, "decimalFullWidth") == "１２"
    assert format_number(3, "lowerLetter") == "c"
    assert format_number(4, "lowerRoman") == "iv"
    assert format_number(2, "ordinalText") == "Second"
    assert format_number(5, "bullet") == ""
    assert format_number(5, "someFutureFormat") == "5"


def test_automatic_numbering_is_rendered_with_restarts_and_levels():
    document = docx.Document()
    add_list_definition(document, CHINESE_PLAN_LEVELS, abstract_id=90, num_id=90)
    rows = [
        ("总体要求", 0),
        ("指导思想。", 1),
        ("坚持以人民为中心。", None),
        ("基本原则。", 1),
        ("问题导向。", 2),
        ("开放融合。", 2),
        ("细则", 3),
        ("试点任务", 0),
        ("建设集约化平台。", 1),
        ("平台建设。", 2),
        ("", 2),  # an empty numbered paragraph still takes a number, as in Word
        ("保障措施。", 2),
    ]
    for text, level in rows:
        paragraph = document.add_paragraph(text)
        if level is not None:
            set_numbering(paragraph, num_id=90, ilvl=level)
    result, texts = _read(document)
    assert texts == [
        "一、总体要求",
        "（一）指导思想。",
        "坚持以人民为中心。",
        "（二）基本原则。",
        "1.问题导向。",
        "2.开放融合。",
        "（1）细则",
        "二、试点任务",
        "（一）建设集约化平台。",
        "1.平台建设。",
        "3.保障措施。",
    ]
    assert [block.numbering_level for block in result.blocks] == [0, 1, None, 1, 2, 2, 3, 0, 1, 2, 2]


def test_start_values_overrides_and_shared_abstract_lists():
    document = docx.Document()
    levels = (ListLevel("decimal", "%1.", start=3), ListLevel("lowerLetter", "%2)"))
    add_list_definition(document, levels, abstract_id=70, num_id=70)
    add_list_definition(document, levels, abstract_id=71, num_id=71)
    # num 72 shares abstract 71 and continues it; num 73 restarts it at 10.
    numbering = document.part.numbering_part.element
    numbering.append(parse_xml(f'<w:num {W} w:numId="72"><w:abstractNumId w:val="71"/></w:num>'))
    numbering.append(
        parse_xml(
            f'<w:num {W} w:numId="73"><w:abstractNumId w:val="71"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="10"/></w:lvlOverride></w:num>'
        )
    )
    for text, num_id, level in [
        ("Goals", 70, 0),
        ("Scope", 70, 0),
        ("one", 70, 1),
        ("two", 70, 1),
        ("First list", 71, 0),
        ("Continued", 72, 0),
        ("Restarted", 73, 0),
        ("Again", 73, 0),
        ("Unnumbered by numId 0", 0, 0),
    ]:
        set_numbering(document.add_paragraph(text), num_id=num_id, ilvl=level)
    _, texts = _read(document)
    assert texts == [
        "3. Goals",
        "4. Scope",
        "a) one",
        "b) two",
        "3. First list",
        "4. Continued",
        "10. Restarted",
        "11. Again",
        "Unnumbered by numId 0",
    ]


def test_numbering_through_a_heading_style_and_heading_levels():
    document = docx.Document()
    add_list_definition(
        document,
        CHINESE_PLAN_LEVELS[:2],
        abstract_id=80,
        num_id=80,
        style_links={0: "Heading1", 1: "Heading2"},
    )
    for style_id, ilvl in (("Heading1", None), ("Heading2", 1)):
        style = document.styles.element.get_by_id(style_id)
        ilvl_xml = f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else ""
        style.get_or_add_pPr().insert(0, parse_xml(f'<w:numPr {W}>{ilvl_xml}<w:numId w:val="80"/></w:numPr>'))
    document.add_heading("总体要求", level=1)
    document.add_heading("指导思想", level=2)
    document.add_paragraph("正文。")
    document.add_heading("主要任务", level=1)
    document.add_heading("Not numbered", level=3)
    outline = document.add_paragraph("大纲级别段落")
    outline._p.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {W} w:val="1"/>'))
    result, texts = _read(document)
    assert texts == [
        "一、总体要求",
        "（一）指导思想",
        "正文。",
        "二、主要任务",
        "Not numbered",
        "大纲级别段落",
    ]
    assert [block.heading_level for block in result.blocks] == [1, 2, None, 1, 3, 2]
    assert [block.numbering_level for block in result.blocks] == [0, 1, None, 0, None, None]


@pytest.mark.skipif(not SHARED_PLANS.is_dir(), reason="the shared sample plans are not here")
def test_sample_08_automatic_numbering_matches_the_typed_sample_02():
    result = read_file(SHARED_PLANS / "08-zhengfu-wangzhan-autonum.docx")
    check_invariants(result)
    texts = [result.block_text(block) for block in result.blocks]
    typed = [
        line.strip()
        for line in (SHARED_PLANS / "02-zhengfu-wangzhan-jiyuehua-shidian-fangan.txt")
        .read_text(encoding="utf-8")
        .splitlines()
        if line.strip()
    ]
    numbered = [
        text for text, block in zip(texts, result.blocks, strict=True) if block.numbering_level is not None
    ]
    assert numbered[:3] == ["一、总体要求", "（一）指导思想。", "（二）基本原则。"]
    assert numbered[3].startswith("1.问题导向。针对")
    assert numbered[4].startswith("2.开放融合。")
    assert "五、保障措施" in numbered
    assert "（三）开展考核评估。" in " ".join(numbered)
    # Every numbered paragraph reads exactly as the hand-typed version of the same plan.
    assert set(numbered) <= set(typed)
    assert result.source_format == "docx"


# -- tables ----------------------------------------------------------------------------------


def _breakdown_table_document():
    document = docx.Document()
    document.add_paragraph("任务分解表")
    table = document.add_table(rows=5, cols=5)
    for column, header in enumerate(["序号", "工作任务", "牵头单位", "责任单位", "配合单位"]):
        table.cell(0, column).text = header
    part = table.cell(1, 0).merge(table.cell(1, 4))
    part.text = "一、支持企业稳定发展"
    for row, (number, task) in enumerate([("1", "加大稳岗支持力度。"), ("2", "发挥担保作用。")], start=2):
        table.cell(row, 0).text = number
        table.cell(row, 1).text = task
    lead = table.cell(2, 2).merge(table.cell(3, 2))  # one lead unit for both tasks
    lead.text = "人力资源社会保障部"
    table.cell(2, 3).text = "财政部"
    table.cell(3, 3).paragraphs[0].text = "工业和信息化部"
    table.cell(3, 3).add_paragraph("人民银行")
    for column in range(5):
        table.cell(4, column).text = "二、鼓励支持就业创业"  # a part row typed into every cell
    document.add_paragraph("附件")
    return document


def test_table_rows_cells_headers_and_merges():
    result, texts = _read(_breakdown_table_document())
    assert texts == [
        "任务分解表",
        "序号 | 工作任务 | 牵头单位 | 责任单位 | 配合单位",
        "一、支持企业稳定发展",
        "1 | 加大稳岗支持力度。 | 人力资源社会保障部 | 财政部",
        "2 | 发挥担保作用。 |  | 工业和信息化部 人民银行",
        "二、鼓励支持就业创业",
        "附件",
    ]
    header, part, first, second, repeated = result.blocks[1:6]
    assert header.is_table_header and header.kind == "table_row"
    assert not any(block.is_table_header for block in (part, first, second, repeated))
    assert len(part.cells) == 1 and part.cells[0].header is None
    assert len(repeated.cells) == 1
    cells = [(result.text[c.start : c.end], c.header) for c in second.cells]
    assert cells == [
        ("2", "序号"),
        ("发挥担保作用。", "工作任务"),
        ("", "牵头单位"),  # the continuation of a vertical merge is empty: the text is shown once
        ("工业和信息化部 人民银行", "责任单位"),
    ]


def test_layout_table_with_one_cell_is_read_as_paragraphs():
    document = docx.Document()
    frame = document.add_table(rows=1, cols=1).cell(0, 0)
    frame.paragraphs[0].text = "一、总体要求"
    frame.add_paragraph("（一）指导思想。")
    _, texts = _read(document)
    assert texts == ["一、总体要求", "（一）指导思想。"]


@pytest.mark.skipif(not SHARED_PLANS.is_dir(), reason="the shared sample plans are not here")
def test_sample_09_breakdown_table():
    result = read_file(SHARED_PLANS / "09-cujin-jiuye-table.docx")
    check_invariants(result)
    rows = [block for block in result.blocks if block.kind == "table_row"]
    assert rows[0].is_table_header
    assert result.block_text(rows[0]) == "序号 | 工作任务 | 牵头单位 | 责任单位 | 配合单位"
    part_rows = [result.block_text(row) for row in rows if len(row.cells) == 1]
    assert part_rows[:2] == ["一、支持企业稳定发展", "二、鼓励支持就业创业"]
    task = rows[2]
    headers = {c.header: result.text[c.start : c.end] for c in task.cells}
    assert headers["序号"] == "1"
    assert headers["牵头单位"] == "人力资源社会保障部"
    assert headers["工作任务"].startswith("加大稳岗支持力度。")


# -- inline content --------------------------------------------------------------------------


def _paragraph_xml(inner: str) -> str:
    return (
        f'<w:p {W} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        f"{inner}</w:p>"
    )


def test_inline_content_rules():
    document = docx.Document()
    body = document.element.body
    paragraphs = [
        # hyperlink, smart tag, content control, tracked insertion kept; deletion dropped
        '<w:r><w:t xml:space="preserve">见 </w:t></w:r><w:hyperlink r:id="rId99"><w:r><w:t>网站</w:t></w:r>'
        "</w:hyperlink><w:smartTag><w:r><w:t>北京</w:t></w:r></w:smartTag>"
        "<w:sdt><w:sdtContent><w:r><w:t>控件</w:t></w:r></w:sdtContent></w:sdt>"
        "<w:ins><w:r><w:t>新增</w:t></w:r></w:ins><w:del><w:r><w:delText>删除</w:delText></w:r></w:del>",
        # tabs and breaks become whitespace; tab stops in the properties are not text
        '<w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'
        "<w:r><w:t>A</w:t><w:tab/><w:t>B</w:t><w:br/><w:t>C</w:t></w:r>",
        # hidden text and text boxes are not part of the reading order
        "<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r><w:r><w:t>可见</w:t></w:r>"
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing/></mc:Choice>'
        "<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent>"
        "</w:pict></mc:Fallback></mc:AlternateContent></w:r>",
        # a field shows its result, not its code
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>页</w:t></w:r>',
    ]
    sect_pr = body[-1]
    for inner in paragraphs:
        sect_pr.addprevious(parse_xml(_paragraph_xml(inner)))
    # block-level content control around a paragraph
    sect_pr.addprevious(
        parse_xml(
            f"<w:sdt {W}><w:sdtContent><w:p><w:r><w:t>块级控件</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        )
    )
    document.core_properties.title = "  2019年 工作要点 "
    section = document.sections[0]
    section.header.paragraphs[0].text = "页眉不读"
    section.footer.paragraphs[0].text = "页脚不读"
    result, texts = _read(document)
    assert texts == ["见 网站北京控件新增", "A\tB C", "可见", "7页", "块级控件"]
    assert result.title_hint == "2019年 工作要点"


def test_title_hint_is_none_when_core_title_is_empty():
    document = docx.Document()
    document.add_paragraph("x")
    result, _ = _read(document)
    assert result.title_hint is None


# -- bad packages ----------------------------------------------------------------------------


def _valid_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("一、总体要求")
    return docx_to_bytes(document)


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _declare_uncompressed_size(data: bytes, member: str, size: int) -> bytes:
    """Rewrite the central directory so ``member`` claims to unpack to ``size`` bytes."""
    patched = bytearray(data)
    position = patched.find(b"PK\x01\x02")
    while position >= 0:
        name_length = struct.unpack_from("<H", patched, position + 28)[0]
        name = bytes(patched[position + 46 : position + 46 + name_length]).decode()
        if name == member:
            struct.pack_into("<I", patched, position + 24, size)
            return bytes(patched)
        position = patched.find(b"PK\x01\x02", position + 4)
    raise AssertionError(member)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: b"", "is empty"),
        (lambda: _valid_docx()[:2000], "is damaged or incomplete"),
        (
            lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000),
            "password-protected .encrypted. or is an old Word .doc",
        ),
        (lambda: b"%PDF-1.4 not a docx", "is a PDF file with a .docx name"),
        (lambda: b"just some text", "is not a Word .docx file"),
        (lambda: _zip({"a.txt": b"hello"}), "is a zip file but not a Word document"),
        (lambda: _zip({"xl/workbook.xml": b"<x/>", "[Content_Types].xml": b"<x/>"}), "is an Excel workbook"),
        (lambda: _zip({"word/document.xml": b"<w:document"}), "word/document.xml is not well-formed XML"),
        (lambda: _zip({"word/document.xml": b"<html/>"}), "is a zip file but not a Word document"),
        (
            lambda: _declare_uncompressed_size(_valid_docx(), "word/document.xml", 3_000_000_000),
            r"would unpack to 28[0-9][0-9] MB; the limit is 200 MB, so it is refused as a possible zip bomb",
        ),
        (
            lambda: _declare_uncompressed_size(_valid_docx(), "word/document.xml", 100),
            "is damaged or incomplete",
        ),
        (
            lambda: _zip({f"x/{index}.xml": b"" for index in range(10_000)}),
            r"holds 10,000 files inside its zip package.*the limit is 2,000",
        ),
    ],
    ids=[
        "empty",
        "truncated",
        "ole-encrypted",
        "pdf-renamed",
        "not-a-zip",
        "zip-not-word",
        "xlsx-renamed",
        "broken-xml",
        "foreign-xml",
        "declared-zip-bomb",
        "lying-directory",
        "ten-thousand-entries",
    ],
)
def test_bad_docx_files_raise_a_specific_parse_error(make, message):
    with pytest.raises(ParseError, match=message) as raised:
        read_bytes(make(), filename="plan.docx")
    assert "\n" not in str(raised.value)


def test_entry_limit_is_checked_before_the_zip_index_is_built(monkeypatch):
    data = _zip({f"{index}": b"" for index in range(MAX_DOCX_ENTRIES + 1)})

    def refuse(*args, **kwargs):
        raise AssertionError("zipfile.ZipFile was opened")

    monkeypatch.setattr(zipfile, "ZipFile", refuse)
    with pytest.raises(ParseError, match="holds 2,001 files"):
        read_bytes(data, filename="plan.docx")


def test_real_compression_bomb_is_refused_from_the_directory():
    data = _zip({"word/document.xml": bytes(201 * 1024 * 1024)})  # ~200 KB compressed
    assert len(data) < 1024 * 1024
    with pytest.raises(ParseError, match="would unpack to 201 MB"):
        read_bytes(data, filename="plan.docx")


def test_xml_entities_are_not_expanded_or_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    document_xml = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file://'
        + str(secret)
        + '"><!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f"<w:document {W}><w:body><w:p><w:r><w:t>x&xxe;&b;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    try:
        result = read_bytes(_zip({"word/document.xml": document_xml}), filename="plan.docx")
    except ParseError:
        return
    assert "TOP-SECRET" not in result.text
    assert "aaaaaaaaaa" not in result.text
