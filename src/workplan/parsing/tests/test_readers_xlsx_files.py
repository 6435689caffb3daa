"""The .xlsx reader on bad, hostile and oversize files, and on random sheets."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from workplan.parsing.errors import ParseError
from workplan.parsing.readers import MAX_XLSX_ENTRIES, read_bytes
from workplan.parsing.readers.testing import check_invariants, docx_to_bytes
from workplan.parsing.readers.xlsx import limits
from workplan.parsing.tests.xlsx_support import read_rows, rewrite_member, workbook_bytes


def test_defusedxml_is_in_use():
    assert openpyxl.DEFUSEDXML is True


def test_xml_entities_are_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    workbook = Workbook()
    workbook.active.append(["序号", "工作任务"])
    workbook.active.append([1, "x"])
    member = "xl/worksheets/sheet1.xml"
    doctype = (
        b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file://' + str(secret).encode() + b'">'
        b'<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><worksheet'
    )
    data = rewrite_member(workbook_bytes(workbook), member, b"<worksheet", doctype)
    data = rewrite_member(data, member, b"<t>x</t>", b"<t>x&xxe;&b;</t>")
    with pytest.raises(ParseError, match="contains XML entity or DTD declarations, which are refused"):
        read_bytes(data, filename="plan.xlsx")


# -- bad files -------------------------------------------------------------------------------


def _minimal() -> bytes:
    workbook = Workbook()
    workbook.active.append(["序号", "工作任务"])
    workbook.active.append([1, "加强领导"])
    return workbook_bytes(workbook)


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


def _with_sheet_xml(old: bytes, new: bytes) -> bytes:
    return rewrite_member(_minimal(), "xl/worksheets/sheet1.xml", old, new)


def _rows(count: int) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["序号", "工作任务"])
    for index in range(count - 1):
        sheet.append([index, "任务"])
    return workbook_bytes(workbook)


def _hidden_only() -> bytes:
    workbook = Workbook()
    workbook.active.append(["序号", "工作任务"])
    workbook.create_sheet("空表")
    workbook.active.sheet_state = "hidden"
    workbook.active = 1
    return workbook_bytes(workbook)


def _encrypted_flag(data: bytes) -> bytes:
    patched = bytearray(data)
    position = patched.find(b"PK\x01\x02")
    struct.pack_into("<H", patched, position + 8, struct.unpack_from("<H", patched, position + 8)[0] | 1)
    return bytes(patched)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: b"", r'^"plan\.xlsx" is empty'),
        (lambda: b"\x00\x01garbage\xff" * 50, r"is not an Excel \.xlsx file \(it is not a zip package\)"),
        (lambda: _minimal()[:1500], "is damaged or incomplete"),
        (
            lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000),
            r"is an old Excel \.xls workbook renamed to \.xlsx, or a password-protected \(encrypted\)",
        ),
        (lambda: b"%PDF-1.4 not a workbook", "is a PDF file with an .xlsx name"),
        (lambda: docx_to_bytes(docx.Document()), "is a Word document with an .xlsx name: rename it to .docx"),
        (lambda: _zip({"a.txt": b"hello"}), "is a zip file but not an Excel workbook"),
        (
            lambda: _zip({"mimetype": b"x", "content.xml": b"<x/>"}),
            r"is an OpenDocument spreadsheet \(\.ods\)",
        ),
        (
            lambda: _declare_uncompressed_size(_minimal(), "xl/worksheets/sheet1.xml", 3_000_000_000),
            r"would unpack to 28[0-9][0-9] MB; the limit is 100 MB, so it is refused as a possible zip bomb",
        ),
        (
            lambda: _declare_uncompressed_size(_minimal(), "xl/worksheets/sheet1.xml", 100),
            r"is damaged or incomplete \(xl/worksheets/sheet1\.xml cannot be unpacked\)",
        ),
        (
            lambda: _zip({f"x/{index}.xml": b"" for index in range(10_000)}),
            r"holds 10,000 files inside its zip package; an Excel workbook has far fewer \(the limit is 2,000\)",
        ),
        (lambda: _encrypted_flag(_minimal()), "is encrypted: open it in Excel or WPS, remove the password"),
        (
            lambda: _rows(20_001),
            r'has more than 20,000 rows in sheet "Sheet"; a breakdown table has far fewer',
        ),
        (
            lambda: _with_sheet_xml(
                b"</sheetData>", b'</sheetData><mergeCells><mergeCell ref="B5:XFD1048576"/></mergeCells>'
            ),
            r"holds more than 300,000 cells \(counting merged ranges\)",
        ),
        (
            lambda: _with_sheet_xml(
                b"</sheetData>",
                b'</sheetData><hyperlinks><hyperlink ref="A1:Z99999" display="x"/></hyperlinks>',
            ),
            r"holds more than 300,000 cells",
        ),
        (lambda: _with_sheet_xml(b"</sheetData>", b"</sheetData"), r"sheet1\.xml is not well-formed XML"),
        (lambda: _hidden_only(), r"has no text in its visible sheets \(hidden sheets are not read"),
        (
            lambda: workbook_bytes(Workbook()),
            r"has no text in its visible sheets: there is nothing to import",
        ),
    ],
    ids=[
        "empty",
        "junk",
        "truncated",
        "ole",
        "pdf-renamed",
        "docx-renamed",
        "zip-not-excel",
        "ods-renamed",
        "declared-zip-bomb",
        "lying-directory",
        "ten-thousand-entries",
        "encrypted-flag",
        "twenty-thousand-and-one-rows",
        "merge-bomb",
        "hyperlink-bomb",
        "broken-xml",
        "hidden-sheets-only",
        "empty-workbook",
    ],
)
def test_bad_xlsx_files_raise_a_specific_parse_error(make, message):
    with pytest.raises(ParseError, match=message) as raised:
        read_bytes(make(), filename="plan.xlsx")
    assert "\n" not in str(raised.value)


def test_entry_limit_is_checked_before_the_zip_index_is_built(monkeypatch):
    data = _zip({f"{index}": b"" for index in range(MAX_XLSX_ENTRIES + 1)})

    def refuse(*args, **kwargs):
        raise AssertionError("zipfile.ZipFile was opened")

    monkeypatch.setattr(zipfile, "ZipFile", refuse)
    with pytest.raises(ParseError, match="holds 2,001 files"):
        read_bytes(data, filename="plan.xlsx")


def test_real_compression_bomb_is_refused_from_the_directory():
    data = _zip({"xl/worksheets/sheet1.xml": bytes(101 * 1024 * 1024)})
    assert len(data) < 1024 * 1024
    with pytest.raises(ParseError, match="would unpack to 101 MB"):
        read_bytes(data, filename="plan.xlsx")


def test_row_limit_is_exact(monkeypatch):
    monkeypatch.setattr(limits, "MAX_XLSX_ROWS", 30)
    read_rows(_rows(30))
    with pytest.raises(ParseError, match="has more than 30 rows"):
        read_bytes(_rows(31), filename="plan.xlsx")


def test_row_limit_counts_rows_filled_by_a_vertical_merge(monkeypatch):
    monkeypatch.setattr(limits, "MAX_XLSX_ROWS", 30)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "工作任务", "牵头单位"])
    sheet.append([1, "任务", "办公室"])
    sheet.merge_cells("C2:C40")  # 39 rows, each its own item
    with pytest.raises(ParseError, match="has more than 30 rows"):
        read_bytes(workbook_bytes(workbook), filename="plan.xlsx")


def test_a_stray_cell_far_away_does_not_blow_up():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "工作任务"])
    sheet.append([1, "加强领导"])
    sheet["XFD1048576"] = "角落"
    _, rows = read_rows(workbook_bytes(workbook))
    assert rows[1] == ("r", [("1", "序号"), ("加强领导", "工作任务")])
    assert rows[2] == ("r", [("", "序号"), ("", "工作任务"), ("角落", None)])  # no header over XFD


def test_too_many_columns_are_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_XLSX_COLUMNS", 5)
    workbook = Workbook()
    workbook.active.append(["序号", "工作任务", "a", "b", "c", "d"])
    with pytest.raises(ParseError, match="has text in more than 5 columns"):
        read_bytes(workbook_bytes(workbook), filename="plan.xlsx")


# -- properties ------------------------------------------------------------------------------

_VALUES = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from(list("一二三、（）序号任务牵头单位 |\n\t ab1.")), max_size=12),
    st.sampled_from(["序号", "工作任务", "牵头单位", "完成时限", "一、总体要求", "注：说明"]),
    st.integers(-5, 10**6),
    st.floats(allow_nan=True, allow_infinity=False, width=32),
    st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.booleans(),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    grid=st.lists(st.lists(_VALUES, max_size=6), max_size=8),
    merges=st.lists(
        st.tuples(st.integers(1, 8), st.integers(1, 6), st.integers(0, 3), st.integers(0, 3)), max_size=4
    ),
    hidden=st.sets(st.integers(1, 6), max_size=2),
)
def test_random_sheets_give_a_document_or_a_parse_error(grid, merges, hidden):
    workbook = Workbook()
    sheet = workbook.active
    for row in grid:
        sheet.append(row)
    taken: set[tuple[int, int]] = set()
    for row, column, down, across in merges:
        cells = {(r, c) for r in range(row, row + down + 1) for c in range(column, column + across + 1)}
        if (down or across) and not cells & taken:
            taken |= cells
            sheet.merge_cells(
                start_row=row, start_column=column, end_row=row + down, end_column=column + across
            )
    for column in hidden:
        sheet.column_dimensions[openpyxl.utils.get_column_letter(column)].hidden = True
    try:
        document = read_bytes(workbook_bytes(workbook), filename="plan.xlsx")
    except ParseError as error:
        assert str(error) and "\n" not in str(error)
        return
    check_invariants(document)


def test_a_task_list_indented_by_leading_spaces_is_a_tree():
    """A scheduling tool's export: the task name's indentation is its only hierarchy, and
    its finish dates are serial numbers in General cells (our own made-up project)."""
    from openpyxl import Workbook

    from workplan.parsing import parse_document
    from workplan.parsing.readers import read_bytes
    from workplan.parsing.tests.xlsx_support import workbook_bytes

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["任务名称", "开始时间", "完成时间", "资源名称"])
    sheet.append(["需求分析", 46000, 46010, None])
    sheet.append(["   访谈用户", 46000, 46003, "王一,李二"])
    sheet.append(["      整理记录", 46003, 46004, "李二"])
    sheet.append(["   编写说明书", 46004, 46010, "王一"])
    sheet.append(["系统设计", 46011, 46020, "全体组员"])
    plan = parse_document(read_bytes(workbook_bytes(workbook), filename="plan.xlsx"))
    outline = [(item.level, item.number, item.title) for item in plan.flat_items()]
    assert outline == [
        (1, "1", "需求分析"),
        (2, "1", "访谈用户"),
        (3, "1", "整理记录"),
        (2, "2", "编写说明书"),
        (1, "2", "系统设计"),
    ]
    interview = plan.items[0].children[0]
    assert [(d.text, d.date.isoformat() if d.date else None) for d in interview.deadlines] == [
        ("46003", "2025-12-12")
    ]
    assert [(u.text, u.role) for u in interview.units] == [("王一", "responsible"), ("李二", "responsible")]
