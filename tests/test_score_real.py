"""bench/score_real.py finds each set's documents (in the set's folder or outside git) and adds
the shared scorer's figures up per set; a missing document is skipped, never scored as zero."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_real", ROOT / "bench" / "score_real.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


score_real = _load()

GOLD = {
    "title": "Our own test plan",
    "language": "en",
    "items": [
        {
            "number": "1",
            "level": 1,
            "title": "Open two reading rooms.",
            "targets": [{"text": "two reading rooms", "kind": "count", "comparator": "=", "value": 2}],
            "deadlines": [{"text": "by 30 June 2031", "date": "2031-06-30"}],
            "units": [{"text": "Library Service", "role": "lead"}],
            "children": [],
        }
    ],
}


def _write(path: Path, data: object) -> None:
    path.write_text(json.dumps(data), encoding="utf-8")


def test_documents_in_the_folder_outside_git_and_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "bench" / "real-x"
    outside = tmp_path / "docs"
    (outside / "real-x").mkdir(parents=True)
    folder.mkdir(parents=True)
    for stem in ("a", "b", "c"):
        _write(folder / f"{stem}.gold.json", GOLD)
    (folder / "a.md").write_text("1. Open two reading rooms.", encoding="utf-8")
    (outside / "real-x" / "b.xlsx").write_bytes(b"not really a workbook")
    monkeypatch.setenv("WORKPLAN_REAL_DOCS", str(outside))

    found, missing = score_real.documents("real-x", folder)

    assert [doc.name for doc, _ in found] == ["a.md", "b.xlsx"]
    assert missing == ["c"]


# The scorer is shared material beside the repository (../shared, or $WORKPLAN_SHARED), not ours.
needs_the_shared_scorer = pytest.mark.skipif(
    not (score_real.shared_dir() / "tools" / "score_parse.py").exists(),
    reason="the shared scorer (../shared/tools/score_parse.py) is not beside this checkout",
)


@needs_the_shared_scorer
def test_a_set_scores_its_documents_with_the_shared_scorer(tmp_path: Path) -> None:
    scorer = score_real.load_scorer()
    doc = tmp_path / "plan.txt"
    _write(doc, GOLD)  # the "parser" below prints the document itself, so it equals the gold
    gold = tmp_path / "plan.gold.json"
    _write(gold, GOLD)
    cmd = f'{sys.executable} -c "import sys; print(open(sys.argv[1]).read())" {{}}'

    totals, rows = score_real.score_set(scorer, [(doc, gold)], cmd)

    assert rows == [("plan.txt", dict.fromkeys(scorer.METRICS, 1.0))]
    assert totals["items"] == [1, 1, 1]
    assert totals["units"] == [1, 1, 1]


@needs_the_shared_scorer
def test_a_failing_run_scores_nothing_but_keeps_the_gold(tmp_path: Path) -> None:
    scorer = score_real.load_scorer()
    doc = tmp_path / "plan.txt"
    doc.write_text("junk", encoding="utf-8")
    gold = tmp_path / "plan.gold.json"
    _write(gold, GOLD)
    cmd = f'{sys.executable} -c "import sys; sys.exit(3)" {{}}'

    totals, rows = score_real.score_set(scorer, [(doc, gold)], cmd)

    assert totals["items"] == [0, 0, 1]
    assert rows[0][1]["items"] == 0.0
