"""The numbering grammar: every way a plan numbers its parts, tasks and measures.

"一、", "（一）", "1.", "（1）", "①", "a、", "第一部分", "First,", "V.", "1.2", "(a)", "Part II",
"Goal 3:" and more.
A label may read several ways ("I." is Roman one or the letter i); each reading has a style
and an ordinal value, and the level state machine (``levels``) picks the one that keeps a
sequence going.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workplan.parsing.promises.numerals import (
    CARDINAL_WORDS,
    ORDINAL_WORDS,
    ascii_digits,
    circled_value,
    roman_value,
    zh_numeral_value,
)
from workplan.parsing.structure.text import TITLE_PUNCT

_ZH_NUM = "[零〇○一二两三四五六七八九十百]{1,6}"
DIG = "[0-9０-９]{1,3}"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_ORDINALS = "|".join(word.capitalize() for word in sorted(ORDINAL_WORDS, key=len, reverse=True))
_KEYWORDS = (
    "Part|Chapter|Section|Article|Goal|Objective|Strategy|Priority|Initiative|Action|Task|"
    "Measure|Commitment|Activity|Step|Phase|Stage|Pillar|Outcome|Output|Recommendation"
)
_WORD_NUMBERS = {word: value for word, value in CARDINAL_WORDS.items() if value <= 10}  # "Part One"
# Characters that, right after a number, make it a quantity ("1.5万元", "3个") not a label.
_QUANTITY_AFTER = "万亿千百%％个元人次年月日号倍名家项岁天周"

_RE_ZH_DI = re.compile(rf"第\s*({_ZH_NUM}|{DIG})\s*(部分|章|篇|节|条|项)[\s、，,：:．.]*")
_RE_ZH_ORDINAL = re.compile(rf"第({_ZH_NUM})\s*[，,、：:]\s*")
# "(one)" .. "(twenty)": a machine translation of "（一）" .. "（二十）".
_PAREN_WORDS = {word: value for word, value in CARDINAL_WORDS.items() if value <= 20}
_RE_WORD_PAREN = re.compile(
    r"[（(]\s*(" + "|".join(sorted(_PAREN_WORDS, key=len, reverse=True)) + r")\s*[）)][\s、，,．.]*",
    re.IGNORECASE,
)
# "One," "Two," ...: a machine translation of "一、" "二、".
_RE_WORD_COMMA = re.compile(
    "(" + "|".join(word.capitalize() for word in sorted(_PAREN_WORDS, key=len, reverse=True)) + r")[,，、]\s*"
)
_RE_ZH_PAREN = re.compile(rf"[（(]\s*({_ZH_NUM})\s*[）)][\s、，,．.]*")
_RE_ZH_DUN = re.compile(rf"({_ZH_NUM})\s*[、．]\s*|({_ZH_NUM})[.](?![0-9])\s*")
_RE_STEM = re.compile(rf"([{_STEMS}])\s*[、．.]\s*")
_RE_DECIMAL = re.compile(rf"({DIG}(?:[.．]{DIG}){{1,4}})[.．]?(?![0-9０-９{_QUANTITY_AFTER}])\s*")
_RE_ZH_RPAREN = re.compile(rf"({_ZH_NUM})\s*[）)]\s*")
_RE_AR_SPACE = re.compile(rf"({DIG})[ \t\u3000]+(?=[A-Z\u4e00-\u9fff])")
_RE_AR_PAREN = re.compile(rf"[（(]\s*({DIG})\s*[）)]\s*")
_RE_AR_DUN = re.compile(rf"({DIG})\s*、\s*")
_RE_AR_DOT = re.compile(rf"({DIG})\s*[.．](?![0-9０-９])\s*")
# "1.12月下旬…" "2.2026年底前…": a dot label whose text begins with a date.
_RE_AR_DOT_DATE = re.compile(rf"({DIG})[.．](?=[0-9０-９]{{1,2}}\s*[月日号]|[0-9０-９]{{4}}\s*年)")
# "11.300家企业…": a dot label glued to the digits its text begins with -- not a decimal
# quantity ("1.5万元", "2.35亿", "0.5%").
_RE_AR_DOT_GLUED = re.compile(rf"({DIG})[.．](?=[0-9０-９])(?![0-9０-９]{{1,2}}\s*[万亿千百%％‰倍])")
_RE_AR_RPAREN = re.compile(rf"({DIG})\s*[)）]\s*")
_RE_CIRCLED = re.compile(r"([①-⑳㉑-㉟❶-❿➀-➉])\s*[、.．]?\s*")
_RE_CIRCLED_PAREN = re.compile(r"([⑴-⒇])\s*")
_RE_CIRCLED_DOT = re.compile(r"([⒈-⒛])\s*")
_RE_LETTER_PAREN = re.compile(r"[（(]([a-zA-Z]|[ivx]{1,4}|[IVX]{1,4})[）)]\s*")
_RE_LETTER_MARK = re.compile(r"([a-zA-Z]|[ivxlc]{1,6}|[IVXLC]{1,6})\s*([、.．)）])\s*")
_RE_EN_ORDINAL = re.compile(rf"({_ORDINALS})(?:ly)?\s*[,，:：.．]\s*")
_RE_KEYWORD = re.compile(
    rf"({_KEYWORDS})\s+(\d{{1,3}}(?:\.\d{{1,3}}){{0,3}}(?!\.?\d)|[IVXLC]{{1,6}}|[A-Z]|One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten)"
    r"(?:\s*[:：.．\-–—]\s*|\s+(?=[A-Z\u4e00-\u9fff\"“(])|\s*$)"
)
TABLE_NUMBER = re.compile(rf"({DIG}(?:[.．]{DIG}){{0,4}})[.．、]?$")


@dataclass(frozen=True, slots=True)
class Reading:
    """One interpretation of a label: its style, ordinal value and normalised number."""

    style: str
    value: int
    number: str


@dataclass(frozen=True, slots=True)
class Label:
    """A numbering label found at the start of a block (or in a table's number cell)."""

    readings: tuple[Reading, ...]
    start: int  # absolute offsets of the label as written (punctuation included)
    end: int
    rest: int  # where the text after the label (and its spacing) begins
    strong: bool  # a style that hardly ever starts a line by accident (一、（一）①)
    # "1.12月下旬完成": a label only where it continues a sequence (or starts one at 1)
    sequence_only: bool = False
    # "11.300家企业…" (a dot label glued to the digits of its text): a label only where it
    # is the very number an open sequence expects
    continue_only: bool = False
    # another reading with a shorter label, tried when this one fits no sequence: "11.121人才…"
    # may be the decimal 11.121 or the label "11." glued to "121人才"
    alternative: Label | None = None


def _letter_reading(style: str, letter: str) -> Reading:
    return Reading(style, ord(letter.lower()) - ord("a") + 1, letter.lower())


def numeral_value(text: str) -> int | None:
    text = ascii_digits(text)
    if text.isdigit():
        return int(text)
    return zh_numeral_value(text)


def _after_ok(text: str, pos: int, *, allow_end: bool) -> bool:
    """A label must be followed by a heading, not by the end of the line (a page number)."""
    return pos < len(text) or allow_end


@dataclass(slots=True)
class _Found:
    """What one branch of the grammar matched: the regex match and its readings."""

    match: re.Match[str]
    readings: list[Reading]
    strong: bool = False
    sequence_only: bool = False
    continue_only: bool = False
    glued_end: int | None = None  # a decimal's other reading: a dot label ending here


def _letter_or_roman(kind: str, token: str) -> list[Reading]:
    """A letter ("a", one character) and/or a Roman numeral ("iv") with the mark ``kind``."""
    case = "upper" if token.isupper() else "lower"
    readings = [_letter_reading(f"letter_{kind}_{case}", token)] if len(token) == 1 else []
    roman = roman_value(token)
    if roman is not None:
        readings.append(Reading(f"roman_{kind}_{case}", roman, str(roman)))
    return readings


def _zh_value_found(match: re.Match[str], style: str, group: int = 1) -> _Found:
    """A match whose group is a Chinese or Arabic numeral: one strong reading of ``style``."""
    value = numeral_value(match.group(group))
    readings = [] if value is None else [Reading(style, value, str(value))]
    return _Found(match, readings, strong=True)


def _di_label(text: str) -> _Found | None:
    """Labels such as "第一部分" "第3条" (strong) and "第一，" (an ordinal word)."""
    match = _RE_ZH_DI.match(text)
    if match:
        return _zh_value_found(match, "zh_di_" + match.group(2))
    match = _RE_ZH_ORDINAL.match(text)
    if match is None:
        return None
    value = numeral_value(match.group(1))
    return _Found(match, [] if value is None else [Reading("zh_ordinal", value, str(value))])


def _paren_label(text: str) -> _Found | None:
    """Labels such as "（一）" "(1)" "(one)" "(a)" "(iv)"."""
    if match := _RE_ZH_PAREN.match(text):
        return _zh_value_found(match, "zh_paren")
    if match := _RE_AR_PAREN.match(text):
        value = int(ascii_digits(match.group(1)))
        return _Found(match, [Reading("ar_paren", value, str(value))], strong=True)
    if match := _RE_WORD_PAREN.match(text):
        return _Found(match, [Reading("zh_paren", _PAREN_WORDS[match.group(1).lower()], "")], strong=True)
    match = _RE_LETTER_PAREN.match(text)
    if match is None:
        return None
    return _Found(match, _letter_or_roman("paren", match.group(1)))


def _han_label(text: str) -> _Found | None:
    """Labels such as "一、" "一." "一）" "甲、"."""
    if match := _RE_ZH_DUN.match(text):
        return _zh_value_found(match, "zh_dun", 1 if match.group(1) else 2)
    if match := _RE_ZH_RPAREN.match(text):
        return _zh_value_found(match, "zh_rparen")
    if text[0] not in _STEMS:
        return None
    match = _RE_STEM.match(text)
    if match is None:
        return None
    value = _STEMS.index(match.group(1)) + 1
    return _Found(match, [Reading("zh_stem", value, str(value))], strong=True)


def _circled_kind(first: str) -> tuple[re.Pattern[str], str] | None:
    """The pattern and style for a circled first character, or None."""
    if "①" <= first <= "⑳" or "㉑" <= first <= "㉟" or "❶" <= first <= "❿" or "➀" <= first <= "➉":
        return _RE_CIRCLED, "circled"
    if "⑴" <= first <= "⒇":
        return _RE_CIRCLED_PAREN, "ar_paren"  # a parenthesised digit
    if "⒈" <= first <= "⒛":
        return _RE_CIRCLED_DOT, "ar_dot"  # a digit with a dot
    return None


def _circled_label(text: str, kind: tuple[re.Pattern[str], str]) -> _Found | None:
    """Labels such as "①" "❶" "➀" "⑴" "⒈"."""
    pattern, style = kind
    match = pattern.match(text)
    if match is None:
        return None
    return _Found(match, [Reading(style, circled_value(text[0]) or 0, "")], strong=True)


_DIGIT_PATTERNS = (
    (_RE_DECIMAL, "decimal", False),
    (_RE_AR_DUN, "ar_dun", True),
    (_RE_AR_DOT, "ar_dot", False),
    (_RE_AR_RPAREN, "ar_rparen", False),
    (_RE_AR_SPACE, "ar_space", False),
)


def _digit_label(text: str) -> _Found | None:
    """Labels such as "1.2" "1、" "1." "1)" "1 Heading", and "1.12月…" (a dot label before a date)."""
    for pattern, style, is_strong in _DIGIT_PATTERNS:
        match = pattern.match(text)
        if match and style == "ar_space" and (len(text) > 80 or TITLE_PUNCT.search(text)):
            continue  # "1 Background" is a heading; "3 branches will open." is a sentence
        if match is None:
            continue
        token = ascii_digits(match.group(1)).replace("．", ".")
        if style == "decimal":
            parts = token.split(".")
            reading = Reading(f"decimal{len(parts)}", int(parts[-1]), token)
            glued_end = len(parts[0]) + 1 if len(parts) == 2 else None
            return _Found(match, [reading], strong=is_strong, glued_end=glued_end)
        return _Found(match, [Reading(style, int(token), str(int(token)))], strong=is_strong)
    match = _RE_AR_DOT_DATE.match(text)
    if match is not None:
        return _Found(match, [Reading("ar_dot", int(ascii_digits(match.group(1))), "")], sequence_only=True)
    match = _RE_AR_DOT_GLUED.match(text)
    if match is None:
        return None
    return _Found(match, [Reading("ar_dot", int(ascii_digits(match.group(1))), "")], continue_only=True)


def _keyword_readings(keyword: str, token: str) -> list[Reading]:
    """Labels such as "Goal 3" "Part II" "Action A" "Part One" "Goal 1.2"."""
    if token.lower() in _WORD_NUMBERS:
        return [Reading(f"kw_{keyword}", _WORD_NUMBERS[token.lower()], "")]
    if token[0].isdigit():
        parts = token.split(".")
        return [Reading(f"kw_{keyword}{len(parts)}", int(parts[-1]), token)]
    readings: list[Reading] = []
    roman = roman_value(token)
    if roman is not None:
        readings.append(Reading(f"kw_{keyword}", roman, str(roman)))
    if len(token) == 1:
        readings.append(_letter_reading(f"kw_{keyword}_letter", token))
    return readings


def _letter_mark_label(text: str) -> _Found | None:
    """Labels such as "a、" "A." "iv)" -- a letter or Roman numeral with a mark after it."""
    match = _RE_LETTER_MARK.match(text)
    if match is None:
        return None
    token, mark = match.group(1), match.group(2)
    kind = {"、": "dun", ".": "dot", "．": "dot", ")": "rparen", "）": "rparen"}[mark]
    # "A. Smith", "e.g." -- an English letter label needs a space after it
    if kind == "dot" and not (match.end() > match.start(2) + 1 or match.end() >= len(text)):
        return None
    return _Found(match, _letter_or_roman(kind, token))


def _latin_label(text: str) -> _Found | None:
    """Labels such as "First," "One," "Goal 3:", then a letter label."""
    if match := _RE_EN_ORDINAL.match(text):
        return _Found(match, [Reading("en_ordinal", ORDINAL_WORDS[match.group(1).lower()], "")])
    if match := _RE_WORD_COMMA.match(text):
        return _Found(match, [Reading("en_cardinal", _PAREN_WORDS[match.group(1).lower()], "")])
    if match := _RE_KEYWORD.match(text):
        return _Found(match, _keyword_readings(match.group(1).lower(), match.group(2)), strong=True)
    return _letter_mark_label(text)


def _find_label(text: str) -> _Found | None:
    """The grammar branch for the text's first character."""
    first = text[0]
    if first == "第":
        return _di_label(text)
    if first in "（(":
        return _paren_label(text)
    if "\u4e00" <= first <= "\u9fff" or first in "〇○":
        return _han_label(text)
    if "0" <= first <= "9":
        return _digit_label(text)
    if kind := _circled_kind(first):
        return _circled_label(text, kind)
    if first.isdigit():
        return _digit_label(text)
    if first.isascii() and first.isalpha():
        return _latin_label(text)
    return None


def parse_label(text: str, offset: int = 0, *, allow_end: bool = False) -> Label | None:
    """Parse a numbering label at the start of ``text`` (a block's stripped text).

    ``offset`` is the absolute position of ``text[0]``. Returns None when the text does not
    start with a label. Ambiguous labels ("I." Roman one or letter i, "C." letter c or 100)
    carry every reading; the level state machine picks the one that continues a sequence.
    """
    if not text:
        return None
    if text[0] in "*_" and (emphasis := _RE_EMPHASIS.match(text)):
        return _emphasised_label(text, offset, emphasis, allow_end=allow_end)
    found = _find_label(text)
    if found is None or not found.readings:
        return None
    match, readings = found.match, found.readings
    end = match.end()
    if not _after_ok(
        text, end, allow_end=allow_end or text[0] == "第" or readings[0].style.startswith("kw_")
    ):
        return None
    label_end = len(text[:end].rstrip())
    readings = [r if r.number else Reading(r.style, r.value, str(r.value)) for r in readings]
    alternative = None
    if found.glued_end is not None and found.glued_end < len(text):
        value = int(ascii_digits(text[: found.glued_end - 1]))
        glued_end = offset + found.glued_end
        alternative = Label(
            (Reading("ar_dot", value, str(value)),), offset, glued_end, glued_end, False, continue_only=True
        )
    return Label(
        tuple(readings),
        offset,
        offset + label_end,
        offset + end,
        found.strong,
        found.sequence_only,
        found.continue_only,
        alternative,
    )


# Markdown emphasis around a label: "**7.1** Dredge…", "**Action 3:** Publish…", "__2.__ …".
_RE_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=[^\s*_])")


def _emphasised_label(text: str, offset: int, emphasis: re.Match[str], *, allow_end: bool) -> Label | None:
    """The label inside the emphasis; its closing marks belong to the label."""
    mark = emphasis.group(1)
    inner = parse_label(text[emphasis.end() :], offset + emphasis.end(), allow_end=True)
    if inner is None:
        return None
    close = text.find(mark, inner.end - offset)
    label_end, rest = inner.end, inner.rest
    if close >= 0 and not text[inner.end - offset : close].strip():
        end = close + len(mark)  # "**7.1**": the label ends after its closing marks
        label_end = offset + end
        while end < len(text) and text[end] in " \t\u3000":
            end += 1
        rest = offset + end
    if rest - offset >= len(text) and not allow_end:
        return None
    return Label(
        inner.readings,
        offset,
        label_end,
        rest,
        inner.strong,
        inner.sequence_only,
        inner.continue_only,
        inner.alternative,
    )


def parse_table_number(text: str, offset: int) -> Label | None:
    """The number cell of a table row: "1", "1.2", or any label ("（一）", "一、")."""
    bare = TABLE_NUMBER.match(text)
    if bare:
        token = ascii_digits(bare.group(1)).replace("．", ".")
        parts = token.split(".")
        style = "tbl_num" if len(parts) == 1 else f"decimal{len(parts)}"
        return Label(
            (Reading(style, int(parts[-1]), token),), offset, offset + len(text), offset + len(text), True
        )
    if _RE_BARE_ZH_NUMBER.match(text):
        value = zh_numeral_value(text)
        if value:
            return Label(
                (Reading("tbl_zh", value, str(value)),), offset, offset + len(text), offset + len(text), True
            )
    label = parse_label(text, offset, allow_end=True)
    if label is None and (named := _RE_NAMED_NUMBER.match(text)):
        # "Week 3", "Session 2", "第二阶段", "第3周": a counted period or part, numbered as written.
        digits = named.group(1) or named.group(2)
        value = numeral_value(digits)
        if value:
            return Label(
                (Reading("tbl_num", value, str(value)),),
                offset,
                offset + len(text),
                offset + len(text),
                False,
            )
    if label is None and (code := _RE_ROW_CODE.match(text)):
        # An identifier as written ("P1.F2.A1", "A-3", "SP2.1"): the row's number, in no sequence.
        value = int(ascii_digits(code.group(1)))
        return Label(
            (Reading("tbl_code", value, text),), offset, offset + len(text), offset + len(text), False
        )
    return label


# A record's identifier: letters and digits in dotted or dashed groups, with a digit in it.
_RE_ROW_CODE = re.compile(
    r"(?=.*\d)(?=.*[A-Za-z])(?:[A-Za-z]{0,4}\d{0,4}[.\-_])*[A-Za-z]{0,4}(\d{1,4})[A-Za-z]?$"
)
_RE_BARE_ZH_NUMBER = re.compile(rf"{_ZH_NUM}$")
_RE_NAMED_NUMBER = re.compile(
    rf"[A-Za-z]{{2,15}}\s*({DIG})[.:：]?$|第\s*({_ZH_NUM}|{DIG})\s*[\u4e00-\u9fff]{{1,3}}$"
)
