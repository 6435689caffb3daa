"""The seed plan through the command line: import it, export its breakdown table, revise it."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from openpyxl import load_workbook

from workplan.cli import main
from workplan.core.models import AuditEntry
from workplan.plans.models import Plan, PlanItem

SEED = Path(str(resources.files("workplan.demo_data").joinpath("united-front-2019-work-plan.txt")))


@pytest.fixture
def imported(org, capsys) -> Plan:
    assert main(["import", str(SEED), "--yes", "--owner", "ROOT"]) == 0
    plan_id = int(capsys.readouterr().out.strip().splitlines()[0])
    return Plan.objects.get(pk=plan_id)


def test_import_stores_five_parts_and_sixteen_tasks(imported):
    items = PlanItem.objects.filter(plan=imported)
    assert items.filter(depth=1).count() == 5
    assert items.filter(depth=2).count() == 16
    assert items.count() == 21
    assert imported.year == 2019 and imported.language == "en"
    values = sorted((t.kind, t.value) for item in items for t in item.targets.all() if t.value is not None)
    assert values == [("count", 1.0), ("count", 1.0), ("frequency", 1.0), ("percent", 80.0)]
    assert AuditEntry.objects.filter(action="plan.imported", interface="cli").count() == 1


def test_breakdown_export_has_the_21_rows(imported, tmp_path, capsys):
    output = tmp_path / "seed.xlsx"
    assert main(["breakdown", "export", str(imported.pk), "-o", str(output)]) == 0
    sheet = load_workbook(output).active
    rows = [row for row in sheet.iter_rows(min_row=3, values_only=True) if any(v is not None for v in row)]
    assert len(rows) == 21
    assert sum(1 for row in rows if row[1] is None) == 5  # part rows: merged, text in column A only


def test_breakdown_import_dry_run_and_bad_table_exit_codes(imported, tmp_path, capsys):
    output = tmp_path / "seed.xlsx"
    main(["breakdown", "export", str(imported.pk), "-o", str(output)])
    assert main(["breakdown", "import", str(imported.pk), str(output)]) == 0
    assert "0 change(s), 0 problem(s)" in capsys.readouterr().out
    workbook = load_workbook(output)
    workbook.active["E4"] = "Nobody Office"
    workbook.save(output)
    assert main(["breakdown", "import", str(imported.pk), str(output), "--apply"]) == 2
    out = capsys.readouterr().out
    assert "row 4, Lead unit: unknown unit 'Nobody Office'" in out and "Nothing was applied" in out
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"junk")
    assert main(["breakdown", "import", str(imported.pk), str(junk)]) == 2
    assert "is not an .xlsx workbook" in capsys.readouterr().err


def test_revision_dry_run_then_apply(imported, tmp_path, capsys):
    revised = tmp_path / "revised.txt"
    revised.write_text(
        SEED.read_text(encoding="utf-8").replace(
            "Hold large-scale events to unite people.", "Hold large-scale events to unite and serve people."
        ),
        encoding="utf-8",
    )
    assert main(["import", str(revised), "--plan", str(imported.pk)]) == 0
    out = capsys.readouterr().out
    assert "1 reworded" in out and "Dry run" in out
    assert main(["import", str(revised), "--plan", str(imported.pk), "--yes"]) == 0
    assert PlanItem.objects.filter(
        plan=imported, title__startswith="Hold large-scale events to unite and serve"
    ).exists()


def test_import_errors_are_one_line(db, tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert main(["import", str(empty), "--yes"]) == 2
    assert "empty" in capsys.readouterr().err
    doc = tmp_path / "plan.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 64)
    assert main(["import", str(doc), "--yes"]) == 2
    assert ".docx" in capsys.readouterr().err


def test_a_plan_can_start_as_a_breakdown_table(org, imported, tmp_path, capsys):
    """Export the seed plan's table, fill in units, and import the .xlsx as a new plan."""
    from workplan.plans import services

    task = PlanItem.objects.filter(plan=imported, depth=2).order_by("path").first()
    services.assignment_create(actor=_system(), item=task, unit=org.unit_a, role="lead")
    output = tmp_path / "table.xlsx"
    assert main(["breakdown", "export", str(imported.pk), "-o", str(output)]) == 0
    capsys.readouterr()
    assert main(["import", str(output), "--yes", "--owner", "ROOT", "--year", "2019"]) == 0
    new_plan = Plan.objects.get(pk=int(capsys.readouterr().out.strip().splitlines()[0]))
    items = PlanItem.objects.filter(plan=new_plan)
    assert (items.filter(depth=1).count(), items.filter(depth=2).count()) == (5, 16)
    first = items.filter(depth=2).order_by("path").first()
    assert first.title == task.title
    assert list(first.assignments.values_list("unit__code", "role")) == [("A", "lead")]


def _system():
    from workplan.accounts.services import system_actor

    return system_actor()


def test_the_demo_plans_breakdown_table_round_trips_unedited(db):
    """Unit names with commas ("Hong Kong, Macao, Taiwan and Overseas Chinese Section") stay whole."""
    from workplan.accounts.services import system_actor
    from workplan.demo import demo_setup
    from workplan.plans.breakdown.changes import breakdown_import
    from workplan.plans.breakdown.export import breakdown_export

    plan = demo_setup().plan
    assert plan is not None
    actor = system_actor()
    data = breakdown_export(user=actor, plan=plan)
    preview = breakdown_import(actor=actor, plan=plan, data=data, filename="demo.xlsx")
    assert [p.message for p in preview.problems] == []
    assert preview.changes == []


def test_a_cell_lists_a_unit_with_commas_next_to_others():
    from workplan.plans.breakdown.layout import split_unit_names

    known = ["Hong Kong, Macao, Taiwan and Overseas Chinese Section", "Xinhe Town"]
    cell = "Xinhe Town、Hong Kong, Macao, Taiwan and Overseas Chinese Section, Chengguan Town"
    assert split_unit_names(cell, known) == [
        "Xinhe Town",
        "Hong Kong, Macao, Taiwan and Overseas Chinese Section",
        "Chengguan Town",
    ]
    assert split_unit_names("市民政局、市财政局，各镇") == ["市民政局", "市财政局", "各镇"]
