"""``workplan ledger list|export|import`` and ``workplan indicator list``."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from workplan.cli import main
from workplan.core.testing import make_plan_with_task
from workplan.ledgers import services
from workplan.ledgers.models import LedgerRecord
from workplan.ledgers.testing import fill_sites, make_site_ledger
from workplan.plans import services as plans


@pytest.fixture
def sites(actor, org):
    ledger = make_site_ledger(actor, org.root, [org.unit_a])
    fill_sites(actor, ledger, [org.unit_a], 12)
    return ledger


def _json(capsys) -> list:
    return json.loads(capsys.readouterr().out)


def test_ledger_list_export_and_import(sites, tmp_path, capsys):
    assert main(["ledger", "list", "--format", "json"]) == 0
    assert _json(capsys) == [{"code": "SITES", "name": "宗教活动场所台账", "records": 12, "active": True}]
    out = tmp_path / "sites.xlsx"
    assert main(["ledger", "export", "SITES", "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["ledger", "import", "SITES", str(out), "--apply"]) == 0
    assert "0 to add, 0 to change, 12 unchanged, 0 problem(s)" in capsys.readouterr().out
    workbook = load_workbook(out)
    sheet = workbook.worksheets[0]
    date_column = [c.value for c in sheet[1]].index("检查日期") + 1
    sheet.cell(row=3, column=date_column, value="2019-13-01")
    sheet.cell(row=4, column=3, value="改名")
    buffer = io.BytesIO()
    workbook.save(buffer)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(buffer.getvalue())
    before = list(LedgerRecord.objects.values_list("values", flat=True))
    assert main(["ledger", "import", "SITES", str(bad), "--apply"]) == 2
    output = capsys.readouterr().out
    assert "row 3, 检查日期" in output and "nothing applied" in output
    assert list(LedgerRecord.objects.values_list("values", flat=True)) == before


def test_bad_arguments_are_one_line_errors(sites, tmp_path, capsys):
    assert main(["ledger", "export", "NOPE", "-o", str(tmp_path / "x.xlsx")]) == 2
    assert main(["ledger", "import", "SITES", str(tmp_path / "missing.xlsx")]) == 2
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"junk")
    assert main(["ledger", "import", "SITES", str(junk)]) == 2
    assert main(["ledger", "export", "SITES", "-o", str(tmp_path / "no" / "dir.xlsx")]) == 2


def test_indicator_list(actor, org, sites, capsys):
    task = make_plan_with_task(actor, owner=org.root, assignee=org.unit_a)
    target = plans.target_create(
        actor=actor, item=task, text="10个以上", kind="count", comparator=">=", value=10
    )
    services.indicator_create(
        actor=actor, code="N", name="场所数", owner_unit=org.root, ledger=sites, item=task, target=target
    )
    services.indicator_create(
        actor=actor, code="M", name="面积", owner_unit=org.root, ledger=sites, measure="sum", field_key="area"
    )
    assert main(["indicator", "list", "--plan", str(task.plan_id), "--format", "json"]) == 0
    (row,) = _json(capsys)
    assert (row["code"], row["value"], row["target"], row["attainment"], row["status"]) == (
        "N",
        12.0,
        10.0,
        1.2,
        "met",
    )
    assert main(["indicator", "list", "--format", "json"]) == 0
    rows = {r["code"]: r for r in _json(capsys)}
    assert rows["M"]["target"] is None and rows["M"]["attainment"] is None
