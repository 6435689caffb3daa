"""A ledger out to .xlsx and back: 0 changes for an unchanged export; edits, additions, and
every kind of bad sheet refused whole, by row and column."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from workplan.core.errors import Invalid
from workplan.ledgers import services
from workplan.ledgers.models import LedgerRecord
from workplan.ledgers.sheets import export_ledger, import_ledger
from workplan.ledgers.testing import fill_sites, make_site_ledger


@pytest.fixture
def sites(actor, org):
    ledger = make_site_ledger(actor, org.root, [org.unit_a, org.unit_b])
    fill_sites(actor, ledger, [org.unit_a, org.unit_a1, org.unit_b], 40)
    services.field_add(
        actor=actor, ledger=ledger, label="标签", kind="multi_choice", key="tags", choices=["甲", "乙"]
    )
    services.record_create(
        actor=actor,
        ledger=ledger,
        unit=org.unit_a,
        values={"name": "=SUM(A1)", "tags": ["甲", "乙"], "notes": "行1\n行2"},
    )
    return ledger


def _sheet(data: bytes):
    workbook = load_workbook(io.BytesIO(data))
    return workbook, workbook.worksheets[0]


def _bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _snapshot(ledger):
    return list(
        LedgerRecord.objects.filter(ledger=ledger)
        .order_by("id")
        .values_list("id", "unit_id", "values", "version")
    )


def test_an_unchanged_export_imports_with_zero_changes(actor, sites):
    data = export_ledger(user=actor, ledger=sites)
    _, sheet = _sheet(data)
    assert sheet.column_dimensions["A"].hidden and sheet["A1"].value == "id"
    assert [c.value for c in sheet[1]][2:4] == ["场所名称", "宗教"]
    assert sheet.data_validations.dataValidation, "choice columns carry validation lists"
    before = _snapshot(sites)
    preview = import_ledger(user=actor, ledger=sites, data=data, filename="sites.xlsx", apply=True)
    assert preview.ok, preview.describe()
    assert (preview.changes, preview.unchanged) == (0, 41)
    assert _snapshot(sites) == before


def test_edits_and_additions_are_applied_with_columns_in_any_order_under_a_title_row(actor, org, sites):
    workbook, sheet = _sheet(export_ledger(user=actor, ledger=sites))
    sheet.insert_rows(1)
    sheet["A1"] = "2019年宗教活动场所台账"
    sheet.move_range("C1:C100", cols=20)  # the name column moves to the far right
    first_id = sheet["A3"].value
    sheet["W3"] = "改名的场所"
    sheet.append({1: None, 2: "县民政局", 23: "新场所", 5: "是"})
    preview = import_ledger(user=actor, ledger=sites, data=_bytes(workbook), filename="x.xlsx", apply=True)
    assert preview.ok, preview.describe()
    assert (len(preview.added), len(preview.changed)) == (1, 1)
    assert LedgerRecord.objects.get(pk=first_id).values["name"] == "改名的场所"
    added = LedgerRecord.objects.latest("id")
    assert added.unit == org.unit_a and added.values["name"] == "新场所"


def test_one_impossible_date_refuses_the_whole_sheet(actor, org, sites):
    workbook, sheet = _sheet(export_ledger(user=actor, ledger=sites))
    date_column = [c.value for c in sheet[1]].index("检查日期") + 1
    sheet["C2"] = "改了"
    sheet.append({2: "县民政局", 3: "新的"})
    sheet.cell(row=10, column=date_column, value="2019-02-30")
    before = _snapshot(sites)
    preview = import_ledger(user=actor, ledger=sites, data=_bytes(workbook), filename="x.xlsx", apply=True)
    assert not preview.ok and not preview.applied
    assert [(p.row, p.column) for p in preview.problems] == [(10, "检查日期")]
    assert "2019-02-30" in str(preview.problems[0])
    assert _snapshot(sites) == before


def test_formulas_merged_cells_duplicate_ids_unknown_units_and_bad_values_are_each_named(actor, sites):
    workbook, sheet = _sheet(export_ledger(user=actor, ledger=sites))
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=headers.index("教职人员") + 1, value="=1+1")
    sheet.merge_cells("C3:D3")
    sheet["A5"] = sheet["A4"].value
    sheet["B6"] = "不存在的单位"
    sheet.cell(row=7, column=headers.index("宗教") + 1, value="萨满")
    sheet.cell(row=8, column=headers.index("面积") + 1, value="很大")
    sheet["A9"] = 999999
    before = _snapshot(sites)
    preview = import_ledger(user=actor, ledger=sites, data=_bytes(workbook), filename="x.xlsx", apply=True)
    found = {(p.row, p.column) for p in preview.problems}
    assert {
        (2, "教职人员"),
        (3, None),
        (5, "id"),
        (6, "unit"),
        (7, "宗教"),
        (8, "面积"),
        (9, "id"),
    } <= found, found
    assert _snapshot(sites) == before


def test_a_large_sheet_with_formulas_and_merged_cells_is_refused_whole(actor, org, sites):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["单位", "场所名称", "教职人员", "检查日期"])
    for index in range(10_000):
        sheet.append(["县民政局", f"场所{index}", index % 7, "2019-03-01"])
    sheet["C500"] = "=C499+1"
    sheet.merge_cells("B700:B701")
    count = LedgerRecord.objects.count()
    preview = import_ledger(user=actor, ledger=sites, data=_bytes(workbook), filename="big.xlsx", apply=True)
    # The merged range is named, and so is the empty cell it leaves below.
    assert {(p.row, p.column) for p in preview.problems} == {
        (500, "教职人员"),
        (700, None),
        (701, "场所名称"),
    }
    assert len(preview.added) == 9_998 and not preview.applied
    assert LedgerRecord.objects.count() == count


@pytest.mark.parametrize(
    "data",
    [b"", b"not a workbook", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, b"PK\x03\x04junk"],
    ids=["empty", "text", "xls", "broken-zip"],
)
def test_junk_files_are_refused_cleanly(actor, sites, data):
    with pytest.raises(Invalid):
        import_ledger(user=actor, ledger=sites, data=data, filename="junk.xlsx", apply=True)


def test_a_sheet_without_a_header_is_one_problem(actor, sites):
    workbook = Workbook()
    workbook.active.append(["完全", "无关"])
    preview = import_ledger(user=actor, ledger=sites, data=_bytes(workbook), filename="x.xlsx")
    assert len(preview.problems) == 1 and preview.problems[0].row is None


def test_a_reporter_imports_only_for_their_own_units(actor, org, personas, sites):
    data = export_ledger(user=personas.reporter_b, ledger=sites)
    workbook, sheet = _sheet(data)
    assert {c.value for c in sheet["B"][1:]} == {"县财政局"}
    sheet.append({2: "县民政局", 3: "别人的场所"})
    preview = import_ledger(
        user=personas.reporter_b, ledger=sites, data=_bytes(workbook), filename="x.xlsx", apply=True
    )
    assert [p.column for p in preview.problems] == ["unit"]
