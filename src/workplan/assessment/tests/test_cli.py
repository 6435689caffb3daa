"""``workplan assess list|run|export`` on the demo site, as a user meets them."""

from __future__ import annotations

import io
import itertools
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

WORKPLAN = str(Path(sys.executable).parent / "workplan")


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}} | env
    return subprocess.run(  # noqa: S603 - our own console script
        [WORKPLAN, *args], capture_output=True, text=True, env=full, timeout=300, check=False
    )


@pytest.mark.slow
def test_assess_commands_on_the_demo(tmp_path):
    env = {"WORKPLAN_DATA_DIR": str(tmp_path / "data"), "LANGUAGE": "en"}
    assert run("demo", "--no-serve", env=env).returncode == 0
    listed = run("assess", "list", "--format", "json", env=env)
    assert listed.returncode == 0, listed.stderr
    rubrics = json.loads(listed.stdout)
    assert rubrics[0]["code"] == "ufwd-2019-h1" and "2019-H1" in rubrics[0]["periods"]
    scored = run("assess", "run", "ufwd-2019-h1", "--period", "2019-H1", "--format", "json", env=env)
    assert scored.returncode == 0, scored.stderr
    rows = json.loads(scored.stdout)
    assert len(rows) == 8
    for row in rows:
        assert math.isclose(row["score"], sum(row["criteria"].values()), abs_tol=0.005), row
    for better, worse in itertools.pairwise(rows):
        assert better["score"] >= worse["score"]
        assert better["rank"] <= worse["rank"]
        assert (better["rank"] == worse["rank"]) == (better["score"] == worse["score"])
    out = tmp_path / "ranking.xlsx"
    exported = run("assess", "export", "ufwd-2019-h1", "--period", "2019-H1", "-o", str(out), env=env)
    assert exported.returncode == 0, exported.stderr
    sheet = load_workbook(io.BytesIO(out.read_bytes())).active
    assert sheet.cell(row=3, column=1).value == 1
    for args in (("run", "nope", "--period", "2019-H1"), ("run", "ufwd-2019-h1", "--period", "2019-Q5")):
        failed = run("assess", *args, env=env)
        assert failed.returncode == 2 and len(failed.stderr.strip().splitlines()) == 1, failed.stderr
        assert "Traceback" not in failed.stderr
