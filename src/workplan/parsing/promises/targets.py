"""Targets: the quantities an item promises -- percentages, counts, amounts, frequencies.

Each finder yields candidates over one region of the text; overlapping candidates are
resolved longest-first, so "每季度至少1次" is one frequency and not also a count of "1次".
What is *not* a target is as important as what is: a number in a Chinese condition
("…达到25%的，可申请…"), inside a quoted slogan ("three must-go"), after a definite
article ("the 1950 census", "the two major parks"), a year, an ordinal or an identifier
("Section 2.2", "36 CFR") states a fact or a name, not a commitment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workplan.parsing.promises.context import inside, keep_disjoint, quoted_spans
from workplan.parsing.promises.numerals import CARDINAL_WORDS, MAGNITUDE_WORDS, parse_number, zh_numeral_value
from workplan.parsing.result import Comparator, Span, Target, TargetKind

_NUM = r"[0-9０-９]{1,3}(?:[,，][0-9０-９]{3})+(?:[.．][0-9０-９]+)?|[0-9０-９]+(?:[.．][0-9０-９]+)?"
# _NUM written to begin with one character class (the same matches, tried in the same order):
# a pattern that starts so lets the regex engine skip to the next digit instead of trying a
# match at every position, which made this the slowest step of the parse.
_NUM_AT = r"[0-9０-９](?:[0-9０-９]{0,2}(?:[,，][0-9０-９]{3})+(?:[.．][0-9０-９]+)?|[0-9０-９]*(?:[.．][0-9０-９]+)?)"

# ---------------------------------------------------------------------------- Chinese

_ZH_PRE = (
    "最高不超过|最多不超过|最低不低于|最少不少于|不得超过|不得高于|不得低于|不得少于|不超过|不高于|不多于|不大于|"
    "不低于|不少于|不小于|至少|最少|最多|最高|最低|超过|高于|多于|大于|低于|少于|小于|控制在|保持在|约|大约|近"
)
_ZH_UNITS = (
    "%|％|‰|个百分点|万元|亿元|千元|元|万美元|美元|个月|个工作日|工作日|小时|分钟|学时|课时|平方公里|平方千米|平方米|公里|千米|公顷|亩|吨|"
    "人次|个次|户次|个|名|人|家|所|项|场|期|批|篇|件|户|处|座|套|台|辆|条|本|份|张|间|支|位|类|种|门|册|棵|株|次|轮|届"
)
_Trie = dict[str, "_Trie"]


def _trie(words: list[str]) -> str:
    """A regex alternation of ``words`` as a prefix tree: the engine tests one letter per
    position instead of every word, which matters when it runs over every character."""
    tree: _Trie = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    return _emit(tree)


def _emit(node: _Trie) -> str:
    branches = [re.escape(ch) + _emit(child) for ch, child in sorted(node.items()) if ch]
    if "" in node:
        return f"(?:{'|'.join(branches)})?" if branches else ""
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


def _trie_tails(words: list[str]) -> tuple[str, str]:
    """The prefix tree of ``words`` split after its first letter: the class of first letters,
    and what may follow each one, told apart by a look-behind at that letter. A pattern that
    begins with the class lets the regex engine skip straight to the next possible letter."""
    tree: _Trie = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    firsts = sorted(ch for ch in tree if ch)
    tails = "|".join(f"(?<={re.escape(ch)}){_emit(tree[ch])}" for ch in firsts)
    return "[" + "".join(re.escape(ch) for ch in firsts) + "]", f"(?:{tails})"


_ZH_TARGET = re.compile(
    rf"(?P<n1>{_NUM_AT})(?:\s*(?:-|—|–|－|～|~|至|到)\s*(?P<n2>{_NUM}))?"
    rf"\s*(?P<mag>千万|百万|十万|万|亿)?\s*(?P<approx>余|多)?\s*(?P<unit>{_trie(_ZH_UNITS.split('|'))})"
    r"(?P<post>以上|以下|以内|左右)?"
)
_ZH_PRE_TAIL = re.compile(rf"(?:{_ZH_PRE})\s*(?:每(?:人|户|年|月|季度|天|周)+)?\s*$")
_ZH_CN_TIME = re.compile(
    r"(?P<pre>不超过|至少|超过|提前|延迟|延长|)(?P<n1>[一两二三四五六七八九十]{1,3})(?P<unit>分钟|小时|个月)"
)
_ZH_CN_COUNT = re.compile(
    # n1: a numeral not preceded by another numeral, 第 or 每 -- 两..九, 十 + digit?, 二..九 + 十 +
    # digit? -- written to begin with one character class (see _NUM_AT).
    r"(?P<n1>[两二三四五六七八九十](?<![一二三四五六七八九十百千万两第每][\s\S])"
    r"(?:(?<=十)[一二三四五六七八九]?|(?<=[二三四五六七八九])(?:十[一二三四五六七八九]?)??|(?<=两)))"
    r"(?P<unit>所|家|名|项|座|场|批|处|条|支|套|台|辆|栋|户|位|期|轮|次)"
    r"(?!(?:制度|意识|自信|维护|代表|方面|战略|理念|精神|基本|原则|机制))"
)
_ZH_MAGNITUDE_COUNT = re.compile(
    r"(?<![0-9０-９零一二三四五六七八九十百千万亿两])(?P<mag>十万|百万|千万)(?:名|个|户|家|人)?(?P<noun>[\u4e00-\u9fff]{2})"
)
# A round number written as a word before a measure word: "百项关键技术", "千家企业" (100, 1000);
# not the idioms 百家争鸣 / 千家万户.
_ZH_ROUND_COUNT = re.compile(
    r"(?<![0-9０-９零一二三四五六七八九十百千万亿两第每几数上成])(?P<mag>百|千)"
    r"(?P<unit>项|家|个|名|所|座|场|批|条|支|套|台|户|位|种|款)(?!争鸣|齐放|万户|百|千)(?P<noun>[\u4e00-\u9fff]{2,10})"
)
# A magnitude reached or passed, at the end of a clause: "用户超千万", "产值突破百亿".
_ZH_MAGNITUDE_REACHED = re.compile(
    r"(?P<noun>[\u4e00-\u9fff]{2,8}?)(?P<cmp>超过|超|突破|达到|达)(?P<mag>十万|百万|千万|万|亿|百亿|千亿)"
    r"(?P<unit>人次|户|人|家|个|台|辆)?(?=[，,。；;、）)\s]|$)"
)
# A design standard as a return period: "50年一遇洪水标准", "3-5年一遇排水能力".
_ZH_RETURN_PERIOD = re.compile(
    r"(?<![0-9０-９.])(?P<n1>[0-9０-９]{1,4})(?:\s*[-—–～~至]\s*(?P<n2>[0-9０-９]{1,4}))?\s*年一遇"
)
_ROUND = {"百": 100.0, "千": 1000.0}
_REACHED_MAGNITUDES = {"百亿": 1e10, "千亿": 1e11}
_ZH_FULL_COVERAGE = re.compile(r"全覆盖|全面覆盖")
_ZH_FREQ_N = re.compile(
    r"(?P<per>每(?:(?:人|户|家|个单位)?每)?(?:年度?|季度?|个?月|周|半年|学期|两年))"
    r"(?P<mid>[^。；;，,、0-9０-９\n]{0,8}?)(?P<n>[0-9０-９]{1,2}|[一两二三四五六七八九十])\s*次"
)
_ZH_FREQ_ONE = re.compile(r"(?P<per>一(?:年|季度?|个?月|周))(?P<n>[一两二三四])次")
_ZH_FREQ_BARE = re.compile(
    r"每(?P<per>年度?|季度?|个?月|周|半年|学期)(?!(?:增长|增加|提高|下降|减少|递增|递减|新增|平均|均|人均|至少|不少于)|\d(?![0-9０-９]?\s*[日号]))"
)
_ZH_REGULAR = re.compile(r"定期")
_ZH_CONDITION = re.compile(r"的[，,]")
_ZH_CLAUSE_START = re.compile(r"[。；;！？!?\n]")

_ZH_PER = {
    "年": "per year",
    "年度": "per year",
    "季": "per quarter",
    "季度": "per quarter",
    "月": "per month",
    "个月": "per month",
    "周": "per week",
    "半年": "per half-year",
    "学期": "per semester",
    "两年": "per 2 years",
}
_PERCENT_UNITS = frozenset(("%", "％", "个百分点"))
_PER_MILLE = "‰"
_MONEY_UNITS = frozenset(("万元", "亿元", "千元", "元", "万美元", "美元"))
_OTHER_UNITS = frozenset(
    (
        "个月",
        "个工作日",
        "工作日",
        "小时",
        "分钟",
        "学时",
        "课时",
        "平方公里",
        "平方千米",
        "平方米",
        "公里",
        "千米",
        "公顷",
        "亩",
        "吨",
    )
)
_TIME_UNITS = frozenset(("个月", "个工作日", "工作日", "小时", "分钟"))
_MAGNITUDES = {"十万": 1e5, "百万": 1e6, "千万": 1e7, "万": 1e4, "亿": 1e8}

_ZH_COMPARATORS: dict[str, Comparator | None] = {
    "最高不超过": "<=",
    "最多不超过": "<=",
    "最低不低于": ">=",
    "最少不少于": ">=",
    "不得超过": "<=",
    "不得高于": "<=",
    "不得低于": ">=",
    "不得少于": ">=",
    "不超过": "<=",
    "不高于": "<=",
    "不多于": "<=",
    "不大于": "<=",
    "不低于": ">=",
    "不少于": ">=",
    "不小于": ">=",
    "至少": ">=",
    "最少": ">=",
    "最多": "<=",
    "最高": "<=",
    "最低": ">=",
    "超过": ">",
    "高于": ">",
    "多于": ">",
    "大于": ">",
    "低于": "<",
    "少于": "<",
    "小于": "<",
    "以上": ">=",
    "以下": "<=",
    "以内": "<=",
    "约": None,
    "大约": None,
    "近": None,
    "左右": None,
    "余": ">",
    "多": ">",
}

# ---------------------------------------------------------------------------- English

_EN_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_EN_WORDS = "|".join(
    sorted((w for w in CARDINAL_WORDS if w not in ("one", "hundred", "dozen")), key=len, reverse=True)
)
_EN_PRE = (
    "(?:shall |will |must |should )?(?:not be|not|no) (?:lower|less|fewer) than|"
    "(?:shall |will |must |should )?(?:not be|not|no) (?:higher|more|greater) than|"
    "(?:shall |will |must |should )?not (?:exceed|to exceed)|"
    "more than|at least|a minimum of|minimum of|over|exceeding|greater than|higher than|up to|a maximum of|"
    "maximum of|at most|less than|fewer than|under|below|about|approximately|around|nearly|almost|roughly|"
    "some|all|a total of|total of|between"
)


_EN_WORD_TRIE = _trie(
    [w for w in CARDINAL_WORDS if w not in ("one", "hundred", "dozen")]
    + [w.title() for w in CARDINAL_WORDS if w not in ("one", "hundred", "dozen")]
)
_EN_WORD_LIST = [w for w in CARDINAL_WORDS if w not in ("one", "hundred", "dozen")]
_EN_WORD_FIRSTS, _EN_WORD_TAILS = _trie_tails(_EN_WORD_LIST + [w.title() for w in _EN_WORD_LIST])
# n1 is _EN_NUM or a number word not inside a longer word, begun with one character class
# (a digit or a first letter) so that the engine skips between the places a number can start.
_EN_TARGET = re.compile(
    rf"(?P<n1>[\d{_EN_WORD_FIRSTS[1:-1]}](?:(?<=\d)(?:\d{{0,2}}(?:,\d{{3}})+(?:\.\d+)?|\d*(?:\.\d+)?)|"
    rf"(?<![\w-][\s\S]){_EN_WORD_TAILS}(?![\w-])))"
    rf"(?:\s*(?P<sep>-|–|—|\bto\b|\band\b)\s*(?P<n2>{_EN_NUM}|(?:{_EN_WORD_TRIE})(?![\w-])))?"
    r"(?P<mag>\s+(?:thousand|million|billion|trillion)\b|(?:m|mn|bn|k)\b)?"
    r"(?P<pct>\s?%|\s+percent\b|\s+per\s?cent\b)?"
)
_EN_PRE_TAIL = re.compile(
    rf"\b(?P<pre>{_EN_PRE})\s+(?P<cur>US\$|\$|USD\s?|RMB\s?|CNY\s?|¥|￥|€|£)?\s?$", re.IGNORECASE
)
_CURRENCY_CODES = {
    "$": "USD",
    "US$": "USD",
    "USD": "USD",
    "£": "GBP",
    "€": "EUR",
    "¥": "CNY",
    "￥": "CNY",
    "RMB": "CNY",
    "CNY": "CNY",
    "yuan": "CNY",
    "rmb": "CNY",
    "dollars": "USD",
    "usd": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "pounds": "GBP",
}
_EN_CUR_TAIL = re.compile(r"(?P<cur>US\$|\$|USD\s?|RMB\s?|CNY\s?|¥|￥|€|£)\s?$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_HAS_DIGIT = re.compile(r"[0-9０-９]")
_HAS_QUOTE = re.compile(r"[“\"「『《]")
_ASCII_DIGIT = re.compile(r"[0-9]")  # the first half of _HAS_EN_NUMBER, a cheap search
_HAS_EN_NUMBER = re.compile(rf"[0-9]|\b(?:{_EN_WORDS})\b", re.IGNORECASE)
_EN_CURRENCY_WORD = re.compile(r"\s+(?P<w>yuan|RMB|dollars|USD|euros?|pounds)\b", re.IGNORECASE)
_EN_MEASURE = re.compile(
    r"\s+(?P<u>hours?|minutes?|months?|days?|weeks?|square\s+(?:kilomet(?:er|re)s|met(?:er|re)s|miles|feet)|"
    r"kilomet(?:er|re)s?|km|miles?|hectares?|acres?|tons?|tonnes?|mu)(?=\W|$)[’']?",
    re.IGNORECASE,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_EN_STOP = _words(
    """
    of to for and or but in on at by with from into via per as than that which who whom whose will
    would shall should can could may might must is are was were be been being have has had do does
    did the a an this these those its their our his her it they we you he she each every all any
    some more most other such so not no within over under after before during through about between
    among until while when where if also
    """
)
_EN_IDENTIFIER_WORDS = _words(
    """
    section chapter article part title initiative phase version level step page figure table
    appendix item no number act grade class room route highway building goal objective strategy
    action task priority outcome output measure pillar annex schedule volume issue line paragraph
    clause rule regulation order decree resolution law code standard form option scenario model
    round wave cohort
    """
)
_EN_DEFINITE = frozenset(["the", "this", "that", "these", "those"])
_EN_FREQ_N = re.compile(
    r"\b(?P<n>once|twice|thrice|(?:\d+|two|three|four|five|six|ten|twelve)\s+times)\s+(?:a|an|per|each|every)\s+"
    r"(?P<per>year|quarter|month|week|day|semester|term|fortnight)\b",
    re.IGNORECASE,
)
_EN_FREQ_EVERY = re.compile(
    r"\b(?:every|each)\s+(?P<per>year|quarter|month|week|semester|fortnight|half[\s-]year|six\s+months)\b",
    re.IGNORECASE,
)
_EN_FREQ_ADVERB = re.compile(
    r"\b(?P<adv>annually|yearly|quarterly|monthly|weekly|biannually|semi-annually|semiannually|biennially|fortnightly)\b",
    re.IGNORECASE,
)
_EN_FREQ_ADJ = re.compile(
    r"\b(?:(?P<det>an?|its|their|our|his|her|each|one)\s+)?(?P<adj>annual|yearly|quarterly|monthly|weekly|biannual|"
    r"semi-annual)\s+(?P<noun>[A-Za-z][\w-]*(?:\s+(?:of\s+)?[A-Za-z][\w-]*){0,2})",
    re.IGNORECASE,
)
_EN_REGULAR = re.compile(r"\b(?:regularly|regular|periodically|periodic)\b", re.IGNORECASE)
_EN_FULL_COVERAGE = re.compile(r"\bfull(?:\s+|-)coverage\b", re.IGNORECASE)

_EN_PER = {
    "year": "per year",
    "annual": "per year",
    "annually": "per year",
    "yearly": "per year",
    "quarter": "per quarter",
    "quarterly": "per quarter",
    "month": "per month",
    "monthly": "per month",
    "week": "per week",
    "weekly": "per week",
    "day": "per day",
    "semester": "per semester",
    "term": "per semester",
    "fortnight": "per 2 weeks",
    "half year": "per half-year",
    "half-year": "per half-year",
    "six months": "per half-year",
    "fortnightly": "per 2 weeks",
    "biannual": "per year",
    "biannually": "per year",
    "semi-annual": "per year",
    "semi-annually": "per year",
    "semiannually": "per year",
    "biennially": "per 2 years",
}
_EN_COMPARATORS: dict[str, Comparator | None] = {
    "more than": ">=",
    "no less than": ">=",
    "not less than": ">=",
    "at least": ">=",
    "a minimum of": ">=",
    "minimum of": ">=",
    "no fewer than": ">=",
    "not fewer than": ">=",
    "over": ">",
    "exceeding": ">",
    "greater than": ">",
    "higher than": ">",
    "up to": "<=",
    "no more than": "<=",
    "not more than": "<=",
    "a maximum of": "<=",
    "maximum of": "<=",
    "at most": "<=",
    "less than": "<",
    "fewer than": "<",
    "under": "<",
    "below": "<",
    "about": None,
    "approximately": None,
    "around": None,
    "nearly": None,
    "almost": None,
    "roughly": None,
    "some": None,
    "all": "=",
    "a total of": "=",
    "total of": "=",
    "between": "between",
}


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    kind: TargetKind
    comparator: Comparator | None
    value: float | None
    value_max: float | None
    unit: str | None
    priority: int  # a frequency beats the count inside it ("每季度至少1次" vs "1次")


def _clean(value: float | None) -> float | None:
    if value is None:
        return None
    return float(int(value)) if value == int(value) else round(value, 6)


def _conditions(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Chinese conditional clauses ("…达到25%的，可申请…"): from the clause start to the 的."""
    if text.find("的", start, end) < 0:
        return []
    found: list[tuple[int, int]] = []
    for match in _ZH_CONDITION.finditer(text, start, end):
        clause_start = start
        for boundary in _ZH_CLAUSE_START.finditer(text, max(start, match.start() - 200), match.start()):
            clause_start = boundary.end()
        found.append((clause_start, match.start()))
    return found


def _zh_per(per_text: str) -> str:
    for key in _ZH_PER_KEYS:
        if per_text.endswith(key):
            return _ZH_PER[key]
    return "per year"


_ZH_PER_KEYS = sorted(_ZH_PER, key=len, reverse=True)


_COHORT_UNITS = frozenset(["届", "级"])


def _zh_quantities(text: str, start: int, end: int, skip: list[tuple[int, int]]) -> list[_Candidate]:
    """Numbers written with digits followed by a unit: 80%以上, 15万元, 1-2个, 6个月."""
    found: list[_Candidate] = []
    for m in _ZH_TARGET.finditer(text, start, end):
        n_start, m_end = m.start(), m.end()  # the match begins with n1
        before = text[n_start - 1] if n_start > 0 else ""
        if (before and before in "第号.．") or (before.isascii() and before.isalnum()):
            continue  # 第6版, IPv6, a decimal's tail
        n1, n2, mag, unit, post, approx = m.group("n1", "n2", "mag", "unit", "post", "approx")
        if (unit in _TIME_UNITS and text[m_end : m_end + 1] == "内") or (skip and inside(n_start, skip)):
            continue  # "3个月内" is a time window; a number in a condition is not a promise
        if unit in _COHORT_UNITS and not mag and _YEAR.fullmatch(n1):
            continue  # "2026届毕业生": a year names the cohort
        value = parse_number(n1)
        if value is None:
            continue
        value_max = parse_number(n2) if n2 else None
        mag = mag or ""
        kind: TargetKind
        if unit == _PER_MILLE:
            kind, unit_text = "other", unit
        elif unit in _PERCENT_UNITS:
            kind, unit_text = "percent", ("%" if unit != "个百分点" else unit)
        elif unit in _MONEY_UNITS or (mag and unit == "元"):
            kind, unit_text = "amount", mag + unit
        else:
            # Money keeps its 万元 (as budgets are written); other scale words are multiplied
            # out: "38.5万亩" is 385000 亩, "62万人次" is 620000 人次, "百万青年" is 1000000.
            kind, unit_text = ("other" if unit in _OTHER_UNITS else "count"), unit
            if mag:
                value *= _MAGNITUDES[mag]
                value_max = value_max * _MAGNITUDES[mag] if value_max is not None else None
        pre = _ZH_PRE_TAIL.search(text, max(start, n_start - 12), n_start)
        pre_word = pre.group(0).strip() if pre else ""
        pre_key = next((k for k in _ZH_COMPARATORS if pre_word.startswith(k)), None) if pre_word else None
        comparator: Comparator | None = "="
        for key in (pre_key, post, approx):
            if key:
                comparator = _ZH_COMPARATORS.get(key, comparator)
        if value_max is not None:
            comparator = "between"
        first = pre.start() if pre else n_start
        found.append(_Candidate(first, m_end, kind, comparator, value, value_max, unit_text, 1))
    return found


def _zh_round_counts(text: str, start: int, end: int, skip: list[tuple[int, int]]) -> list[_Candidate]:
    """Round numbers written as words: "百项关键技术" (100), "用户超千万" (more than 10,000,000)."""
    found: list[_Candidate] = []
    for m in _ZH_ROUND_COUNT.finditer(text, start, end):
        if not inside(m.start(), skip):
            value = _ROUND[m.group("mag")]
            found.append(_Candidate(m.start(), m.end(), "count", "=", value, None, m.group("noun"), 1))
    for m in _ZH_MAGNITUDE_REACHED.finditer(text, start, end):
        if inside(m.start("cmp"), skip):
            continue
        mag = m.group("mag")
        value = _REACHED_MAGNITUDES.get(mag) or _MAGNITUDES[mag]
        comparator: Comparator = ">" if m.group("cmp").startswith(("超", "突破")) else ">="
        unit = m.group("unit") or m.group("noun")
        found.append(_Candidate(m.start("noun"), m.end(), "count", comparator, value, None, unit, 1))
    return found


def _zh_candidates(
    text: str, start: int, end: int, skip: list[tuple[int, int]], hints: set[str]
) -> list[_Candidate]:
    region = text[start:end]
    found = _zh_quantities(text, start, end, skip) if "0" in hints else []
    if "分钟" in hints or "小时" in hints or "个月" in hints:
        for m in _ZH_CN_TIME.finditer(text, start, end):
            before = text[m.start("n1") - 1] if m.start("n1") > 0 else ""
            if (
                inside(m.start(), skip)
                or text[m.end() : m.end() + 1] == "内"
                or (before and before in _NOT_A_COUNT)
            ):
                continue  # "最后一个月" is a position, "3个月内" a window
            cn_value = zh_numeral_value(m.group("n1"))
            if cn_value is not None:
                time_cmp = _ZH_COMPARATORS.get(m.group("pre"), "=") if m.group("pre") else "="
                found.append(
                    _Candidate(
                        m.start("n1"), m.end(), "other", time_cmp, float(cn_value), None, m.group("unit"), 1
                    )
                )
    if _ZH_CN_COUNT_HINT.search(region):
        for m in _ZH_CN_COUNT.finditer(text, start, end):
            cn_count = zh_numeral_value(m.group("n1"))
            if cn_count is None or inside(m.start(), skip):
                continue
            found.append(
                _Candidate(m.start(), m.end(), "count", "=", float(cn_count), None, m.group("unit"), 1)
            )
    if "十万" in hints or "百万" in hints or "千万" in hints:
        for m in _ZH_MAGNITUDE_COUNT.finditer(text, start, end):
            noun = m.group("noun")
            if noun[0] not in "不要别勿莫可应该必" and not inside(m.start(), skip):
                magnitude = _MAGNITUDES[m.group("mag")]
                found.append(_Candidate(m.start(), m.end(), "count", "=", magnitude, None, noun, 1))
    if "百" in region or "千" in region:
        found.extend(_zh_round_counts(text, start, end, skip))
    if "一遇" in region:
        for m in _ZH_RETURN_PERIOD.finditer(text, start, end):
            low, high = parse_number(m.group("n1")), parse_number(m.group("n2")) if m.group("n2") else None
            if low is not None and not inside(m.start(), skip):
                comparator: Comparator = "between" if high is not None else "="
                found.append(_Candidate(m.start(), m.end(), "other", comparator, low, high, "年一遇", 3))
    if "覆盖" in hints:
        found.extend(
            _Candidate(m.start(), m.end(), "percent", "=", 100.0, None, "%", 1)
            for m in _ZH_FULL_COVERAGE.finditer(text, start, end)
        )
    if "次" in hints:
        for pattern in (_ZH_FREQ_N, _ZH_FREQ_ONE):
            for m in pattern.finditer(text, start, end):
                mid = m.groupdict().get("mid") or ""
                freq_cmp: Comparator = "="
                if _ZH_AT_LEAST.search(mid):
                    freq_cmp = ">="
                elif _ZH_AT_MOST.search(mid):
                    freq_cmp = "<="
                times = parse_number(m.group("n"))
                found.append(
                    _Candidate(
                        m.start(), m.end(), "frequency", freq_cmp, times, None, _zh_per(m.group("per")), 3
                    )
                )
    if "每" in hints:
        found.extend(
            _Candidate(m.start(), m.end(), "frequency", "=", 1.0, None, _ZH_PER[m.group("per")], 2)
            for m in _ZH_FREQ_BARE.finditer(text, start, end)
        )
    if "定期" in hints:
        found.extend(
            _Candidate(m.start(), m.end(), "frequency", None, None, None, None, 0)
            for m in _ZH_REGULAR.finditer(text, start, end)
        )
    return found


# The words whose presence decides which finders run. No word ends with another one's first
# character, so the non-overlapping matches of one pass find every word the region holds.
# Also every quote mark that opens a slogan (read as "“"), 的 (conditions) and digits (as "0");
# a token is read by its first character where that is a quote mark or a digit.
# (Written to begin with one character class, so the regex engine skips between the cues.)
_ZH_HINTS = re.compile(
    r"[分小个十百千覆定次每的“\"「『《0-9０-９]"
    r"(?:(?<=分)钟|(?<=小)时|(?<=个)月|(?<=[十百千])万|(?<=覆)盖|(?<=定)期|(?<=[次每的“\"「『《])|"
    r"(?<=[0-9０-９])[0-9０-９]*)"
)
_HINT_KEY = {
    **dict.fromkeys('“"「『《', "“"),
    **dict.fromkeys("0123456789０１２３４５６７８９", "0"),
}
_NOT_A_COUNT = "后每第这那本同当任哪某"
_ZH_CN_COUNT_HINT = re.compile(r"[两二三四五六七八九十][所家名项座场批处条支套台辆栋户位期轮次]")
_ZH_AT_LEAST = re.compile(r"至少|不少于|不低于")
_ZH_AT_MOST = re.compile(r"只|仅|最多|不超过|限")


def _word_before(text: str, pos: int, floor: int) -> str:
    """The word that ends just before ``pos`` (skipping spaces), lower-cased."""
    end = pos
    while end > floor and text[end - 1] == " ":
        end -= 1
    begin = end
    while begin > floor and (text[begin - 1].isalpha() or text[begin - 1] == "."):
        begin -= 1
    return text[begin:end].lower().rstrip(".")


_EN_WORD = re.compile(r"[ \u00a0]+([A-Za-z][\w’'&-]*)")


def _noun_phrase(text: str, pos: int, end: int, *, gerund: bool = False) -> tuple[str, int] | None:
    """The counted noun after a number: "legal consultants" in "1-2 legal consultants, take"."""
    words: list[str] = []
    last_end = pos
    cursor = pos
    while len(words) < 5:
        match = _EN_WORD.match(text, cursor, end)
        if not match:
            break
        word = match.group(1).rstrip("’'")
        bare = word.lower()
        if bare in _EN_STOP:
            break
        if words and len(bare) > 4 and bare.endswith(("ed", "ing")):
            break  # "250,000 images contributed by…": the participle starts a new phrase
        if not words and ((bare.endswith("ing") and not gerund) or (word.isupper() and len(word) > 1)):
            return None  # "36 CFR", "5 including…"
        words.append(word)
        last_end = match.start(1) + len(word)
        cursor = match.end()
    if not words:
        return None
    return " ".join(words), last_end


def _en_number(
    text: str, m: re.Match[str], start: int, end: int, skip: list[tuple[int, int]]
) -> _Candidate | None:
    """One English number in context: a percent, amount, measure or count -- or nothing."""
    n1 = m.group("n1")
    pct = m.group("pct")
    after = text[m.end() : m.end() + 1]
    if not pct and after and (after.isalnum() or after in "-–"):
        return None  # "50th", "5-year", "2D"
    if (
        not pct
        and after not in ("", " ", "\u00a0")
        and not _EN_CUR_TAIL.search(text, max(start, m.start() - 5), m.start())
    ):
        return None  # "1." or "2," ends here: without a unit or a currency it states nothing
    window = max(start, m.start() - 30)
    pre_match = _EN_PRE_TAIL.search(text, window, m.start())
    cur_tail = _EN_CUR_TAIL.search(text, window, m.start()) if pre_match is None else None
    pre = (pre_match.group("pre") if pre_match else "").lower()
    currency = (pre_match.group("cur") if pre_match else None) or (
        cur_tail.group("cur") if cur_tail else None
    )
    if (m.group("sep") or "").lower() == "and" and pre != "between":
        return None
    first = pre_match.start() if pre_match else (cur_tail.start() if cur_tail else m.start())
    if inside(m.start("n1"), skip):
        return None
    previous = _word_before(text, first, start)
    if previous in _EN_DEFINITE or previous in _EN_IDENTIFIER_WORDS:
        return None  # "the 1950 census", "Section 2.2"
    if previous == "within":
        return None  # "within 48 hours of a report" is a time limit, read as a deadline
    if first > start and (text[first - 1].isalnum() or text[first - 1] in "-–.#"):
        return None
    if not pct and not currency and _YEAR.fullmatch(n1):
        return None
    if (
        not pct
        and not currency
        and (previous in _EN_MONTH_WORDS or _EN_MONTH_AFTER.match(text, m.end(), end))
    ):
        return None  # "by 30 September 2025", "September 30": a day of a date
    value = parse_number(n1)
    if value is None:
        return None
    value_max = parse_number(m.group("n2")) if m.group("n2") else None
    if m.group("mag"):
        if not currency and not m.group("mag")[0].isspace():
            return None  # "5m" is five metres unless it is money: "£1.2m"
        factor = MAGNITUDE_WORDS[m.group("mag").strip().lower()]
        value *= factor
        value_max = value_max * factor if value_max is not None else None
    comparator: Comparator | None = _en_comparator(pre) if pre else "="
    if value_max is not None:
        comparator = "between"
    stop = m.end()
    if pct:
        return _Candidate(first, stop, "percent", comparator, value, value_max, "%", 1)
    money_word = _EN_CURRENCY_WORD.match(text, stop, end)
    if currency or money_word:
        unit = _CURRENCY_CODES.get((currency or "").strip(), (currency or "").strip())
        if money_word:
            unit = _CURRENCY_CODES.get(money_word.group("w").lower(), money_word.group("w"))
        return _Candidate(
            first, money_word.end() if money_word else stop, "amount", comparator, value, value_max, unit, 1
        )
    measure = _EN_MEASURE.match(text, stop, end)
    if measure:
        unit_word = " ".join(measure.group("u").lower().split())
        if unit_word.startswith(("day", "week")) and not pre:
            return None  # "30 days" is a time window, not a quantity promised
        return _Candidate(first, measure.end(), "other", comparator, value, value_max, unit_word, 1)
    if text[stop : stop + 1] not in (" ", "\u00a0"):
        return None
    noun = _noun_phrase(text, stop, end)
    if noun is None or noun[0].lower().split()[0] in ("year", "years", "times", "time"):
        return None
    return _Candidate(first, noun[1], "count", comparator, value, value_max, noun[0], 1)


_YEAR = re.compile(r"(?:19|20)\d\d")
_EN_MONTH_WORDS = _words(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    """
)
_EN_MONTH_AFTER = re.compile(
    r"[ \u00a0]+(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?"
)


def _en_comparator(phrase: str) -> Comparator | None:
    """ "more than" -> ">=" (as plans translate 以上), "shall not be lower than" -> ">=", …"""
    if phrase in _EN_COMPARATORS:
        return _EN_COMPARATORS[phrase]
    if "exceed" in phrase or any(w in phrase for w in ("higher than", "more than", "greater than")):
        return "<="  # "not exceed", "no more than", "not higher than"
    return ">="  # "not lower than", "no less than", "not fewer than"


def _en_candidates(text: str, start: int, end: int, skip: list[tuple[int, int]]) -> list[_Candidate]:
    found: list[_Candidate] = []
    if _ASCII_DIGIT.search(text, start, end) or _HAS_EN_NUMBER.search(text, start, end):
        for m in _EN_TARGET.finditer(text, start, end):
            cand = _en_number(text, m, start, end, skip)
            if cand is not None:
                found.append(cand)
    lowered = text[start:end].lower()
    if "once" in lowered or "twice" in lowered or "times" in lowered:
        for m in _EN_FREQ_N.finditer(text, start, end):
            count_word = m.group("n").lower().split()[0]
            value = {"once": 1.0, "twice": 2.0, "thrice": 3.0}.get(count_word) or parse_number(count_word)
            per = _EN_PER[m.group("per").lower()]
            found.append(_Candidate(m.start(), m.end(), "frequency", "=", value, None, per, 3))
    if "every" in lowered or "each" in lowered:
        found.extend(
            _Candidate(
                m.start(),
                m.end(),
                "frequency",
                "=",
                1.0,
                None,
                _EN_PER[" ".join(m.group("per").lower().split())],
                2,
            )
            for m in _EN_FREQ_EVERY.finditer(text, start, end)
        )
    if any(word in lowered for word in _EN_PERIODIC_HINTS):
        for m in _EN_FREQ_ADVERB.finditer(text, start, end):
            adverb = m.group("adv").lower()
            if _word_before(text, m.start(), start) not in _EN_DEFINITE:
                value = 2.0 if adverb in ("biannually", "semi-annually", "semiannually") else 1.0
                found.append(
                    _Candidate(m.start(), m.end(), "frequency", "=", value, None, _EN_PER[adverb], 2)
                )
        for m in _EN_FREQ_ADJ.finditer(text, start, end):
            begin = m.start("det") if m.group("det") else m.start("adj")
            if _word_before(text, begin, start) in _EN_NOT_RECURRING:
                continue  # "the annual conference": an existing event, not a promise
            noun = _noun_phrase(text, m.end("adj"), end, gerund=True)
            if noun is None:
                continue
            adjective = m.group("adj").lower()
            value = 2.0 if adjective in ("biannual", "semi-annual") else 1.0
            found.append(
                _Candidate(m.start("adj"), noun[1], "frequency", "=", value, None, _EN_PER[adjective], 2)
            )
    if "regular" in lowered or "periodic" in lowered:
        found.extend(
            _Candidate(m.start(), m.end(), "frequency", None, None, None, None, 0)
            for m in _EN_REGULAR.finditer(text, start, end)
        )
    if "coverage" in lowered:
        found.extend(
            _Candidate(m.start(), m.end(), "percent", "=", 100.0, None, "%", 1)
            for m in _EN_FULL_COVERAGE.finditer(text, start, end)
        )
    return found


_EN_PERIODIC_HINTS = ("annual", "yearly", "quarterly", "monthly", "weekly", "biennial", "fortnight")
_EN_NOT_RECURRING = _EN_DEFINITE | {"last", "previous", "past"}


def _resolve(candidates: list[_Candidate]) -> list[_Candidate]:
    """Keep the highest-priority, then longest, of overlapping candidates, in text order."""
    if len(candidates) < 2:
        return candidates
    ordered = sorted(candidates, key=lambda c: (-c.priority, -(c.end - c.start), c.start))
    return keep_disjoint(ordered)


# "从62%提高到75%", "from 62% to 75%": the first number is the baseline, not a target.
_ZH_BASELINE_BEFORE = re.compile(r"[从由][^，。；,;：:\n]{0,10}$")
_EN_BASELINE_BEFORE = re.compile(r"\bfrom(?:\s+[A-Za-z]+){0,4}\s+$", re.IGNORECASE)
_BASELINE_HINT = re.compile(r"[从由]|\bfrom\b", re.IGNORECASE)
_BASELINE_BETWEEN = re.compile(
    r"\s*(?:(?:逐步|进一步|分别)?(?:提高|提升|增加|增长|增至|上升|扩大|降低|下降|减少|缩小|压缩|降|升|增)?(?:到|至)"
    r"(?:\s*[0-9]{4}\s*年(?:底|末)?的?)?|"
    r"(?i:to|to\s+reach|towards?))?\s*"
)


def _drop_baselines(text: str, start: int, candidates: list[_Candidate]) -> list[_Candidate]:
    """Drop a "from X" baseline that a "to Y" of the same kind follows."""
    ordered = sorted(candidates, key=lambda c: c.start)
    baselines: set[int] = set()
    for index, cand in enumerate(ordered[:-1]):
        following = ordered[index + 1]
        if following.kind != cand.kind or following.start < cand.end:
            continue
        if not _BASELINE_BETWEEN.fullmatch(text, cand.end, following.start):
            continue
        floor = max(start, cand.start - 40)
        if _ZH_BASELINE_BEFORE.search(text, floor, cand.start) or _EN_BASELINE_BEFORE.search(
            text, floor, cand.start
        ):
            baselines.add(id(cand))
    return [c for c in candidates if id(c) not in baselines] if baselines else candidates


def extract_targets(text: str, regions: list[Span]) -> list[Target]:
    """All targets stated in ``regions`` of ``text`` (an item's own title and body)."""
    targets: list[Target] = []
    for region in regions:
        start, end = region.start, region.end
        if end <= start:
            continue
        if _CJK.search(text, start, min(end, start + 200)):
            # One pass finds every word, quote mark and digit the Chinese finders look for.
            hints = {_HINT_KEY.get(token[0], token) for token in _ZH_HINTS.findall(text, start, end)}
            skip = quoted_spans(text, start, end) if "“" in hints else []
            if "的" in hints:
                skip += _conditions(text, start, end)
            candidates = _zh_candidates(text, start, end, skip, hints)
        else:
            quotes = quoted_spans(text, start, end) if _HAS_QUOTE.search(text, start, end) else []
            candidates = _en_candidates(text, start, end, quotes)
        resolved = _resolve(candidates)
        if len(resolved) > 1 and _BASELINE_HINT.search(text, start, end):
            resolved = _drop_baselines(text, start, resolved)
        targets.extend(
            Target(
                text=text[c.start : c.end],
                kind=c.kind,
                span=Span(c.start, c.end),
                comparator=c.comparator,
                value=_clean(c.value),
                value_max=_clean(c.value_max),
                unit=c.unit,
            )
            for c in resolved
        )
    return targets
