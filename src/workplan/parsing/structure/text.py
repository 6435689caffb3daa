"""Sentences, titles and the shape of text: where a run-in heading ends, what a title
looks like, which language a line is in.
"""

from __future__ import annotations

import re
from typing import Literal

from workplan.parsing.result import Span

Language = Literal["zh", "en"]
SPACES = re.compile(r"\s\s*")  # \s+, begun with one class so that a search skips ahead


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z]+")  # [A-Za-z]{2,}, begun with one class
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
TITLE_PUNCT = re.compile(r"[。；;！？!?]|[.](?:\s|$)")
_GENRE_END = re.compile(
    r"(方案|计划|要点|意见|通知|办法|规划|决定|报告|纲要|安排|细则|规定|总结|指南|制度|公告|通报|批复|"
    r"决议|条例|章程|清单|分工|篇\d*|[Pp]lan|[Pp]rogram(?:me)?|[Aa]genda|[Ss]trategy|[Rr]eport|"
    r"[Cc]ommitments|[Aa]rrangements?|\)|）|》|”|\")$"
)
_EN_JOIN_END = re.compile(r"\b(of|and|for|the|on|to|in|a|an|with|by|at|&)$", re.IGNORECASE)


def is_cjk_text(text: str) -> bool:
    """True if the text is mostly Chinese (decides which sentence rules apply)."""
    return is_cjk_span(text, 0, len(text))


def is_cjk_span(text: str, start: int, end: int) -> bool:
    """:func:`is_cjk_text` of ``text[start:end]``, without copying it."""
    end = min(end, start + 120)
    if _CJK_40.match(text, start, end):  # the common case, decided without counting
        return True
    cjk = len(_CJK.findall(text, start, end))
    return cjk > 0 and cjk * 2 >= len(_LATIN_WORD.findall(text, start, end))


# At least 40 Chinese characters (possessive: no backtracking when there are fewer).
_CJK_40 = re.compile(r"(?:[^\u3400-\u9fff\uf900-\ufaff]*+[\u3400-\u9fff\uf900-\ufaff]){40}")


def detect_language(text: str) -> Language:
    """'zh' when Chinese characters carry the text, else 'en'."""
    sample = text[:20_000]
    cjk = len(sample) - len(_CJK.sub("", sample))  # a count without a string per character
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


#: Longest text after a colon that still belongs to a heading line ("第一阶段：集中攻坚").
MAX_SUBTITLE = 16


def split_title(text: str, start: int, end: int) -> tuple[Span, Span | None]:
    """Split a heading's text into its title and the run-in body that follows it.

    A run-in heading ("（一）加强组织领导。各地区要…", "1. Do X. The body…") ends at its first
    sentence end; a short Chinese lead-in ending in a colon ("指导思想：以…") ends at the
    colon; anything else is all title.
    """
    chinese = is_cjk_span(text, start, end)
    cut = sentence_end(text, start, end, chinese=chinese)
    if chinese:
        colon = _ZH_COLON_TITLE.search(text, start, min(end, start + 26))
        # "第一阶段：集中攻坚" (a short heading line with no sentence in it) stays whole.
        subtitle = cut is None and end - colon.end() <= MAX_SUBTITLE if colon else False
        if colon and (cut is None or colon.end() < cut) and colon.end() < end and not subtitle:
            cut = colon.end()
    if cut is None or cut >= end:
        return Span(start, rstrip_at(text, start, end)), None
    body_start = lstrip_at(text, cut, end)
    if body_start >= end:
        return Span(start, rstrip_at(text, start, cut)), None
    return Span(start, rstrip_at(text, start, cut)), Span(body_start, end)


def lstrip_at(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


def rstrip_at(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def looks_like_title(text: str) -> bool:
    """A short line without sentence punctuation: a document title or a heading."""
    stripped = text.strip()
    if not stripped or len(stripped) > 120:
        return False
    if TITLE_PUNCT.search(stripped) or stripped[-1] in ":：,，、":
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
