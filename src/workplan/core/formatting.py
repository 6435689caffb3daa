"""Display helpers with no domain nouns."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def marked_runs(
    text: str, marks: Iterable[tuple[int, int, str, str]], start: int = 0, end: int | None = None
) -> list[dict[str, Any]]:
    """``text[start:end]`` cut into runs for highlighting: each run is ``{"text", "kind", "key"}``.

    ``marks`` are ``(start, end, kind, key)`` spans of ``text``; a mark overlapping an earlier
    one, or reaching outside the stretch, is left unmarked.
    """
    end = len(text) if end is None else end
    runs: list[dict[str, Any]] = []
    position = start
    for mark_start, mark_end, kind, key in sorted(marks):
        if mark_start < position or mark_end > end:
            continue
        if mark_start > position:
            runs.append({"text": text[position:mark_start], "kind": "", "key": ""})
        runs.append({"text": text[mark_start:mark_end], "kind": kind, "key": key})
        position = mark_end
    runs.append({"text": text[position:end], "kind": "", "key": ""})
    return runs
