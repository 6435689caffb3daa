"""Benchmark: `workplan synth --units 500 --items 20000` on a fresh database.

Run: ``.venv/bin/python bench/bench_synth.py [--units 500] [--items 20000]`` (DATABASE_URL for PostgreSQL).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from django_env import setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--items", type=int, default=20000)
    args = parser.parse_args()
    backend = setup_django()
    from workplan.synth import synthesise

    started = time.perf_counter()
    summary = synthesise(units=args.units, items=args.items, seed=1)
    print(f"synth, {backend}: {summary} in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
