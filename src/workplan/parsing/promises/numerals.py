"""Numerals in every script a plan uses: Chinese, Roman, English words, circled digits.

Shared by the numbering grammar (``一、`` -> 1) and the promise extractors (``两个`` -> 2),
so both read numbers the same way.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_ZH_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_ZH_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}

#: Characters that may make up a Chinese numeral (for building regexes).
ZH_NUMERAL_CHARS = "".join(_ZH_DIGITS) + "".join(_ZH_SMALL_UNITS) + "".join(_ZH_BIG_UNITS)

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}

ORDINAL_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
}

CARDINAL_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
}

MAGNITUDE_WORDS = {
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "k": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "bn": 1e9,
}


@lru_cache(maxsize=4096)  # plans write the same few numerals over and over
def zh_numeral_value(text: str) -> int | None:
    """Value of a Chinese numeral such as 十二, 二十, 一百零三, 三万; None if it is not one.

    Also accepts plain digit strings ("一二" -> 12) because dates and labels sometimes
    spell digits one by one.
    """
    if not text:
        return None
    if all(ch in _ZH_DIGITS for ch in text):
        if len(text) == 1:
            return _ZH_DIGITS[text]
        return int("".join(str(_ZH_DIGITS[ch]) for ch in text))
    total = 0
    section = 0
    digit: int | None = None
    for ch in text:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        elif ch in _ZH_SMALL_UNITS:
            section += (1 if digit is None else digit) * _ZH_SMALL_UNITS[ch]
            digit = None
        elif ch in _ZH_BIG_UNITS:
            section += digit or 0
            total += (section or 1) * _ZH_BIG_UNITS[ch]
            section = 0
            digit = None
        else:
            return None
    return total + section + (digit or 0)


def roman_value(text: str) -> int | None:
    """Value of a Roman numeral (either case); None when the letters are not a valid one."""
    upper = text.upper()
    if not upper or any(ch not in _ROMAN for ch in upper):
        return None
    total = 0
    for index, ch in enumerate(upper):
        value = _ROMAN[ch]
        if index + 1 < len(upper) and _ROMAN[upper[index + 1]] > value:
            total -= value
        else:
            total += value
    # Reject malformed numerals ("IIII", "VX") by round-tripping.
    return total if 0 < total < 4000 and to_roman(total) == upper else None


# English month names and their abbreviations -> month number (deadlines, dates of issue).
MONTH_NUMBERS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}


def to_roman(value: int) -> str:
    """The canonical upper-case Roman numeral for 1..3999."""
    table = (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    )
    out = []
    for amount, letters in table:
        while value >= amount:
            out.append(letters)
            value -= amount
    return "".join(out)


def circled_value(ch: str) -> int | None:
    """①..⑳, ⑴..⒇, ⒈..⒛ and ❶..❿ style characters -> their number."""
    code = ord(ch)
    for first, last in (
        (0x2460, 0x2473),
        (0x2474, 0x2487),
        (0x2488, 0x249B),
        (0x2776, 0x277F),
        (0x2780, 0x2789),
    ):
        if first <= code <= last:
            return code - first + 1
    if 0x3251 <= code <= 0x325F:  # ㉑..㉟
        return code - 0x3251 + 21
    return None


def ascii_digits(text: str) -> str:
    """Full-width and other Unicode decimal digits as ASCII ("１２" -> "12")."""
    if text.isascii():
        return text
    text = text.translate(_FULL_WIDTH_DIGITS)
    if text.isascii() or not _OTHER_DIGIT.search(text):
        return text
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text)


_FULL_WIDTH_DIGITS = {0xFF10 + i: str(i) for i in range(10)}
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")


@lru_cache(maxsize=4096)
def parse_number(text: str) -> float | None:
    """A number written with digits (commas allowed), a Chinese numeral, or an English word."""
    cleaned = ascii_digits(text).replace(",", "").replace("，", "").strip()
    if not cleaned:
        return None
    try:
        return float(cleaned)
    except ValueError:
        pass
    lowered = cleaned.lower()
    if lowered in CARDINAL_WORDS:
        return float(CARDINAL_WORDS[lowered])
    value = zh_numeral_value(cleaned)
    return None if value is None else float(value)
