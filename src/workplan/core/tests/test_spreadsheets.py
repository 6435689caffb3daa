"""Text with control characters (valid in our fields) still exports to .xlsx."""

import io

from openpyxl import Workbook, load_workbook

from workplan.core.spreadsheets import cell_value, row_values


def test_control_characters_are_dropped_and_other_values_kept():
    assert cell_value("a\x11b\x00c\td") == "abc\td"
    assert row_values([1, None, "x\x1by", 2.5]) == [1, None, "xy", 2.5]
    sheet = Workbook()
    sheet.active.append(row_values(["坏\x11字符", "\u2014"]))
    out = io.BytesIO()
    sheet.save(out)
    assert [c.value for c in load_workbook(out).active[1]] == ["坏字符", "\u2014"]
