"""The structure pass: numbering grammar, level inference, titles and page furniture.

One linear walk over the blocks of a :class:`Document`:

1. each block is classified: page furniture (breadcrumbs, 索引号 lines, signatures, page
   numbers), a numbered heading (its label parsed by the grammar below), a table row, or
   plain text;
2. numbered labels are placed in the tree by a small state machine over the open levels,
   each remembering its numbering styles and the number it expects next. Levels follow the
   order in which styles first appear, but a label is placed where it keeps numbers
   consecutive: a "1." right after a "1." is a child, a "2." continues whichever open
   sequence expects 2, and "Second," may continue a sequence that began with "1.";
3. every character of the text is assigned a role (number, title, body, furniture,
   preamble, doc_title, separator), so nothing the author wrote is silently dropped.

Promises (targets, deadlines, units) are extracted afterwards, per item (``promises``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Literal

from workplan.parsing.document import Block, Document
from workplan.parsing.promises.numerals import (
    ORDINAL_WORDS,
    ascii_digits,
    circled_value,
    roman_value,
    zh_numeral_value,
)
from workplan.parsing.result import Segment, SegmentRole, Span, UnitRole

Language = Literal["zh", "en"]

# --------------------------------------------------------------------------------------
# The numbering grammar
# --------------------------------------------------------------------------------------

_ZH_NUM = "[零〇○一二两三四五六七八九十百]{1,6}"
_DIG = "[0-9０-９]{1,3}"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_ORDINALS = "|".join(word.capitalize() for word in sorted(ORDINAL_WORDS, key=len, reverse=True))
_KEYWORDS = (
    "Part|Chapter|Section|Article|Goal|Objective|Strategy|Priority|Initiative|Action|Task|"
    "Measure|Commitment|Activity|Step|Phase|Stage|Pillar|Outcome|Output|Recommendation"
)
_WORD_NUMBERS = {
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
}
# Characters that, right after a number, make it a quantity ("1.5万元", "3个") not a label.
_QUANTITY_AFTER = "万亿千百%％个元人次年月日号倍名家项岁天周"

_RE_ZH_DI = re.compile(rf"第\s*({_ZH_NUM}|{_DIG})\s*(部分|章|篇|节|条|项)[\s、，,：:．.]*")
_RE_ZH_ORDINAL = re.compile(rf"第({_ZH_NUM})\s*[，,、：:]\s*")
_RE_ZH_PAREN = re.compile(rf"[（(]\s*({_ZH_NUM})\s*[）)][\s、，,．.]*")
_RE_ZH_DUN = re.compile(rf"({_ZH_NUM})\s*[、．]\s*|({_ZH_NUM})[.](?![0-9])\s*")
_RE_STEM = re.compile(rf"([{_STEMS}])\s*[、．.]\s*")
_RE_DECIMAL = re.compile(rf"({_DIG}(?:[.．]{_DIG}){{1,4}})[.．]?(?![0-9０-９{_QUANTITY_AFTER}])\s*")
_RE_ZH_RPAREN = re.compile(rf"({_ZH_NUM})\s*[）)]\s*")
_RE_AR_SPACE = re.compile(rf"({_DIG})[ \t\u3000]+(?=[A-Z\u4e00-\u9fff])")
_RE_AR_PAREN = re.compile(rf"[（(]\s*({_DIG})\s*[）)]\s*")
_RE_AR_DUN = re.compile(rf"({_DIG})\s*、\s*")
_RE_AR_DOT = re.compile(rf"({_DIG})\s*[.．](?![0-9０-９])\s*")
_RE_AR_RPAREN = re.compile(rf"({_DIG})\s*[)）]\s*")
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
_RE_TABLE_NUMBER = re.compile(rf"({_DIG}(?:[.．]{_DIG}){{0,4}})[.．、]?$")


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


def _letter_reading(style: str, letter: str) -> Reading:
    return Reading(style, ord(letter.lower()) - ord("a") + 1, letter.lower())


def _value(text: str) -> int | None:
    text = ascii_digits(text)
    if text.isdigit():
        return int(text)
    return zh_numeral_value(text)


def _after_ok(text: str, pos: int, *, allow_end: bool) -> bool:
    """A label must be followed by a heading, not by the end of the line (a page number)."""
    return pos < len(text) or allow_end


def parse_label(text: str, offset: int = 0, *, allow_end: bool = False) -> Label | None:
    """Parse a numbering label at the start of ``text`` (a block's stripped text).

    ``offset`` is the absolute position of ``text[0]``. Returns None when the text does not
    start with a label. Ambiguous labels ("I." Roman one or letter i, "C." letter c or 100)
    carry every reading; the level state machine picks the one that continues a sequence.
    """
    if not text:
        return None
    first = text[0]
    readings: list[Reading] = []
    match: re.Match[str] | None = None
    strong = False
    if first == "第":
        match = _RE_ZH_DI.match(text)
        if match:
            value = _value(match.group(1))
            if value is not None:
                readings.append(Reading("zh_di_" + match.group(2), value, str(value)))
                strong = True
        else:
            match = _RE_ZH_ORDINAL.match(text)
            if match:
                value = _value(match.group(1))
                if value is not None:
                    readings.append(Reading("zh_ordinal", value, str(value)))
    elif first in "（(":
        match = _RE_ZH_PAREN.match(text)
        if match:
            value = _value(match.group(1))
            if value is not None:
                readings.append(Reading("zh_paren", value, str(value)))
                strong = True
        else:
            match = _RE_AR_PAREN.match(text)
            if match:
                readings.append(Reading("ar_paren", int(ascii_digits(match.group(1))), ""))
                strong = True
            else:
                match = _RE_LETTER_PAREN.match(text)
                if match:
                    token = match.group(1)
                    case = "upper" if token.isupper() else "lower"
                    if len(token) == 1:
                        readings.append(_letter_reading(f"letter_paren_{case}", token))
                    roman = roman_value(token)
                    if roman is not None:
                        readings.append(Reading(f"roman_paren_{case}", roman, str(roman)))
    elif "\u4e00" <= first <= "\u9fff" or first in "〇○":
        match = _RE_ZH_DUN.match(text)
        if match:
            value = _value(match.group(1) or match.group(2))
            if value is not None:
                readings.append(Reading("zh_dun", value, str(value)))
                strong = True
        elif match := _RE_ZH_RPAREN.match(text):
            value = _value(match.group(1))
            if value is not None:
                readings.append(Reading("zh_rparen", value, str(value)))
                strong = True
        elif first in _STEMS:
            match = _RE_STEM.match(text)
            if match:
                value = _STEMS.index(match.group(1)) + 1
                readings.append(Reading("zh_stem", value, str(value)))
                strong = True
    elif "①" <= first <= "⑳" or "㉑" <= first <= "㉟" or "❶" <= first <= "❿" or "➀" <= first <= "➉":
        match = _RE_CIRCLED.match(text)
        if match:
            readings.append(Reading("circled", circled_value(first) or 0, ""))
            strong = True
    elif "⑴" <= first <= "⒇":
        match = _RE_CIRCLED_PAREN.match(text)
        if match:
            readings.append(Reading("ar_paren", circled_value(first) or 0, ""))
            strong = True
    elif "⒈" <= first <= "⒛":
        match = _RE_CIRCLED_DOT.match(text)
        if match:
            readings.append(Reading("ar_dot", circled_value(first) or 0, ""))
            strong = True
    elif first.isdigit():
        for pattern, style, is_strong in (
            (_RE_DECIMAL, "decimal", False),
            (_RE_AR_DUN, "ar_dun", True),
            (_RE_AR_DOT, "ar_dot", False),
            (_RE_AR_RPAREN, "ar_rparen", False),
            (_RE_AR_SPACE, "ar_space", False),
        ):
            match = pattern.match(text)
            if match and style == "ar_space" and (len(text) > 80 or _TITLE_PUNCT.search(text)):
                match = None  # "1 Background" is a heading; "3 branches will open." is a sentence
            if match:
                token = ascii_digits(match.group(1)).replace("．", ".")
                if style == "decimal":
                    parts = token.split(".")
                    readings.append(Reading(f"decimal{len(parts)}", int(parts[-1]), token))
                else:
                    readings.append(Reading(style, int(token), ""))
                strong = is_strong
                break
    elif first.isascii() and first.isalpha():
        match = _RE_EN_ORDINAL.match(text)
        if match:
            readings.append(Reading("en_ordinal", ORDINAL_WORDS[match.group(1).lower()], ""))
        else:
            match = _RE_KEYWORD.match(text)
            if match:
                token = match.group(2)
                keyword = match.group(1).lower()
                if token.lower() in _WORD_NUMBERS:
                    readings.append(Reading(f"kw_{keyword}", _WORD_NUMBERS[token.lower()], ""))
                elif token[0].isdigit():
                    parts = token.split(".")
                    readings.append(Reading(f"kw_{keyword}{len(parts)}", int(parts[-1]), token))
                else:
                    roman = roman_value(token)
                    if roman is not None:
                        readings.append(Reading(f"kw_{keyword}", roman, str(roman)))
                    if len(token) == 1:
                        readings.append(_letter_reading(f"kw_{keyword}_letter", token))
                strong = True
            else:
                match = _RE_LETTER_MARK.match(text)
                if match:
                    token, mark = match.group(1), match.group(2)
                    kind = {"、": "dun", ".": "dot", "．": "dot", ")": "rparen", "）": "rparen"}[mark]
                    case = "upper" if token.isupper() else "lower"
                    if len(token) == 1:
                        readings.append(_letter_reading(f"letter_{kind}_{case}", token))
                    roman = roman_value(token)
                    if roman is not None:
                        readings.append(Reading(f"roman_{kind}_{case}", roman, str(roman)))
                    # "A. Smith", "e.g." -- an English letter label needs a space after it
                    if kind == "dot" and not (match.end() > match.start(2) + 1 or match.end() >= len(text)):
                        readings = []
    if not match or not readings:
        return None
    end = match.end()
    if not _after_ok(text, end, allow_end=allow_end or first == "第" or readings[0].style.startswith("kw_")):
        return None
    label_end = len(text[: match.end()].rstrip())
    readings = [r if r.number else Reading(r.style, r.value, str(r.value)) for r in readings]
    return Label(tuple(readings), offset, offset + label_end, offset + end, strong)


def parse_table_number(text: str, offset: int) -> Label | None:
    """The number cell of a table row: "1", "1.2", or any label ("（一）", "一、")."""
    bare = _RE_TABLE_NUMBER.match(text)
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
    return parse_label(text, offset, allow_end=True)


_RE_BARE_ZH_NUMBER = re.compile(rf"{_ZH_NUM}$")


# --------------------------------------------------------------------------------------
# Sentences, titles and text shape
# --------------------------------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_ZH_SENTENCE_END = re.compile(r"[。！？!?]")
_EN_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_EN_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "no",
        "nos",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "inc",
        "ltd",
        "co",
        "corp",
        "jr",
        "sr",
        "gov",
        "dept",
        "art",
        "sec",
        "fig",
        "vol",
        "approx",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
        "p.r.c",
        "a.m",
        "p.m",
    ]
)
_ZH_COLON_TITLE = re.compile(r"[:：]")
_TITLE_PUNCT = re.compile(r"[。；;！？!?]|[.](?:\s|$)")
_GENRE_END = re.compile(
    r"(方案|计划|要点|意见|通知|办法|规划|决定|报告|纲要|安排|细则|规定|总结|指南|制度|公告|通报|批复|"
    r"决议|条例|章程|清单|分工|篇\d*|[Pp]lan|[Pp]rogram(?:me)?|[Aa]genda|[Ss]trategy|[Rr]eport|"
    r"[Cc]ommitments|[Aa]rrangements?|\)|）|》|”|\")$"
)
_EN_JOIN_END = re.compile(r"\b(of|and|for|the|on|to|in|a|an|with|by|at|&)$", re.IGNORECASE)


def is_cjk_text(text: str) -> bool:
    """True if the text is mostly Chinese (decides which sentence rules apply)."""
    cjk = len(_CJK.findall(text, 0, 120))
    return cjk > 0 and (cjk >= 40 or cjk * 2 >= len(_LATIN_WORD.findall(text, 0, 120)))


def detect_language(text: str) -> Language:
    """'zh' when Chinese characters carry the text, else 'en'."""
    sample = text[:20_000]
    cjk = len(_CJK.findall(sample))
    words = len(_LATIN_WORD.findall(sample))
    return "zh" if cjk and cjk >= words else "en"


def sentence_end(text: str, start: int, end: int, *, chinese: bool) -> int | None:
    """End (exclusive) of the first sentence in ``text[start:end]``, or None if it runs on."""
    if chinese:
        match = _ZH_SENTENCE_END.search(text, start, end)
        return match.end() if match else None
    for match in _EN_SENTENCE_END.finditer(text, start, end):
        dot = match.start()
        if text[dot] == ".":
            word_start = dot
            while word_start > start and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
                word_start -= 1
            word = text[word_start:dot].lower()
            # "U.S." and "Mr." are caught above; a lone capital is an initial only after
            # another one ("J. F. Kennedy"), so "Do X. Then…" still ends at "X.".
            initial = len(word) == 1 and word_start >= 2 and text[word_start - 2] == "."
            if word in _EN_ABBREVIATIONS or initial:
                continue
        return match.end()
    return None


def split_title(text: str, start: int, end: int) -> tuple[Span, Span | None]:
    """Split a heading's text into its title and the run-in body that follows it.

    A run-in heading ("（一）加强组织领导。各地区要…", "1. Do X. The body…") ends at its first
    sentence end; a short Chinese lead-in ending in a colon ("指导思想：以…") ends at the
    colon; anything else is all title.
    """
    chinese = is_cjk_text(text[start:end])
    cut = sentence_end(text, start, end, chinese=chinese)
    if chinese:
        colon = _ZH_COLON_TITLE.search(text, start, min(end, start + 26))
        if colon and (cut is None or colon.end() < cut) and colon.end() < end:
            cut = colon.end()
    if cut is None or cut >= end:
        return Span(start, _rstrip(text, start, end)), None
    body_start = _lstrip(text, cut, end)
    if body_start >= end:
        return Span(start, _rstrip(text, start, cut)), None
    return Span(start, _rstrip(text, start, cut)), Span(body_start, end)


def _lstrip(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def looks_like_title(text: str) -> bool:
    """A short line without sentence punctuation: a document title or a heading."""
    stripped = text.strip()
    if not stripped or len(stripped) > 120:
        return False
    if _TITLE_PUNCT.search(stripped) or stripped[-1] in ":：,，、":
        return False
    if is_cjk_text(stripped):
        return len(stripped) <= 60
    words = stripped.split()
    return len(words) <= 20 and not stripped[0].islower()


def _brackets_open(text: str) -> bool:
    return any(
        text.count(pair[0]) > text.count(pair[1]) for pair in ("《》", "（）", "()", "“”", "〈〉", "[]")
    )


def title_score(text: str) -> int:
    """How much a line reads like a document's title: a genre word at its end ("…工作方案",
    "…Work Plan"), a year, a reasonable length. A subtitle ("——在…的讲话") scores nothing."""
    stripped = text.strip()
    if stripped.startswith(("—", "－", "-")):
        return -1
    score = 2 if _GENRE_END.search(stripped.rstrip('）)》”"')) or _GENRE_WORD.search(stripped) else 0
    if _YEAR_IN_TEXT.search(stripped):
        score += 1
    if len(stripped) >= 8:
        score += 1
    return score


_GENRE_WORD = re.compile(
    r"(?:方案|计划|要点|意见|规划|安排|分工|清单)|\b(?:[Pp]lan|[Pp]rogram(?:me)?|[Ss]trategy)\b"
)
_YEAR_IN_TEXT = re.compile(r"(?:19|20)\d\d")


def title_continues(first: str, second: str) -> bool:
    """True when a title line is cut short and the next line completes it."""
    if _brackets_open(first):
        return True
    if _GENRE_END.search(first.rstrip()):
        return False
    if is_cjk_text(first):
        return len(first) + len(second) <= 60
    return bool(_EN_JOIN_END.search(first.rstrip())) or second[:1].islower()


# --------------------------------------------------------------------------------------
# Page furniture
# --------------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(
    r"^[-—–_\s]*(?:第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d{1,4}|[Pp]age\s+\d+(?:\s+of\s+\d+)?|\d+\s*/\s*\d+)[-—–_\s]*$"
)
_BREADCRUMB_SPLIT = re.compile(r"\s*(?:>|»|＞|›|→)\s*")
_CHROME = re.compile(
    r"^(?:recommended|popular|related|latest|previous|next|more|hot)\s+(?:articles?|posts?|news|reading|links?|stories)"
    r"|^(?:share|print|close|back to top|return to top|top|print this page|close window|email this page)$"
    r"|^(?:上一篇|下一篇|相关文章|相关阅读|相关链接|推荐阅读|推荐文章|热门文章|热门推荐|精彩推荐|猜你喜欢|延伸阅读|"
    r"打印本页|关闭窗口|打印|关闭|分享到|扫一扫|字号|【打印】|【关闭】|返回顶部|当前位置|您的位置|您现在的位置|责任编辑)",
    re.IGNORECASE,
)
_META_KEYS = re.compile(
    r"^(?:索引号|发文日期|成文日期|发布日期|发布时间|印发日期|发布机构|发文机关|发文机构|文号|发文字号|主题分类|主题词|"
    r"公文种类|有效性|分类|来源|作者|浏览次数|点击数|阅读次数|信息来源|时间|日期)[:：]?"
)
_EN_META = re.compile(
    r"^(?:source|author|posted|published|updated|date|views|tags|category|filed under)\s*[:：]", re.IGNORECASE
)
_TIMESTAMP = re.compile(r"^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_DOC_NUMBER = re.compile(r"^[^\s，。,]{1,16}[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*(?:第\s*)?\d+\s*号$")
_ATTACHMENT = re.compile(
    r"^(?:附件|附表|Attachments?|Annex(?:es)?)\s*[0-9０-９一二三四五六七八九十]*\s*[:：]?\s*$", re.IGNORECASE
)
_PUBLICATION_NOTE = re.compile(r"^[（(](?:此件|此页|本件|本文)[^）)]{0,12}[）)]$")
# A short line wholly in brackets: "（2024年1月10日）", "（征求意见稿）", "(Draft)".
_BRACKETED_NOTE = re.compile(r"^[（(][^（）()]{1,60}[）)]$")
_FOOTER = re.compile(r"^(?:抄送|抄报|主送)[:：]|印发$|^(?:copyright|©|版权所有)", re.IGNORECASE)
_ZH_DATE_LINE = re.compile(
    rf"^(?:\d{{4}}|[零〇○一二三四五六七八九]{{4}})\s*年\s*(?:{_DIG}|[一二三四五六七八九十]{{1,3}})\s*月"
    rf"\s*(?:{_DIG}|[一二三四五六七八九十]{{1,3}})\s*日$"
)
_EN_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_EN_DATE_LINE = re.compile(
    rf"^(?:(?:{_EN_MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+(?:{_EN_MONTHS})\.?,?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})$",
    re.IGNORECASE,
)
_MONTH_NUMBER = {
    name: index
    for index, names in enumerate(
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
_DATE_PARTS = re.compile(
    r"(\d{4}|[零〇○一二三四五六七八九]{4})\s*年\s*([0-9]+|[一二三四五六七八九十]+)\s*月\s*([0-9]+|[一二三四五六七八九十]+)"
)
_EN_DATE_PARTS = re.compile(
    rf"(?:({_EN_MONTHS})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})|(\d{{1,2}})\s+({_EN_MONTHS})\.?,?\s+(\d{{4}}))", re.I
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


_SPACES = re.compile(r"\s+")


def furniture_kind(text: str) -> str | None:
    """What kind of page furniture a line is ("page", "breadcrumb", "meta", ...), or None."""
    stripped = text.strip()
    if not stripped or len(stripped) > 150:  # furniture is short; body paragraphs are not
        return None
    compact = _SPACES.sub("", stripped)
    if _PAGE_NUMBER.match(stripped):
        return "page"
    if len(stripped) <= 40 and _CHROME.match(stripped):
        return "chrome"
    if len(stripped) <= 150 and _BREADCRUMB_SPLIT.search(stripped):
        parts = [p for p in _BREADCRUMB_SPLIT.split(stripped) if p]
        if len(parts) >= 2 and all(
            len(p) <= 40 and len(p.split()) <= 6 and not _TITLE_PUNCT.search(p) for p in parts
        ):
            return "breadcrumb"
    if (
        len(compact) <= 150
        and "。" not in compact
        and (_META_KEYS.match(compact) or _EN_META.match(stripped))
    ):
        return "meta"
    if _DOC_NUMBER.match(compact):
        return "doc_number"
    if _ATTACHMENT.match(stripped):
        return "attachment"
    if _PUBLICATION_NOTE.match(compact) or _BRACKETED_NOTE.match(stripped):
        return "note"
    if len(compact) <= 80 and _FOOTER.search(compact):
        return "footer"
    if _ZH_DATE_LINE.match(compact) or _EN_DATE_LINE.match(stripped):
        return "date"
    if len(compact) <= 60 and _TIMESTAMP.match(compact) and not _TITLE_PUNCT.search(stripped):
        return "meta"
    return None


def parse_date_line(text: str) -> dt.date | None:
    """The date a date line states ("2018年11月16日", "November 16, 2018", "2023-01-03")."""
    match = _DATE_PARTS.search(text)
    try:
        if match:
            year = _value(match.group(1)) if not match.group(1).isdigit() else int(match.group(1))
            month, day = _value(match.group(2)), _value(match.group(3))
            if year and month and day:
                return dt.date(year, month, day)
        en = _EN_DATE_PARTS.search(text)
        if en:
            if en.group(1):
                return dt.date(int(en.group(3)), _MONTH_NUMBER[en.group(1).lower()], int(en.group(2)))
            return dt.date(int(en.group(6)), _MONTH_NUMBER[en.group(5).lower()], int(en.group(4)))
        iso = _ISO_DATE.search(text)
        if iso:
            return dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    except (ValueError, KeyError):
        return None
    return None


def _looks_like_signature(text: str) -> bool:
    """A short line naming an organisation (just before a date line)."""
    stripped = text.strip()
    if not stripped or _TITLE_PUNCT.search(stripped) or stripped[-1] in ":：,，":
        return False
    if is_cjk_text(stripped):
        return len(stripped) <= 30 and "，" not in stripped
    return len(stripped.split()) <= 10


# --------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------

ColumnRole = Literal["number", "title", "body", "lead", "responsible", "cooperating", "deadline", "extra"]

_COLUMN_RULES: tuple[tuple[re.Pattern[str], ColumnRole], ...] = (
    (
        re.compile(r"^(?:序号|编号|序|项次|#|no\.?|nos?\.|number|s/?n|item\s*no\.?|ref\.?|id)$", re.I),
        "number",
    ),
    (re.compile(r"牵头|主办|主责|^lead|lead\s*(?:unit|agency|department|office|org)", re.I), "lead"),
    (re.compile(r"配合|协办|协助|参与|cooperat|collaborat|support|partner|assist", re.I), "cooperating"),
    (
        re.compile(r"责任|承办|实施单位|实施部门|负责|responsib|owner|accountable|implementing", re.I),
        "responsible",
    ),
    (
        re.compile(
            r"时限|时间|期限|节点|进度|deadline|due|timeline|time\s*frame|timeframe|completion|schedule|by when|date",
            re.I,
        ),
        "deadline",
    ),
    (
        re.compile(
            r"措施|举措|要求|目标|内容|说明|measure|description|detail|step|target|indicator|milestone", re.I
        ),
        "body",
    ),
    (
        re.compile(
            r"任务|事项|项目|工作|task|commitment|action|activit|initiative|objective|goal|deliverable|item",
            re.I,
        ),
        "title",
    ),
)
#: Longest text read as a column header ("Commitment for 2016-2018", "责任单位 牵头单位").
_MAX_HEADER = 40
_PIPE = re.compile(r"\s*[|｜]\s*")
_PIPE_RULE = re.compile(r"^[\s|｜:：\-—=]+$")


def column_role(header: str | None) -> ColumnRole:
    """The role of a table column, from its header text ("牵头单位" -> lead)."""
    if not header or len(header) > _MAX_HEADER:
        return "extra"
    compact = _SPACES.sub("", header) if is_cjk_text(header) else header.strip()
    for pattern, role in _COLUMN_RULES:
        if pattern.search(compact):
            return role
    return "extra"


@dataclass(slots=True)
class _Row:
    """A table row: cell spans, their column roles, and whether it is the header."""

    cells: list[Span]
    roles: list[ColumnRole]
    is_header: bool = False
    separators: list[Span] = field(default_factory=list)


def _split_pipe_row(
    text: str, start: int, end: int, separator: re.Pattern[str] | None = None
) -> tuple[list[Span], list[Span]] | None:
    """Cells of a "a | b | c" line (leading/trailing pipes allowed), or of a tab-separated
    line pasted from a spreadsheet; None when there are fewer than two cells."""
    separator = separator or _PIPE
    cells: list[Span] = []
    seps: list[Span] = []
    pos = start
    for match in separator.finditer(text, start, end):
        if match.start() == start and not cells:
            seps.append(Span(match.start(), match.end()))
            pos = match.end()
            continue
        cells.append(Span(pos, match.start()))
        seps.append(Span(match.start(), match.end()))
        pos = match.end()
    if pos < end:
        cells.append(Span(pos, end))
    if cells and cells[-1].end <= cells[-1].start:
        cells.pop()
    if len(cells) < 2:
        return None
    return cells, seps


_TAB = re.compile(r"[ \u3000]*\t[\t \u3000]*")


# --------------------------------------------------------------------------------------
# The level state machine
# --------------------------------------------------------------------------------------


@dataclass(slots=True)
class DraftItem:
    """An item as the structure pass sees it: spans only; promises are added later."""

    number: str
    label: str
    depth: int
    index: int
    label_span: Span | None
    title_span: Span
    body_spans: list[Span] = field(default_factory=list)
    extra_spans: list[Span] = field(default_factory=list)  # table cells of unknown role
    unit_cells: list[tuple[Span, UnitRole]] = field(default_factory=list)
    deadline_cells: list[Span] = field(default_factory=list)
    children: list[DraftItem] = field(default_factory=list)
    confidence: float = 1.0
    from_table: bool = False


@dataclass(slots=True)
class _Level:
    styles: set[str]
    expected: int
    item: DraftItem


#: Deepest level the tree may have; real plans use at most six or seven.
MAX_DEPTH = 12


class LevelMachine:
    """Places labels in the tree so that every open sequence stays consecutive."""

    def __init__(self) -> None:
        self.stack: list[_Level] = []
        self.seen: dict[str, tuple[int, int]] = {}  # style -> (depth index, last value)

    def reset(self) -> None:
        """A new document begins (a plan wrapped in a notice): forget all levels."""
        self.stack.clear()
        self.seen.clear()

    def _open_index(self, style: str) -> int | None:
        for index in range(len(self.stack) - 1, -1, -1):
            if style in self.stack[index].styles:
                return index
        return None

    def place(self, label: Label) -> tuple[int, Reading, float] | None:
        """Where a label goes: (depth index, chosen reading, confidence), or None to reject."""
        readings = label.readings
        depth = len(self.stack)
        # Decimal numbers name their parent: "2.1" goes under the open item numbered "2".
        for reading in readings:
            if reading.style.startswith("decimal") and "." in reading.number:
                parent = reading.number.rsplit(".", 1)[0]
                for index in range(depth - 1, -1, -1):
                    if self.stack[index].item.number == parent and index + 1 < MAX_DEPTH:
                        return index + 1, reading, 1.0
                open_at = self._open_index(reading.style)
                if open_at is not None:
                    return open_at, reading, 0.9
        # 1. Continue an open sequence (the deepest one that expects this number).
        for index in range(depth - 1, -1, -1):
            level = self.stack[index]
            for reading in readings:
                if reading.style in level.styles and reading.value == level.expected:
                    return index, reading, 1.0
        # 2. Start a new sequence one level down -- unless that would nest a style a third
        # time or pass MAX_DEPTH ("1. 1. 1." is a flat list, not a staircase): then restart
        # the deepest sequence of that style.
        for reading in readings:
            if reading.value == 1:
                same = [i for i, level in enumerate(self.stack) if reading.style in level.styles]
                if len(same) >= 2 or depth >= MAX_DEPTH:
                    return (same[-1] if same else depth - 1), reading, 0.6
                return depth, reading, 1.0
        # 3. Numbering straight through the parents: （三） after 二、 when （二） was last, or
        # "12." right under 四、 when "11." sat under 三、（三）.
        for reading in readings:
            seen = self.seen.get(reading.style)
            if seen and reading.value == seen[1] + 1 and self._open_index(reading.style) is None:
                return min(seen[0], depth), reading, 0.95
        # 4. A new style continuing an open sequence: "Second," after "1.", "V." after "Fourth,".
        for index in range(depth):
            level = self.stack[index]
            for reading in readings:
                if reading.value == level.expected and reading.style not in self.seen:
                    return index, reading, 0.85
        # 5. A skipped number in a sequence of a distinctive style (a typo, a deleted item).
        if label.strong:
            for index in range(depth - 1, -1, -1):
                level = self.stack[index]
                for reading in readings:
                    if reading.style in level.styles and level.expected < reading.value <= level.expected + 2:
                        return index, reading, 0.7
            for reading in readings:
                if reading.style not in self.seen and 1 < reading.value <= 3 and depth < MAX_DEPTH:
                    return depth, reading, 0.6
        return None

    def push(self, index: int, reading: Reading, item: DraftItem) -> DraftItem | None:
        """Open ``item`` at depth ``index``; returns its parent (None at the top)."""
        styles = {reading.style}
        if index < len(self.stack):
            styles |= self.stack[index].styles
        del self.stack[index:]
        self.stack.append(_Level(styles, reading.value + 1, item))
        self.seen[reading.style] = (index, reading.value)
        return self.stack[index - 1].item if index else None

    def place_heading(self, rank: int) -> tuple[int, int]:
        """(depth index, value) for an unnumbered heading of ``rank``: under the nearest open
        heading of a higher rank, continuing a sibling heading of the same rank."""
        style = f"heading{rank}"
        for index in range(len(self.stack) - 1, -1, -1):
            styles = self.stack[index].styles
            if style in styles:
                return index, self.stack[index].expected
            if any(s.startswith("heading") and int(s[7:]) < rank for s in styles):
                return min(index + 1, MAX_DEPTH - 1), 1
        return 0, 1

    def expected_auto(self, style: str) -> tuple[int, int]:
        """For a row without a number: (depth index, value) continuing its own sequence."""
        index = self._open_index(style)
        if index is not None:
            return index, self.stack[index].expected
        return min(len(self.stack), MAX_DEPTH - 1), 1


# --------------------------------------------------------------------------------------
# The pass
# --------------------------------------------------------------------------------------


@dataclass(slots=True)
class Structure:
    """What the structure pass found: the item tree, title, furniture and text roles."""

    items: list[DraftItem]
    title: str | None
    language: Language
    furniture: list[Span]
    segments: list[Segment]
    doc_date: dt.date | None
    content_spans: list[Span]  # text that is neither furniture nor a title (year counting)


@dataclass(slots=True)
class _Line:
    block: Block
    start: int
    end: int
    text: str
    kind: str = "text"  # text | furniture | title | item | row | header_row | rule
    furniture: str | None = None
    label: Label | None = None
    row: _Row | None = None


class _Builder:
    """Accumulates items and segments during the walk."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.roots: list[DraftItem] = []
        self.count = 0
        self.segments: list[tuple[int, int, SegmentRole, int | None]] = []
        self.current: DraftItem | None = None
        self.machine = LevelMachine()

    def seg(self, span: Span | None, role: SegmentRole, item: DraftItem | None = None) -> None:
        if span is not None and span.end > span.start:
            self.segments.append((span.start, span.end, role, item.index if item else None))

    def new_item(
        self, label: Label | None, reading: Reading, index: int, title: Span, confidence: float
    ) -> DraftItem:
        label_text = self.text[label.start : label.end] if label else ""
        item = DraftItem(
            number=reading.number,
            label=label_text,
            depth=index + 1,
            index=self.count,
            label_span=Span(label.start, label.end) if label else None,
            title_span=title,
            confidence=confidence,
        )
        self.count += 1
        parent = self.machine.push(index, reading, item)
        (parent.children if parent else self.roots).append(item)
        self.current = item
        if label:
            self.seg(Span(label.start, label.end), "number", item)
        self.seg(title, "title", item)
        return item


_ATX_MARK = re.compile(r"(#{1,6})[ \t]+")


def _block_lines(doc: Document) -> list[_Line]:
    lines: list[_Line] = []
    text = doc.text
    for block in doc.blocks:
        start = _lstrip(text, block.start, block.end)
        end = _rstrip(text, start, block.end)
        heading = _ATX_MARK.match(text, start, end) if block.kind == "paragraph" else None
        if heading and heading.end() < end and text[heading.end()] not in "|｜":  # Markdown heading as text
            block = Block(heading.end(), end, heading_level=len(heading.group(1)))
            start = heading.end()
        if end > start:
            lines.append(_Line(block, start, end, text[start:end]))
    return lines


def _mark_tables(text: str, lines: list[_Line]) -> None:
    """Recognise table rows: Word/Excel/Markdown rows from the reader, and "a | b" lines."""
    index = 0
    while index < len(lines):
        if lines[index].block.kind == "table_row" and lines[index].block.cells:
            run_end = index
            while run_end < len(lines) and lines[run_end].block.kind == "table_row":
                run_end += 1
            _mark_reader_rows(text, lines[index:run_end])
            index = run_end
        else:
            index += 1
    _mark_pipe_rows(text, lines)


def _mark_reader_rows(text: str, rows: list[_Line]) -> None:
    header_roles: list[ColumnRole] = []
    for row_line in rows:
        cells = [Span(c.start, c.end) for c in row_line.block.cells]
        if row_line.block.is_table_header:
            header_roles = [column_role(text[c.start : c.end]) for c in cells]
            row_line.kind = "header_row"
            row_line.row = _Row(cells, header_roles, is_header=True)
            continue
        roles: list[ColumnRole] = [
            column_role(c.header) if c.header else (header_roles[i] if i < len(header_roles) else "extra")
            for i, c in enumerate(row_line.block.cells)
        ]
        row_line.kind = "row"
        row_line.row = _Row(cells, roles)
    _default_roles(text, rows)


def _mark_pipe_rows(text: str, lines: list[_Line]) -> None:
    """ "a | b" lines. A header row (naming known columns) starts a table whose roles the
    later pipe lines use, even with part rows ("一、…") between them; without a header, a
    run of two or more pipe lines is a table whose column roles are guessed."""
    splits: list[tuple[list[Span], list[Span]] | None] = []
    for line in lines:
        split = None
        if line.block.kind == "paragraph":
            if "|" in line.text or "｜" in line.text:
                split = _split_pipe_row(text, line.start, line.end)
            elif "\t" in line.text:
                split = _split_pipe_row(text, line.start, line.end, _TAB)
        splits.append(split)
    header: list[ColumnRole] | None = None
    table: list[_Line] = []
    index = 0
    while index < len(lines):
        line, split = lines[index], splits[index]
        if line.block.kind == "table_row":
            header = None
        if split is None:
            if header is not None and _PIPE_RULE.match(line.text) and ("|" in line.text or "｜" in line.text):
                line.kind = "rule"
            index += 1
            continue
        cells, seps = split
        texts = [text[c.start : c.end] for c in cells]
        following = [text[sp[0][0].start : sp[0][0].end] for sp in splits[index + 1 : index + 3] if sp]
        if _is_header_row(texts, following):
            if table:
                _default_roles(text, table)
            header = [column_role(t) for t in texts]
            line.kind, line.row = "header_row", _Row(cells, header, is_header=True, separators=seps)
            table = [line]
            index += 1
            continue
        if header is not None:
            roles = [header[i] if i < len(header) else "extra" for i in range(len(cells))]
            line.kind, line.row = "row", _Row(cells, roles, separators=seps)
            table.append(line)
            index += 1
            continue
        run_end = index
        while run_end < len(lines) and (splits[run_end] is not None or _PIPE_RULE.match(lines[run_end].text)):
            run_end += 1
        run = [i for i in range(index, run_end) if splits[i] is not None]
        if len(run) < 2:
            index += 1
            continue
        for i in range(index, run_end):
            found = splits[i]
            if found is None:
                lines[i].kind = "rule"
                continue
            lines[i].kind, lines[i].row = (
                "row",
                _Row(found[0], ["extra"] * len(found[0]), separators=found[1]),
            )
        _default_roles(text, lines[index:run_end])
        index = run_end
    if table:
        _default_roles(text, table)


def _is_header_row(cells: list[str], next_first_cells: list[str]) -> bool:
    if any(len(cell) > _MAX_HEADER for cell in cells):
        return False  # a header names columns; a long cell is content
    known = sum(1 for cell in cells if column_role(cell) != "extra")
    first_numeric = bool(_RE_TABLE_NUMBER.match(cells[0].strip())) if cells else False
    next_numeric = any(_RE_TABLE_NUMBER.match(c.strip()) or parse_label(c.strip()) for c in next_first_cells)
    return not first_numeric and (known >= 1 or next_numeric)


def _default_roles(text: str, rows: list[_Line]) -> None:
    """Fill in column roles a table's header did not give: number first, longest is title."""
    data = [line.row for line in rows if line.row is not None and not line.row.is_header]
    if not data:
        return
    width = max(len(row.cells) for row in data)
    if not any(role in ("title", "body") for row in data for role in row.roles):
        lengths = [0] * width
        for row in data:
            for i, cell in enumerate(row.cells):
                lengths[i] += cell.end - cell.start
        numeric_first = sum(
            1
            for row in data
            if row.cells and _RE_TABLE_NUMBER.match(text[row.cells[0].start : row.cells[0].end])
        )
        first_is_number = numeric_first * 2 >= len(data)
        candidates = range(1 if first_is_number else 0, width)
        title_col = max(candidates, key=lambda i: lengths[i], default=None)
        for row in data:
            while len(row.roles) < len(row.cells):
                row.roles.append("extra")
            if first_is_number and row.cells and row.roles[0] == "extra":
                row.roles[0] = "number"
            if title_col is not None and title_col < len(row.roles) and row.roles[title_col] == "extra":
                row.roles[title_col] = "title"


def parse_structure(doc: Document) -> Structure:
    """Run the structure pass over a document (see the module docstring)."""
    text = doc.text
    lines = _block_lines(doc)
    _mark_tables(text, lines)
    language = detect_language(text)

    # Classify the plain lines.
    for line in lines:
        if line.kind != "text":
            continue
        kind = furniture_kind(line.text)
        if kind:
            line.kind, line.furniture = "furniture", kind
            continue
        label = parse_label(line.text, line.start)
        if label:
            line.kind, line.label = "item", label
    # A signature is the organisation line just before a date line.
    doc_date: dt.date | None = None
    for pos, line in enumerate(lines):
        if line.furniture == "date":
            doc_date = doc_date or parse_date_line(line.text)
            if pos and lines[pos - 1].kind == "text" and _looks_like_signature(lines[pos - 1].text):
                lines[pos - 1].kind, lines[pos - 1].furniture = "furniture", "signature"
        elif line.furniture == "meta" and doc_date is None and re.search(r"发文日期|成文日期", line.text):
            found = _ISO_DATE.search(line.text[line.text.find("日期") :]) or _DATE_PARTS.search(line.text)
            if found:
                doc_date = parse_date_line(found.group(0))

    builder = _Builder(text)
    furniture: list[Span] = []
    titles: list[tuple[int, int, str]] = []  # (score, order, text) of the title candidates
    chosen_title: str | None = None
    after_signature = False
    pending_title: DraftItem | None = None
    pos = 0
    while pos < len(lines):
        line = lines[pos]
        span = Span(line.start, line.end)
        if line.kind == "furniture":
            furniture.append(span)
            builder.seg(span, "furniture")
            if line.furniture in ("signature", "date"):
                after_signature = True
            pos += 1
            continue
        if line.kind == "rule":
            builder.seg(span, "separator")
            pos += 1
            continue
        if line.kind in ("row", "header_row") and line.row is not None:
            _table_row(builder, text, line, furniture)
            after_signature = False
            pos += 1
            continue
        if line.kind == "item" and line.label is not None:
            placed = builder.machine.place(line.label)
            if placed is not None:
                index, reading, confidence = placed
                rest = line.label.rest
                if rest < line.end:
                    title, body = split_title(text, rest, line.end)
                else:
                    title, body = Span(line.end, line.end), None
                item = builder.new_item(line.label, reading, index, title, confidence)
                if body:
                    item.body_spans.append(body)
                    builder.seg(body, "body", item)
                pending_title = item if title.end <= title.start else None
                after_signature = False
                pos += 1
                continue
        # Unnumbered text.
        if pending_title is not None and looks_like_title(line.text):
            pending_title.title_span = span
            builder.seg(span, "title", pending_title)
            pending_title = None
            pos += 1
            continue
        pending_title = None
        starts_document = builder.current is None or after_signature
        rank = line.block.heading_level
        if (
            rank is not None
            and not after_signature
            and (chosen_title is not None or builder.current is not None)
        ):
            # An unnumbered Word/Markdown heading after the title is a section of the plan.
            index, value = builder.machine.place_heading(rank)
            title, body = split_title(text, line.start, line.end)
            item = builder.new_item(None, Reading(f"heading{rank}", value, str(value)), index, title, 0.9)
            if body:
                item.body_spans.append(body)
                builder.seg(body, "body", item)
            pos += 1
            continue
        if (starts_document and line.block.heading_level is None and looks_like_title(line.text)) or (
            starts_document and line.block.heading_level is not None
        ):
            group = [line]
            while (
                pos + len(group) < len(lines)
                and lines[pos + len(group)].kind == "text"
                and looks_like_title(lines[pos + len(group)].text)
                and title_continues("".join(g.text for g in group), lines[pos + len(group)].text)
            ):
                group.append(lines[pos + len(group)])
            joiner = "" if is_cjk_text(line.text) else " "
            title_text = joiner.join(g.text for g in group)
            if after_signature and builder.current is not None:
                builder.machine.reset()
                builder.current = None
                titles.clear()
            if builder.current is None:
                titles.append((title_score(title_text), len(titles), title_text))
                chosen_title = max(titles)[2]
            for g in group:
                builder.seg(Span(g.start, g.end), "doc_title")
            after_signature = False
            pos += len(group)
            continue
        after_signature = False
        if builder.current is None:
            builder.seg(span, "preamble")
        else:
            builder.current.body_spans.append(span)
            builder.seg(span, "body", builder.current)
        pos += 1

    if chosen_title is None and doc.title_hint:
        chosen_title = doc.title_hint.strip() or None
    segments = _tile(text, builder.segments)
    content = [s.span for s in segments if s.role in ("number", "title", "body", "preamble")]
    return Structure(
        items=builder.roots,
        title=chosen_title,
        language=language,
        furniture=furniture,
        segments=segments,
        doc_date=doc_date,
        content_spans=content,
    )


_UNIT_ROLES: dict[ColumnRole, UnitRole] = {
    "lead": "lead",
    "responsible": "responsible",
    "cooperating": "cooperating",
}


def _table_row(builder: _Builder, text: str, line: _Line, furniture: list[Span]) -> None:
    """Turn one table row into an item (or a part heading, or the header)."""
    row = line.row
    if row is None:
        return
    for sep in row.separators:
        builder.seg(sep, "separator")
    if row.is_header:
        for cell in row.cells:
            furniture.append(cell)
            builder.seg(cell, "furniture")
        return
    filled = [c for c in row.cells if c.end > c.start]
    distinct = {text[c.start : c.end] for c in filled}
    if len(distinct) == 1:  # one merged cell: a part heading such as "一、支持企业稳定发展"
        cell = filled[0]
        label = parse_label(text[cell.start : cell.end], cell.start)
        placed = builder.machine.place(label) if label else None
        if label and placed:
            index, reading, confidence = placed
            title, body = (
                split_title(text, label.rest, cell.end)
                if label.rest < cell.end
                else (Span(cell.end, cell.end), None)
            )
        else:
            label = None
            index, value = builder.machine.expected_auto("tbl_group")
            reading, confidence = Reading("tbl_group", value, str(value)), 0.8
            title, body = split_title(text, cell.start, cell.end)
        item = builder.new_item(label, reading, index, title, confidence)
        item.from_table = True
        if body:
            item.body_spans.append(body)
            builder.seg(body, "body", item)
        for other in filled[1:]:
            builder.seg(other, "body", item)
        return

    number_cell = next((c for c, r in zip(row.cells, row.roles, strict=False) if r == "number"), None)
    label = None
    if number_cell is not None and number_cell.end > number_cell.start:
        label = parse_table_number(text[number_cell.start : number_cell.end], number_cell.start)
    placed = builder.machine.place(label) if label else None
    if label is None or placed is None:
        if label is not None and number_cell is not None:
            # An unplaceable number is still the row's number: continue the table's sequence.
            style = label.readings[0].style
            index, _ = builder.machine.expected_auto(style)
            reading, confidence = label.readings[0], 0.6
        else:
            index, value = builder.machine.expected_auto("tbl_auto")
            reading, confidence = Reading("tbl_auto", value, str(value)), 0.8
            label = None
    else:
        index, reading, confidence = placed

    title_cells = [c for c, r in zip(row.cells, row.roles, strict=False) if r == "title" and c.end > c.start]
    body_cells = [c for c, r in zip(row.cells, row.roles, strict=False) if r == "body" and c.end > c.start]
    if not title_cells and body_cells:
        title_cells, body_cells = body_cells[:1], body_cells[1:]
    title = Span(line.end, line.end)
    bodies: list[Span] = []
    if title_cells:
        title, run_in = split_title(text, title_cells[0].start, title_cells[0].end)
        if run_in:
            bodies.append(run_in)
        bodies.extend(title_cells[1:])
    bodies.extend(body_cells)
    item = builder.new_item(label, reading, index, title, confidence)
    item.from_table = True
    if label is None and number_cell is not None:
        builder.seg(number_cell, "number", item)
    for body in bodies:
        item.body_spans.append(body)
        builder.seg(body, "body", item)
    for cell, role in zip(row.cells, row.roles, strict=False):
        if cell.end <= cell.start or role in ("number", "title", "body"):
            continue
        builder.seg(cell, "body", item)
        if role in _UNIT_ROLES:
            item.unit_cells.append((cell, _UNIT_ROLES[role]))
        elif role == "deadline":
            item.deadline_cells.append(cell)
        else:
            item.extra_spans.append(cell)


def _tile(text: str, pieces: list[tuple[int, int, SegmentRole, int | None]]) -> list[Segment]:
    """Sort the role spans and fill every gap with a separator, so the text is tiled."""
    pieces.sort(key=itemgetter(0))
    segments: list[Segment] = []
    append = segments.append
    pos = 0
    for start, end, role, index in pieces:
        if start < pos:
            start = pos
        if end <= start:
            continue
        if start > pos:
            append(Segment(Span(pos, start), "separator"))
        append(Segment(Span(start, end), role, index))
        pos = end
    if pos < len(text):
        append(Segment(Span(pos, len(text)), "separator"))
    return segments


def count_years(text: str, spans: list[Span]) -> Counter[int]:
    """How often each plausible year (1990-2100) is written in the given spans."""
    counts: Counter[int] = Counter()
    for span in spans:
        for match in _YEAR.finditer(text, span.start, span.end):
            counts[int(match.group(1))] += 1
    return counts


_YEAR = re.compile(r"(?<![0-9０-９.])((?:199|20[0-9])[0-9])(?![0-9０-９])")
