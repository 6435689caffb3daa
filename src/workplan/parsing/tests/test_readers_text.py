"""The .txt and .md readers: encodings, blocks, Markdown headings and tables, binary junk."""

from __future__ import annotations

import codecs

import pytest

from workplan.parsing.errors import ParseError
from workplan.parsing.readers import read_bytes, read_file
from workplan.parsing.readers.testing import check_invariants

PLAN = (
    "政府网站集约化试点工作方案\n"
    "一、总体要求\n"
    "（一）指导思想。以习近平新时代中国特色社会主义思想为指导，打通信息壁垒、推进集约共享。\n"
    "（二）基本原则。\n"
    "1.问题导向。针对政府网站存在的建设分散、数据不通、使用不便等突出问题，2019年12月底前完成。\n"
    "2.开放融合。坚持创新驱动，积极运用大数据、云计算、人工智能等技术；覆盖率达到80%以上。\n"
    "牵头单位：国务院办公厅 配合单位：各省（区、市）人民政府\n"
    "鎔、喆、堃、犇、〔2018〕、—、…、·、①"
)


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
        ("utf-32", "utf-32"),
    ],
)
def test_chinese_text_round_trips_in_every_encoding(encoding, reported):
    if encoding == "utf-16-le":
        text = PLAN.replace("鎔", "")  # BOM-less UTF-16 is recognised by its NUL bytes: keep ASCII in it
        data = (text + "\nplan 2019 ok").encode(encoding)
        expected = text + "\nplan 2019 ok"
    else:
        data = PLAN.encode(encoding)
        expected = PLAN
    document = read_bytes(data, filename="plan.txt")
    assert document.text == expected
    assert document.encoding == reported
    assert document.source_format == "txt"
    assert len(document.blocks) == len(expected.splitlines())
    check_invariants(document)


def test_gbk_file_from_disk_is_not_garbled(tmp_path):
    path = tmp_path / "计划.txt"
    path.write_bytes(PLAN.encode("gbk"))
    document = read_file(path)
    assert document.block_text(document.blocks[1]) == "一、总体要求"
    assert document.encoding == "gb18030"


def test_short_gbk_text_is_decoded_as_chinese():
    document = read_bytes("一、总体要求".encode("gbk"), filename="a.txt")
    assert document.text == "一、总体要求"


def test_windows_1252_english_is_not_taken_for_chinese():
    text = "The “Work Plan” for 2019 – café meetings, naïve targets, 80% of sites.\nSecond, more."
    document = read_bytes(text.encode("cp1252"), filename="plan.txt")
    assert document.text == text


def test_line_endings_bom_and_blank_lines_are_normalised():
    data = codecs.BOM_UTF8 + "一、总体要求\r\n\r\n（一）指导思想\r  \n\u3000\u30001.问题导向\n".encode()
    document = read_bytes(data, filename="plan.txt")
    assert document.text == "一、总体要求\n（一）指导思想\n1.问题导向"
    assert [document.block_text(block) for block in document.blocks] == [
        "一、总体要求",
        "（一）指导思想",
        "1.问题导向",
    ]
    assert all(block.kind == "paragraph" and block.heading_level is None for block in document.blocks)
    check_invariants(document)


def test_characters_are_kept_as_written_not_normalised():
    text = "１２３ ＡＢＣ ｶﾀｶﾅ ﬁ ①"  # full-width, half-width kana, a ligature: NFKC would change them
    assert read_bytes(text.encode(), filename="a.txt").text == text


def test_markdown_headings_tables_and_lists():
    source = (
        "# 2019年工作要点\n"
        "\n"
        "## 一、总体要求 ##\n"
        "1. 加强组织领导。\n"
        "- 要点\n"
        "#不是标题\n"
        "\n"
        "| 序号 | 工作任务 | 牵头单位 |\n"
        "|:---|---|---:|\n"
        "| 1 | 建设平台 | 办公厅 |\n"
        "| 2 | 形成规范 a\\|b | |\n"
        "\n"
        "```\n"
        "# code, not a heading\n"
        "```\n"
    )
    document = read_bytes(source.encode(), filename="plan.md")
    check_invariants(document)
    texts = [document.block_text(block) for block in document.blocks]
    assert texts[:5] == ["2019年工作要点", "一、总体要求", "1. 加强组织领导。", "- 要点", "#不是标题"]
    assert [block.heading_level for block in document.blocks[:3]] == [1, 2, None]
    header, first, second = document.blocks[5:8]
    assert header.kind == "table_row" and header.is_table_header
    assert document.block_text(header) == "序号 | 工作任务 | 牵头单位"
    assert document.block_text(first) == "1 | 建设平台 | 办公厅"
    assert [(document.text[c.start : c.end], c.header) for c in first.cells] == [
        ("1", "序号"),
        ("建设平台", "工作任务"),
        ("办公厅", "牵头单位"),
    ]
    assert document.block_text(second) == "2 | 形成规范 a|b"  # the empty last cell is dropped
    assert texts[8:] == ["```", "# code, not a heading", "```"]
    assert all(block.heading_level is None for block in document.blocks[8:])
    assert document.source_format == "md"
    assert document.title_hint == "2019年工作要点"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"abc\x00\x01\x02\x03def" * 10, "contains binary data, not text"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4, "looks like a Word .docx"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj" + bytes(range(256)) * 4, "rename it to .pdf"),
        (bytes(range(256)) * 40, "contains binary data"),
    ],
)
def test_bad_text_files_raise_a_clear_parse_error(data, message):
    with pytest.raises(ParseError, match=message) as raised:
        read_bytes(data, filename="plan.txt")
    assert '"plan.txt"' in str(raised.value)
    assert "\n" not in str(raised.value)


def test_text_over_the_size_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:
        stream.truncate(50 * 1024 * 1024)  # sparse: 50 MB without writing 50 MB
    with pytest.raises(ParseError, match=r'"huge.txt" is 50 MB; the limit is 20 MB'):
        read_file(path)
    with pytest.raises(ParseError, match=r"is 21 MB; the limit is 20 MB"):
        read_bytes(b"a" * (21 * 1024 * 1024), filename="big.md")


def test_utf8_cut_mid_character_keeps_the_rest_of_the_text():
    data = PLAN.encode("utf-8")[:-1]  # the last character loses a byte
    document = read_bytes(data, filename="plan.txt")
    assert document.text[:-1] == PLAN[:-1]
    assert document.text.endswith("\ufffd")
    assert document.encoding == "utf-8"
