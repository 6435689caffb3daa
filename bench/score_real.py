"""Score ``workplan parse`` on every labelled set, each set reported on its own.

Sets, in the order printed:

- ``sample``: the shared sample plans (``../shared/plans``).
- ``tuning``: sets the parser has been tuned on. ``bench/tuning1`` and ``bench/tuning2``
  (called ``bench/heldout`` and ``bench/heldout2`` before they were renamed; whichever
  exists is used), and ``bench/real-tuning`` (real published plans, labelled for tuning).
- ``blind``: ``bench/real-blind-4``, real published plans that the parser's authors must not
  read. Each blind set's README records its first score. ``bench/real-blind-1`` and
  ``bench/real-blind-2`` were blind until they were scored at ``82da84c``, ``bench/real-blind-3``
  until its first score at ``2b2077a``; they are tuning sets now (their names are kept so that
  their recorded scores stay traceable).

A set's gold files (``NAME.gold.json``) live in its folder. Its documents live there too, or,
for documents that may not be committed (files brought in from other repositories), in
``$WORKPLAN_REAL_DOCS/<set>/`` (default ``../shared/real-plans/<set>``, then
``../real-plans/<set>`` beside the repository). A gold file whose document is missing is
reported and skipped, never scored as zero.

The shared scorer (``../shared/tools/score_parse.py``) does the comparison; this script only
finds the documents (it also takes ``.xlsx``, which the shared scorer's folder mode does not)
and adds the figures up per set.

    .venv/bin/python bench/score_real.py             # the sample and tuning sets, totals per set
    .venv/bin/python bench/score_real.py --docs      # and one line per document
    .venv/bin/python bench/score_real.py --json      # totals as JSON
    .venv/bin/python bench/score_real.py --set real-blind-3
    .venv/bin/python bench/score_real.py --blind     # also the blind sets (the lead, once)

A blind set is scored only when asked for by name (``--set real-blind-4``) or with ``--blind``:
a tuning run never shows a blind figure by accident.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
DOC_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".xlsx")
SETS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("sample", "sample", ("@shared/plans",)),
    ("tuning", "tuning1", ("bench/tuning1", "bench/heldout")),
    ("tuning", "tuning2", ("bench/tuning2", "bench/heldout2")),
    ("tuning", "real-tuning", ("bench/real-tuning",)),
    ("tuning", "real-blind-1", ("bench/real-blind-1",)),
    ("tuning", "real-blind-2", ("bench/real-blind-2",)),
    ("tuning", "real-blind-3", ("bench/real-blind-3",)),
    ("blind", "real-blind-4", ("bench/real-blind-4",)),
)


def shared_dir() -> Path:
    return Path(os.environ.get("WORKPLAN_SHARED", ROOT.parent / "shared"))


def load_scorer() -> ModuleType:
    path = shared_dir() / "tools" / "score_parse.py"
    spec = importlib.util.spec_from_file_location("score_parse", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"the shared scorer is missing: {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def resolve(candidates: tuple[str, ...]) -> Path | None:
    for candidate in candidates:
        path = (
            shared_dir() / candidate[len("@shared/") :]
            if candidate.startswith("@shared/")
            else ROOT / candidate
        )
        if path.is_dir():
            return path
    return None


def doc_folders(name: str, folder: Path) -> list[Path]:
    extra = os.environ.get("WORKPLAN_REAL_DOCS")
    roots = [Path(extra)] if extra else []
    roots += [shared_dir() / "real-plans", ROOT.parent / "real-plans"]
    return [folder] + [root / name for root in roots]


def documents(name: str, folder: Path) -> tuple[list[tuple[Path, Path]], list[str]]:
    found: list[tuple[Path, Path]] = []
    missing: list[str] = []
    places = doc_folders(name, folder)
    for gold in sorted(folder.glob("*.gold.json")):
        stem = gold.name[: -len(".gold.json")]
        doc = next((p / (stem + s) for p in places for s in DOC_SUFFIXES if (p / (stem + s)).is_file()), None)
        if doc is None:
            missing.append(stem)
        else:
            found.append((doc, gold))
    return found, missing


def score_set(
    scorer: ModuleType, pairs: list[tuple[Path, Path]], cmd: str
) -> tuple[dict[str, list[int]], list[tuple[str, dict[str, float]]]]:
    totals: dict[str, list[int]] = {metric: [0, 0, 0] for metric in scorer.METRICS}
    rows: list[tuple[str, dict[str, float]]] = []
    for doc, gold_path in pairs:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        try:
            pred = scorer.run_parser(cmd, doc)
        except Exception as error:  # a failed run scores nothing on that document
            print(f"FAILED {doc.name}: {error}", file=sys.stderr)
            pred = {"items": []}
        result = scorer.score(pred, gold)
        for metric, counts in result.items():
            totals[metric] = [a + b for a, b in zip(totals[metric], counts, strict=True)]
        rows.append((doc.name, {m: scorer.prf(*c)[2] for m, c in result.items()}))
    return totals, rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cmd", default=f"{ROOT}/.venv/bin/workplan parse {{}} --format json")
    parser.add_argument("--set", action="append", help="score only this set (repeatable)")
    parser.add_argument("--docs", action="store_true", help="print one line per document")
    parser.add_argument("--json", action="store_true", help="print the totals as JSON")
    parser.add_argument(
        "--blind", action="store_true", help="also score the blind sets (never while tuning the parser)"
    )
    args = parser.parse_args()
    scorer = load_scorer()
    report: dict[str, object] = {}
    for kind, name, candidates in SETS:
        if args.set and name not in args.set:
            continue
        if kind == "blind" and not args.blind and not args.set:
            continue
        folder = resolve(candidates)
        if folder is None:
            continue
        pairs, missing = documents(name, folder)
        if not pairs:
            continue
        totals, rows = score_set(scorer, pairs, args.cmd)
        f1 = {m: round(scorer.prf(*c)[2], 3) for m, c in totals.items()}
        report[name] = {"kind": kind, "documents": len(pairs), "missing": missing, "f1": f1, "counts": totals}
        if not args.json:
            print_set(scorer, kind, name, folder, rows, totals, missing, args.docs)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


def print_set(
    scorer: ModuleType,
    kind: str,
    name: str,
    folder: Path,
    rows: list[tuple[str, dict[str, float]]],
    totals: dict[str, list[int]],
    missing: list[str],
    per_doc: bool,
) -> None:
    metrics = scorer.METRICS
    print(f"== {kind}: {name} ({len(rows)} documents, {folder.relative_to(folder.parent.parent)})")
    if per_doc:
        print(f"  {'document':44} " + " ".join(f"{m:>9}" for m in metrics))
        for doc, f1s in rows:
            print(f"  {doc[:44]:44} " + " ".join(f"{f1s[m]:9.3f}" for m in metrics))
    print("  F1 " + "  ".join(f"{m} {scorer.prf(*totals[m])[2]:.3f}" for m in metrics))
    if missing:
        print(f"  (document not found, skipped: {', '.join(missing)})")


if __name__ == "__main__":
    sys.exit(main())
