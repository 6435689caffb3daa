"""Matching unit names found in a document against the organisation's unit tree.

Exact name first, then short name and aliases, then a fuzzy match that is only ever a
suggestion for the planner to confirm.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from workplan.accounts.models import Unit

MatchKind = Literal["exact", "alias", "suggestion", "none"]
FUZZY_CUTOFF = 0.75


def normalise_name(name: str) -> str:
    """Case-, width- and space-insensitive form of a unit name."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and unicodedata.category(ch)[0] not in "PS")


@dataclass(frozen=True)
class UnitMatch:
    """How a name from a document maps to a unit: ``unit`` is set only for exact and alias."""

    name: str
    kind: MatchKind
    unit: Unit | None = None
    suggestions: tuple[Unit, ...] = ()


class UnitDirectory:
    """The active units, indexed once for matching many names."""

    def __init__(self, units: list[Unit] | None = None) -> None:
        self.units = units if units is not None else list(Unit.objects.filter(is_active=True))
        self.by_name: dict[str, Unit] = {}
        self.by_alias: dict[str, Unit] = {}
        for unit in self.units:
            self.by_name.setdefault(normalise_name(unit.name), unit)
            for alias in [unit.short_name, *unit.aliases]:
                if alias:
                    self.by_alias.setdefault(normalise_name(alias), unit)

    @cached_property
    def names(self) -> tuple[str, ...]:
        """Every name and alias as written (for splitting a cell that lists several units)."""
        return tuple(n for unit in self.units for n in (unit.name, unit.short_name, *unit.aliases) if n)

    def match(self, name: str) -> UnitMatch:
        key = normalise_name(name)
        if not key:
            return UnitMatch(name=name, kind="none")
        if key in self.by_name:
            return UnitMatch(name=name, kind="exact", unit=self.by_name[key])
        if key in self.by_alias:
            return UnitMatch(name=name, kind="alias", unit=self.by_alias[key])
        candidates = {**self.by_alias, **self.by_name}
        close = difflib.get_close_matches(key, list(candidates), n=3, cutoff=FUZZY_CUTOFF)
        suggestions = tuple(dict.fromkeys(candidates[c] for c in close))
        return UnitMatch(name=name, kind="suggestion" if suggestions else "none", suggestions=suggestions)
