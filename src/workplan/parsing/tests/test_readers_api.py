"""read_file / read_bytes: choosing a reader, refusing other formats, and never raising
anything but ParseError, whatever bytes arrive."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workplan.parsing.document import Document
from workplan.parsing.errors import ParseError
from workplan.parsing.readers import SUPPORTED_EXTENSIONS, read_bytes, read_file
from workplan.parsing.readers.testing import PdfText, build_pdf, check_invariants, docx_to_bytes


@pytest.mark.parametrize(
    ("filename", "message"),
    [
        (
            "计划.doc",
            r'"计划.doc" is in the old Word format \(.doc\): open it in Word or WPS, save it as .docx',
        ),
        ("plan.WPS", r"is a WPS document \(.wps\): open it in WPS, save it as .docx"),
        ("plan.xls", r"is an old Excel workbook \(.xls\): open it in Excel or WPS and save it as .xlsx"),
        ("plan.et", r"is a WPS spreadsheet \(.et\): open it in Excel or WPS and save it as .xlsx"),
        ("scan.jpg", "is an image: use the original Word file, or run it through OCR"),
        ("plan.ofd", "is an OFD file"),
        ("plan.zip", "is an archive: unpack it"),
        (
            "plan.xyz",
            r"is a .xyz file, which cannot be imported: import a .docx, .xlsx, .pdf, .txt or .md file",
        ),
        ("README", "has no file extension"),
    ],
)
def test_unsupported_types_say_what_to_do_instead(filename, message):
    with pytest.raises(ParseError, match=message) as raised:
        read_bytes(b"anything", filename=filename)
    assert "\n" not in str(raised.value)


def test_read_file_dispatches_by_extension(tmp_path):
    (tmp_path / "a.TXT").write_text("一、总体要求", encoding="utf-8")
    (tmp_path / "a.md").write_text("# 标题", encoding="utf-8")
    document = docx.Document()
    document.add_paragraph("一、总体要求")
    (tmp_path / "a.docx").write_bytes(docx_to_bytes(document))
    (tmp_path / "a.pdf").write_bytes(build_pdf([[PdfText(72, 760, "Plan")]]))
    formats = {path.suffix: read_file(path).source_format for path in sorted(tmp_path.iterdir())}
    assert formats == {".TXT": "txt", ".md": "md", ".docx": "docx", ".pdf": "pdf"}
    assert read_file(str(tmp_path / "a.TXT")).text == "一、总体要求"


def test_read_file_problems_are_parse_errors(tmp_path):
    with pytest.raises(ParseError, match=r'"missing\.txt" was not found'):
        read_file(tmp_path / "missing.txt")
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(ParseError, match="is a folder"):
        read_file(tmp_path / "folder.txt")
    (tmp_path / "empty.docx").write_bytes(b"")
    with pytest.raises(ParseError, match=r'"empty\.docx" is empty'):
        read_file(tmp_path / "empty.docx")


def test_unexpected_reader_failures_become_parse_errors(monkeypatch):
    from workplan.parsing.readers import text

    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(text, "_lines", broken)
    with pytest.raises(ParseError, match=r'"a.txt" could not be read \(KeyError\)'):
        read_bytes(b"hello", filename="a.txt")


# -- properties ------------------------------------------------------------------------------

_ENCODINGS = [
    "utf-8",
    "utf-8-sig",
    "gb18030",
    "gbk",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "big5",
    "cp1252",
    "latin-1",
]
_PREFIXES = [
    b"",
    b"PK\x03\x04",
    b"%PDF-1.4\n",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
]


def _minimal_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("一、总体要求")
    document.add_table(rows=2, cols=2).cell(0, 0).text = "序号"
    return docx_to_bytes(document)


def _minimal_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["序号", "工作任务", "牵头单位"])
    workbook.active.append([1, "加强领导", "办公室"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_DOCX = _minimal_docx()
_XLSX = _minimal_xlsx()
_PDF = build_pdf([[PdfText(72, 760, "Plan"), PdfText(72, 740, "一、总体要求")]])


def _outcome(data: bytes, filename: str) -> None:
    try:
        document = read_bytes(data, filename=filename)
    except ParseError as error:
        message = str(error)
        assert message and "\n" not in message
        return
    assert isinstance(document, Document)
    check_invariants(document)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.sampled_from(_PREFIXES),
    body=st.binary(max_size=2000),
    extension=st.sampled_from(sorted(SUPPORTED_EXTENSIONS)),
)
def test_random_bytes_give_a_document_or_a_parse_error(prefix, body, extension):
    _outcome(prefix + body, f"plan{extension}")


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(
        alphabet=st.one_of(
            st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
            st.sampled_from(list("一二三、（）。，；：“”1234567890.abc #|-\n\r\t\u3000")),
            st.characters(codec="utf-8"),
        ),
        max_size=300,
    ),
    encoding=st.sampled_from(_ENCODINGS),
    extension=st.sampled_from([".txt", ".md"]),
)
def test_random_text_in_random_encodings_gives_a_document_or_a_parse_error(text, encoding, extension):
    data = text.encode(encoding, errors="replace")
    _outcome(data, f"plan{extension}")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    source=st.sampled_from([_DOCX, _PDF, _XLSX]),
    cuts=st.lists(st.tuples(st.integers(0, 20_000), st.binary(min_size=1, max_size=8)), max_size=4),
    truncate=st.one_of(st.none(), st.integers(1, 20_000)),
)
def test_corrupted_real_files_give_a_document_or_a_parse_error(source, cuts, truncate):
    data = bytearray(source)
    for position, junk in cuts:
        position %= len(data)
        data[position : position + len(junk)] = junk
    if truncate is not None:
        data = data[:truncate]
    _outcome(bytes(data), "plan.docx" if source is _DOCX else "plan.xlsx" if source is _XLSX else "plan.pdf")


@settings(max_examples=40, deadline=None)
@given(document_xml=st.binary(max_size=500) | st.text(max_size=300).map(str.encode))
def test_docx_with_arbitrary_document_xml_gives_a_document_or_a_parse_error(document_xml):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", document_xml)
    _outcome(buffer.getvalue(), "plan.docx")


def test_windows_upload_names_are_shown_by_their_base_name():
    with pytest.raises(ParseError, match=r'^"计划\.doc" is in the old Word format'):
        read_bytes(b"x", filename="C:\\Users\\王\\计划.doc")
    assert read_bytes("一、总体要求".encode(), filename="C:\\Users\\plan.TXT").text == "一、总体要求"
