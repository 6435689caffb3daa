"""From a fresh data folder: `workplan init` by flags, the organisation sheet, the first plan."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from workplan.operations.testing import org_rows, org_workbook

WORKPLAN = str(Path(sys.executable).parent / "workplan")


def run(*args: str, data: Path, timeout: int = 300, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update({"WORKPLAN_DATA_DIR": str(data), **extra})
    return subprocess.run(  # noqa: S603 - our own console script
        [WORKPLAN, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def one_line_error(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert fragment in lines[0], lines[0]


PLAN = """2019年工作要点
一、基层工作
（一）完善乡镇统战工作机制，6月底前完成。（东东镇牵头，东南镇负责）
（二）加强统战宣传，全年开展活动4次以上。（东西镇负责）
二、自身建设
（一）加强干部队伍建设，年底前完成。
"""


def test_init_by_flags_then_a_200_unit_600_user_sheet_then_a_plan(tmp_path):
    data = tmp_path / "site"
    result = run(
        "init",
        "--data-dir",
        str(data),
        "--organisation",
        "测试县人民政府",
        "--code",
        "XIAN",
        "--admin",
        "boss",
        "--admin-email",
        "boss@example.gov.cn",
        "--no-input",
        data=tmp_path / "ignored",
    )
    assert result.returncode == 0, result.stderr
    assert "One-time password:" in result.stdout and (data / "workplan.sqlite3").exists()

    again = run("init", "--organisation", "x", "--no-input", data=data)
    one_line_error(again, "already has an organisation")

    sheet = tmp_path / "org.xlsx"
    sheet.write_bytes(org_workbook(*org_rows(units=200, users=600, top="XIAN")))
    dry = run("org", "import", str(sheet), data=data)
    assert dry.returncode == 0, dry.stderr
    assert "0 problem(s), 1400 change(s)" in dry.stdout and "Dry run" in dry.stdout
    passwords = tmp_path / "passwords.tsv"
    applied = run("org", "import", str(sheet), "--apply", "--passwords", str(passwords), data=data)
    assert applied.returncode == 0, applied.stderr
    assert len(passwords.read_text(encoding="utf-8").splitlines()) == 601
    assert oct(passwords.stat().st_mode & 0o777) == "0o600"
    twice = run("org", "import", str(sheet), "--apply", data=data)
    assert "0 problem(s), 0 change(s)" in twice.stdout

    document = tmp_path / "plan.txt"
    document.write_text(PLAN, encoding="utf-8")
    plan = run("import", str(document), "--yes", data=data)
    assert plan.returncode == 0, plan.stderr
    with sqlite3.connect(data / "workplan.sqlite3") as db:
        units = db.execute("select count(*) from accounts_unit").fetchone()[0]
        users = db.execute("select count(*) from accounts_user where username like 'staff%'").fetchone()[0]
        assigned = db.execute(
            "select count(*) from plans_assignment a join accounts_unit u on u.id = a.unit_id "
            "where u.code in ('T000', 'T001', 'T002')"
        ).fetchone()[0]
        items = db.execute("select count(*) from plans_planitem").fetchone()[0]
    assert (units, users) == (201, 600)
    assert (assigned, items) == (3, 5)
    assert "unmatched" not in plan.stderr


@pytest.mark.parametrize(
    ("flags", "fragment"),
    [
        (["--organisation", "x", "--code", "bad code!"], "unit code"),
        (["--code", "X"], "organisation name is missing"),
        (["--organisation", "x", "--admin", "no spaces allowed"], "username"),
    ],
    ids=["bad-code", "no-name", "bad-username"],
)
def test_init_refuses_bad_flags_with_one_line(tmp_path, flags, fragment):
    one_line_error(run("init", *flags, "--no-input", data=tmp_path / "site"), fragment)


def test_init_with_a_weak_password_file_is_refused(tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("1234", encoding="utf-8")
    result = run(
        "init", "--organisation", "x", "--admin-password-file", str(secret), "--no-input", data=tmp_path / "s"
    )
    one_line_error(result, "password")


def test_org_import_of_junk_and_of_a_missing_file(tmp_path):
    data = tmp_path / "site"
    assert run("init", "--organisation", "x", "--no-input", data=data).returncode == 0
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"\x00garbage" * 100)
    one_line_error(run("org", "import", str(junk), data=data), "not an .xlsx")
    one_line_error(run("org", "import", str(tmp_path / "none.xlsx"), data=data), "cannot read")
