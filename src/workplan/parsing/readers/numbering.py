"""Word automatic list numbering: number formats and the counters of ``word/numbering.xml``.

A Word paragraph with automatic numbering stores no "一、" in its text: Word computes the
label from ``numbering.xml`` when it draws the page. The plan parser needs the label as the
user sees it, so this module recomputes it: one counter per list level, deeper levels
restarting when a shallower level advances, ``start`` values and ``startOverride``, and the
``lvlText`` template (``"（%2）"``) filled with each level's ``numFmt``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from workplan.parsing.promises.numerals import to_roman

MAX_LEVELS = 9

_CHINESE_DIGITS = "零一二三四五六七八九"
_CHINESE_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_CHINESE_UNITS = ("", "十", "百", "千")
_CHINESE_LEGAL_UNITS = ("", "拾", "佰", "仟")
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORDINAL_ONES = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]
_ORDINAL_TENS = [
    "_",
    "_",
    "twentieth",
    "thirtieth",
    "fortieth",
    "fiftieth",
    "sixtieth",
    "seventieth",
    "eightieth",
    "ninetieth",
]


def _chinese_below_10000(number: int, digits: str, units: tuple[str, ...], *, short_ten: bool) -> str:
    if number < 10:
        return digits[number]
    parts: list[str] = []
    text_digits = str(number)
    width = len(text_digits)
    zero_pending = False
    for position, char in enumerate(text_digits):
        digit = int(char)
        unit = units[width - position - 1]
        if digit == 0:
            zero_pending = bool(parts)
            continue
        if zero_pending:
            parts.append(digits[0])
            zero_pending = False
        if short_ten and digit == 1 and unit == units[1] and position == 0:
            parts.append(unit)  # 十一, not 一十一
        else:
            parts.append(digits[digit] + unit)
    return "".join(parts)


def chinese_counting(number: int, *, legal: bool = False) -> str:
    """1 -> 一, 10 -> 十, 21 -> 二十一, 105 -> 一百零五 (``legal``: 壹贰叁…)."""
    digits = _CHINESE_LEGAL_DIGITS if legal else _CHINESE_DIGITS
    units = _CHINESE_LEGAL_UNITS if legal else _CHINESE_UNITS
    if number < 0:
        return str(number)
    if number < 10000:
        return _chinese_below_10000(number, digits, units, short_ten=not legal)
    high, low = divmod(number, 10000)
    head = chinese_counting(high, legal=legal) + ("萬" if legal else "万")
    if low == 0:
        return head
    tail = _chinese_below_10000(low, digits, units, short_ten=False)
    return head + (digits[0] if low < 1000 else "") + tail


def roman(number: int) -> str:
    return to_roman(number) if 0 < number < 4000 else str(number)


def letters(number: int) -> str:
    """Word's letter numbering: A..Z, then AA, BB, .. ZZ, then AAA."""
    if number <= 0:
        return str(number)
    repeat, index = divmod(number - 1, 26)
    return chr(ord("A") + index) * (repeat + 1)


def english_cardinal(number: int) -> str:
    if not 0 <= number < 100:
        return str(number)
    if number < 20:
        return _ONES[number]
    tens, ones = divmod(number, 10)
    return _TENS[tens] + ("-" + _ONES[ones] if ones else "")


def english_ordinal(number: int) -> str:
    if not 0 <= number < 100:
        return str(number)
    if number < 20:
        return _ORDINAL_ONES[number]
    tens, ones = divmod(number, 10)
    return _TENS[tens] + "-" + _ORDINAL_ONES[ones] if ones else _ORDINAL_TENS[tens]


def ordinal_suffix(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _enclosed(first: int, last: int) -> Callable[[int], str]:
    def render(number: int) -> str:
        return chr(first + number - 1) if 1 <= number <= last else str(number)

    return render


def _digit_by_digit(number: int) -> str:
    return (
        "".join("〇一二三四五六七八九"[int(digit)] for digit in str(number)) if number >= 0 else str(number)
    )


def _cyclic(symbols: str) -> Callable[[int], str]:
    def render(number: int) -> str:
        return symbols[(number - 1) % len(symbols)] if number >= 1 else str(number)

    return render


def _enclosed_circle(number: int) -> str:
    if 1 <= number <= 20:
        return chr(0x2460 + number - 1)
    if 21 <= number <= 35:
        return chr(0x3251 + number - 21)
    if 36 <= number <= 50:
        return chr(0x32B1 + number - 36)
    return str(number)


_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalHalfWidth": str,
    "decimalZero": lambda n: f"{n:02d}" if 0 <= n < 10 else str(n),
    "decimalFullWidth": lambda n: str(n).translate(str.maketrans("0123456789-", "０１２３４５６７８９－")),
    "decimalFullWidth2": lambda n: str(n).translate(str.maketrans("0123456789-", "０１２３４５６７８９－")),
    "upperRoman": roman,
    "lowerRoman": lambda n: roman(n).lower(),
    "upperLetter": letters,
    "lowerLetter": lambda n: letters(n).lower(),
    "ordinal": ordinal_suffix,
    "cardinalText": lambda n: english_cardinal(n).capitalize(),
    "ordinalText": lambda n: english_ordinal(n).capitalize(),
    "chineseCounting": chinese_counting,
    "chineseCountingThousand": chinese_counting,
    "japaneseCounting": chinese_counting,
    "taiwaneseCounting": chinese_counting,
    "taiwaneseCountingThousand": chinese_counting,
    "chineseLegalSimplified": lambda n: chinese_counting(n, legal=True),
    "ideographLegalTraditional": lambda n: chinese_counting(n, legal=True),
    "ideographDigital": _digit_by_digit,
    "taiwaneseDigital": _digit_by_digit,
    "japaneseDigitalTenThousand": _digit_by_digit,
    "ideographTraditional": _cyclic(_HEAVENLY_STEMS),
    "ideographZodiac": _cyclic(_EARTHLY_BRANCHES),
    "decimalEnclosedCircle": _enclosed_circle,
    "decimalEnclosedCircleChinese": _enclosed_circle,
    "ideographEnclosedCircle": lambda n: chr(0x3280 + n - 1) if 1 <= n <= 10 else chinese_counting(n),
    "decimalEnclosedParen": _enclosed(0x2474, 20),
    "decimalEnclosedFullstop": _enclosed(0x2488, 20),
    "bullet": lambda n: "",
    "none": lambda n: "",
}


def format_number(number: int, num_fmt: str) -> str:
    """Render a counter value in a ``w:numFmt``; unknown formats fall back to decimal."""
    return _FORMATS.get(num_fmt, str)(number)


@dataclass(frozen=True, slots=True)
class Level:
    """One ``w:lvl`` of a list definition."""

    start: int = 1
    num_fmt: str = "decimal"
    lvl_text: str | None = None
    restart_after: int | None = None  # w:lvlRestart: None = after any shallower level; 0 = never
    is_legal: bool = False  # w:isLgl: show every level's number as decimal
    p_style: str | None = None  # w:pStyle: the paragraph style linked to this level
    suffix: str = "tab"  # w:suff: tab / space / nothing


@dataclass(slots=True)
class ListDefinition:
    """A ``w:num`` resolved to its levels, with any ``lvlOverride`` applied."""

    abstract_id: str
    levels: dict[int, Level]
    has_start_override: bool = False


@dataclass(slots=True)
class NumberingState:
    """Counters of every list instance, advanced paragraph by paragraph in reading order.

    Lists (``w:num``) that share an abstract definition continue one another, as in Word,
    unless a list overrides a start value: then it counts on its own.
    """

    definitions: dict[str, ListDefinition] = field(default_factory=dict)
    _counters: dict[str, list[int | None]] = field(default_factory=dict)

    def level_for_style(self, num_id: str, style_id: str) -> int:
        """The list level linked to a paragraph style (a heading linked to a multilevel list)."""
        definition = self.definitions.get(num_id)
        if definition is not None:
            for ilvl, level in definition.levels.items():
                if level.p_style == style_id:
                    return ilvl
        return 0

    def next_label(self, num_id: str, ilvl: int) -> tuple[str, str] | None:
        """Advance list ``num_id`` at level ``ilvl``; return (label, suffix) or None if no list."""
        definition = self.definitions.get(num_id)
        if definition is None or not definition.levels:
            return None
        ilvl = min(max(ilvl, 0), MAX_LEVELS - 1)
        key = f"num:{num_id}" if definition.has_start_override else f"abstract:{definition.abstract_id}"
        counters = self._counters.setdefault(key, [None] * MAX_LEVELS)
        level = definition.levels.get(ilvl, Level())
        current = counters[ilvl]
        counters[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, MAX_LEVELS):
            deeper_level = definition.levels.get(deeper)
            restart_after = deeper_level.restart_after if deeper_level is not None else None
            if restart_after is None or (restart_after > 0 and ilvl < restart_after):
                counters[deeper] = None
        if level.lvl_text is None:
            return "", level.suffix

        def substitute(match: re.Match[str]) -> str:
            referenced = int(match.group(1)) - 1
            ref_level = definition.levels.get(referenced, Level())
            value = counters[referenced]
            if value is None:
                value = ref_level.start
            num_fmt = "decimal" if level.is_legal and ref_level.num_fmt != "bullet" else ref_level.num_fmt
            return format_number(value, num_fmt)

        if level.num_fmt == "bullet":
            return "", level.suffix
        return _PLACEHOLDER.sub(substitute, level.lvl_text), level.suffix


_PLACEHOLDER = re.compile(r"%([1-9])")
