"""The organisation workbook: every problem by row, all-or-nothing, idempotent, round trip."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from workplan.accounts.models import Membership, Unit, User
from workplan.core.errors import Forbidden, Invalid
from workplan.core.models import AuditEntry
from workplan.operations.models import OneTimePassword
from workplan.operations.orgsheet.export import org_export, org_template
from workplan.operations.services import organisation_import
from workplan.operations.testing import org_rows, org_workbook

UNIT = ["S1", "办公室", "办", "ROOT", "县办", "section", "是"]
PERSON = ["zhang", "张三", "S1", "reporter", "zhang@example.gov.cn", "0571-1234", "yes"]


def problems_of(units, users=()):
    preview = organisation_import(actor=system(), data=org_workbook(list(units), list(users)))
    return [(p.sheet, p.row, p.column, p.message) for p in preview.problems]


def system():
    from workplan.accounts.services import system_actor

    return system_actor()


@pytest.fixture
def site(org):
    return org


def test_a_small_sheet_applies_once_and_then_changes_nothing(site, actor):
    data = org_workbook(
        [UNIT, ["S2", "科室", "", "S1", "", "", ""]], [PERSON, [*PERSON[:3], "viewer", *PERSON[4:]]]
    )
    dry = organisation_import(actor=actor, data=data)
    assert dry.ok and not dry.applied and not Unit.objects.filter(code="S1").exists()
    assert dry.counts() == {"unit_create": 2, "user_create": 1, "role_add": 2}
    applied = organisation_import(actor=actor, data=data, apply=True)
    assert applied.applied and set(applied.passwords) == {"zhang"}
    zhang = User.objects.get(username="zhang")
    assert zhang.check_password(applied.passwords["zhang"]) and zhang.phone == "0571-1234"
    assert OneTimePassword.objects.filter(user=zhang).exists()
    assert Unit.objects.get(code="S2").get_parent().code == "S1"
    assert set(Membership.objects.filter(user=zhang).values_list("role", flat=True)) == {"reporter", "viewer"}
    assert AuditEntry.objects.filter(action="organisation.imported").count() == 1
    again = organisation_import(actor=actor, data=data, apply=True)
    assert again.changes == [] and again.passwords == {}


def test_the_sheet_sets_a_named_users_roles_exactly(site, actor):
    organisation_import(actor=actor, data=org_workbook([UNIT], [PERSON]), apply=True)
    moved = organisation_import(
        actor=actor, data=org_workbook([UNIT], [[*PERSON[:2], "B", "planner", *PERSON[4:]]]), apply=True
    )
    assert moved.counts() == {"role_add": 1, "role_remove": 1}
    assert list(Membership.objects.filter(user__username="zhang").values_list("unit__code", "role")) == [
        ("B", "planner")
    ]


def test_export_imports_back_unchanged(site, actor, personas):
    organisation_import(actor=actor, data=org_workbook([UNIT], [PERSON]), apply=True)
    for language in ("zh", "en"):
        preview = organisation_import(actor=actor, data=org_export(user=actor, language=language))
        assert preview.ok and preview.changes == [], [str(c) for c in preview.changes]


def test_the_template_imports_as_nothing_to_do(site, actor):
    preview = organisation_import(actor=actor, data=org_template(language="en"))
    assert preview.ok and preview.changes == []


def test_every_problem_is_reported_by_row_and_nothing_is_stored(site, actor):
    units = [
        ["L1", "甲", "", "L2", "", "", ""],
        ["L2", "乙", "", "L3", "", "", ""],
        ["L3", "丙", "", "L1", "", "", ""],
        ["D1", "丁", "", "ROOT", "", "", ""],
        ["D1", "丁二", "", "ROOT", "", "", ""],
        ["P1", "戊", "", "NOPE", "", "", ""],
        ["bad code!", "己", "", "", "", "", ""],
        ["K1", "", "", "ROOT", "", "planet", "maybe"],
        ["A", "县民政局", "", "B", "", "", ""],
    ]
    users = [
        ["u1", "", "NOWHERE", "reporter", "", "", ""],
        ["u2", "", "D1", "boss", "", "", ""],
        ["u3", "", "D1", "viewer", "not-an-email", "call me", ""],
        ["workplan-system", "", "D1", "viewer", "", "", ""],
        ["", "", "D1", "viewer", "", "", ""],
    ]
    found = problems_of(units, users)
    text = "\n".join(f"{s} {r} {c} {m}" for s, r, c, m in found)
    for row, fragment in [
        (2, "loop: L1 → L2 → L3 → L1"),
        (6, "already on row 5"),
        (7, "parent code NOPE"),
        (8, "not a unit code"),
        (9, "needs a name"),
        (9, "Unknown kind"),
        (9, "yes or no"),
        (10, "cannot move units"),
    ]:
        assert any(r == row and fragment in m for s, r, c, m in found if s == "units"), (row, fragment, text)
    for row, fragment in [
        (2, "unit code NOWHERE"),
        (3, "Unknown role"),
        (4, "not an e-mail"),
        (4, "not a phone"),
        (5, "not a username"),
        (6, "no username"),
    ]:
        assert any(r == row and fragment in m for s, r, c, m in found if s == "users"), (row, fragment, text)
    before = (Unit.objects.count(), User.objects.count())
    preview = organisation_import(actor=actor, data=org_workbook(units, users), apply=True)
    assert not preview.applied and (Unit.objects.count(), User.objects.count()) == before


def test_chinese_headers_and_role_names_are_read(site, actor):
    preview = organisation_import(
        actor=actor,
        data=org_workbook([UNIT], [[*PERSON[:3], "单位填报员", *PERSON[4:]]], language="zh"),
    )
    assert preview.ok, [str(p) for p in preview.problems]
    assert {"unit": "S1", "role": "reporter"} in [c.fields for c in preview.changes]


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"plain text, not a workbook", "not an .xlsx"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 600, "old Excel"),
        (_zip({"hello.txt": b"hi"}), "cannot be read"),
        (_zip({f"x{i}": b"" for i in range(5001)}), "parts inside"),
    ],
    ids=["empty", "text", "xls", "zip-not-xlsx", "many-parts"],
)
def test_junk_files_are_refused_with_one_message(site, actor, data, fragment):
    with pytest.raises(Invalid, match=fragment):
        organisation_import(actor=actor, data=data, filename="org.xlsx")


def test_a_workbook_without_either_sheet_is_refused(site, actor):
    workbook = Workbook()
    workbook.active.title = "Sheet1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(Invalid, match="neither a sheet"):
        organisation_import(actor=actor, data=buffer.getvalue())


def test_missing_columns_and_hostile_cells(site, actor):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "units"
    sheet.append(["code", "short name"])
    sheet.append(['=HYPERLINK("http://x")', "<script>alert(1)</script>"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = organisation_import(actor=actor, data=buffer.getvalue())
    assert [p.message for p in preview.problems] == ["The column “name” (单位名称) is missing."]
    hostile = organisation_import(
        actor=actor, data=org_workbook([["X9", "<b>" + "长" * 300, "", "", "", "", ""]], [])
    )
    assert any("at most 200" in p.message for p in hostile.problems)


def test_only_administrators_import_and_export(site, actor, personas):
    data = org_workbook([UNIT], [PERSON])
    with pytest.raises(Forbidden):
        organisation_import(actor=personas.planner, data=data, apply=True)
    with pytest.raises(Forbidden):
        org_export(user=personas.planner)
    assert not Unit.objects.filter(code="S1").exists()


def test_two_hundred_units_and_six_hundred_users(site, actor):
    units, users = org_rows(units=200, users=600, top="ROOT")
    preview = organisation_import(actor=actor, data=org_workbook(units, users), apply=True)
    assert preview.applied and len(preview.passwords) == 600
    assert Unit.objects.filter(code__regex=r"^[TV]\d{3}$").count() == 200
    assert Unit.objects.get(code="V150").get_parent().code == "T010"


def test_a_name_that_looks_like_a_formula_exports_as_text(site, actor):
    from workplan.accounts.services import unit_create

    unit_create(actor=actor, code="F1", name="=1+1", parent=site.root)
    exported = org_export(user=actor, language="en")
    from openpyxl import load_workbook

    cell = load_workbook(io.BytesIO(exported))["units"]["B6"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    assert organisation_import(actor=actor, data=exported).changes == []
