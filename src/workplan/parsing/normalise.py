"""Characters that PDF printers and some converters emit in place of ordinary CJK ones.

A Chinese PDF printed from a browser often writes ⼀ (U+2F00, KANGXI RADICAL ONE) for 一,
⾃ for 自, ⾊ for 色, and CJK compatibility ideographs (U+F900…) for common characters: the
text looks right but 一、/（一） headings and every keyword stop matching. Each is replaced by
the character its compatibility decomposition names, one character for one, so every offset
into the text stays valid.
"""

from __future__ import annotations

import re
import unicodedata

_RANGES = ((0x2E80, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))


def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for low, high in _RANGES:
        for code in range(low, high + 1):
            char = chr(code)
            folded = unicodedata.normalize("NFKC", char)
            if folded != char and len(folded) == 1:
                table[code] = folded
    return table


_TABLE = _table()
_ANY = re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in _RANGES) + "]")


def normalise_cjk(text: str) -> str:
    """``text`` with Kangxi radicals and CJK compatibility ideographs made ordinary."""
    if _ANY.search(text) is None:
        return text
    return text.translate(_TABLE)
