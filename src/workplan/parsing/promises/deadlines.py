"""Deadlines: when an item is due, resolved to the last day the text allows.

"6月底前" -> 30 June of the plan's year; "2019年1月1日至12月31日" -> the range's end;
"by the end of the 2018 fiscal year" -> 30 September 2018 (US federal fiscal year);
"在本意见印发之日起30日内" -> the date of issue + 30 days. Phrases that set no date but are
still the item's schedule ("as soon as possible", "长期坚持") are kept with date None, and
so are recurring due dates ("每季度最后一个月的30日前"). A start ("从2019年1月1日起",
"从第一季度开始") is not a deadline.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from workplan.parsing.promises.context import PlanContext, keep_disjoint
from workplan.parsing.promises.numerals import (
    CARDINAL_WORDS,
    MONTH_NUMBERS,
    ascii_digits,
    parse_number,
    zh_numeral_value,
)
from workplan.parsing.result import Deadline, Span

_MON = r"(?:1[0-2]|0?[1-9]|１[０-２]|０?[１-９]|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?:3[01]|[12][0-9]|0?[1-9]|[３][０１]|[１２][０-９]|０?[１-９]|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_YEAR = r"(?:19|20)[0-9]{2}|(?:１９|２０)[０-９]{2}"
# The same, written to begin with one character class: a pattern that starts so lets the
# regex engine skip ahead to the next possible first character in C instead of trying a
# match at every position (several times faster on long paragraphs). Likewise _MON_AT is
# _MON not preceded by 年, a digit or 个, with that test moved after the first character.
_YEAR_AT = r"[12１２](?:(?<=1)9[0-9]{2}|(?<=2)0[0-9]{2}|(?<=１)９[０-９]{2}|(?<=２)０[０-９]{2})"
_MON_AT = (
    r"[0-9０-９十一二三四五六七八九](?<![年0-9０-９个][\s\S])"
    r"(?:(?<=1)[0-2]?|(?<=0)[1-9]|(?<=１)[０-２]?|(?<=０)[１-９]|(?<=十)[一二]?|(?<=[2-9２-９一二三四五六七八九]))"
)
_QUARTER = r"(?:第)?[一二三四1-4１-４]季度"

_EN_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan\\.?|Feb\\.?|Mar\\.?|Apr\\.?|Jun\\.?|Jul\\.?|Aug\\.?|Sept?\\.?|Oct\\.?|Nov\\.?|Dec\\.?"
)
_ORDINAL_QUARTERS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_WORD_COUNTS = {**CARDINAL_WORDS, "a": 1, "an": 1}


def _num(text: str | None) -> int | None:
    if not text:
        return None
    return _num_of(text)


@lru_cache(maxsize=1024)  # dates repeat the same few numerals
def _num_of(text: str) -> int | None:
    text = ascii_digits(text)
    if text.isdigit():
        return int(text)
    return zh_numeral_value(text)


@lru_cache(maxsize=1024)
def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int | None, month: int | None, day: int | None) -> dt.date | None:
    if year is None or month is None or not 1 <= month <= 12:
        return None
    if day is None:
        return _month_end(year, month)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _quarter_end(year: int | None, quarter: int) -> dt.date | None:
    if year is None or not 1 <= quarter <= 4:
        return None
    return _month_end(year, quarter * 3)


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _quarter_number(text: str) -> int:
    digit = re.search(r"[一二三四1-4１-４]", text)
    return _num(digit.group(0)) or 0 if digit else 0


# Each rule: a pattern and a resolver returning (keep?, date). Patterns are tried over the
# whole region; overlapping matches are resolved longest-first.
Resolver = Callable[[re.Match[str], PlanContext, str], tuple[bool, dt.date | None]]


@dataclass(frozen=True, slots=True)
class _Rule:
    """A pattern, how to resolve its date, and which regions can possibly contain it.

    ``family`` names the cue (a four-digit year before 年, a month name, "quarter") that one
    pass of ``_ZH_FAMILY`` / ``_EN_FAMILY`` finds in a region; a rule whose cue is absent is
    not tried, which keeps a 1 MB plan well under a second.
    """

    pattern: re.Pattern[str]
    resolve: Resolver
    priority: int = 1
    family: str = ""  # the cue that must occur in a region for the rule to be tried
    # For a pattern the regex engine cannot skip through quickly (it begins with a
    # look-behind or an optional group): a character every match holds at most ``back``
    # characters after its start, so that matches are only tried near one (see _anchored).
    anchor: re.Pattern[str] | None = None
    back: int = 0


def _anchored(
    pattern: re.Pattern[str], anchor: re.Pattern[str], back: int, text: str, start: int, end: int
) -> Iterator[re.Match[str]]:
    """The matches ``pattern.finditer(text, start, end)`` finds, trying a match only at the
    positions up to ``back`` characters before each ``anchor`` character: where a match
    can begin at all. Positions are tried in order and a match resumes the search at its
    end, as finditer does, so the matches are the same."""
    pos = start
    for found in anchor.finditer(text, start, end):
        at = found.start()
        candidate = max(pos, at - back)
        while candidate <= at:
            match = pattern.match(text, candidate, end)
            if match is not None and match.end() > match.start():
                yield match
                pos = match.end()
                break
            candidate += 1
        else:
            pos = max(pos, at + 1)


def _zh_start(match: re.Match[str], text: str) -> bool:
    """True when the phrase is a start ("从…起", "自…开始"), not a deadline."""
    start = match.start()
    before = text[start - 1] if start else ""
    if before == "\n" and start >= 2:  # "$" also matches before a final line break
        before = text[start - 2]
    return before in _FROM or text.startswith(_STARTS, match.end())


def _policy_term(text: str, start: int) -> bool:
    """ "有效期至2030年7月31日": when the policy lapses, not a time limit on a task."""
    window = text[max(0, start - 8) : start + 1]
    at = window.rfind("有效期")
    return at >= 0 and _TERM_GAP.fullmatch(window, at + 3, len(window) - 1) is not None


_TERM_GAP = re.compile(r"(?:限)?\s*(?:为|是)?\s*(?:延长)?\s*(?:至|到|截至|截止)?\s*[:：]?\s*[至到]?")
_FROM = frozenset("从自")
_STARTS = ("起", "开始", "以来", "至今")


def _zh_range(m: re.Match[str], ctx: PlanContext, text: str) -> tuple[bool, dt.date | None]:
    year = _num(m.group("y2")) or _num(m.group("y1"))
    return True, _safe_date(year, _num(m.group("m2")), _num(m.group("d2")))


def _zh_full(m: re.Match[str], ctx: PlanContext, text: str) -> tuple[bool, dt.date | None]:
    if _zh_start(m, text) or _policy_term(text, m.start()):
        return False, None
    return True, _safe_date(_num(m.group("y")), _num(m.group("m")), _num(m.group("d")))


def _before_month(year: int | None, month: int | None) -> dt.date | None:
    """ "2024年6月前" is before June: the last day of May (LABELING: before a month, not in it)."""
    if year is None or month is None or not 1 <= month <= 12:
        return None
    return dt.date(year, month, 1) - dt.timedelta(days=1)


def _zh_month(m: re.Match[str], ctx: PlanContext, text: str) -> tuple[bool, dt.date | None]:
    if _zh_start(m, text) or _policy_term(text, m.start()):
        return False, None
    year, month = _num(m.group("y")), _num(m.group("m"))
    part = m.group("part") or ""
    if not part and m.group(0).rstrip().endswith("前"):
        return True, _before_month(year, month)
    day = {"上旬": 10, "中旬": 20}.get(part)
    return True, _safe_date(year, month, day)


def _zh_year_part(m: re.Match[str], ctx: PlanContext, text: str) -> tuple[bool, dt.date | None]:
    if _zh_start(m, text) or _policy_term(text, m.start()):
        return False, None
    year = _num(m.group("y"))
    part = m.group("part") or ""
    if year is None:
        return False, None
    if "上半年" in part:
        return True, dt.date(year, 6, 30)
    if "季度" in part:
        return True, _quarter_end(year, _quarter_number(part))
    return True, dt.date(year, 12, 31)


def _zh_before_year(m: re.Match[str], ctx: PlanContext, text: str) -> tuple[bool, dt.date | None]:
    year = _num(m.group("y"))
    return year is not None, dt.date(year - 1, 12, 31) if year else None


def _zh_to_year(m: re.Match[str], ctx: PlanContext, text: str) -> tuple[bool, dt.date | None]:
    if _policy_term(text, m.start()):
        return False, None
    year = _num(m.group("y"))
    return year is not None, dt.date(year, 12, 31) if year else None


_CLAUSE_OPENERS = frozenset("\n，,。；;：:、 \t（(）)于在到至")


def _zh_plain_month(m: re.Match[str], ctx: PlanContext, text: str) -> tuple[bool, dt.date | None]:
    if _zh_start(m, text):
        return False, None
    if not (m.group("d") or m.group("part") or m.group("before")):
        # A bare month is a schedule when it opens a clause ("3月，开展…", "于5月完成");
        # elsewhere ("3月份以来", "每年3月") it is not a promise.
        before = text[m.start() - 1] if m.start() > 0 else "\n"
        after = text[m.end() : m.end() + 2]
        if before not in _CLAUSE_OPENERS or after.startswith(("以来", "初", "至今")):
            return False, None
    part = m.group("part") or ""
    month = _num(m.group("m"))
    if not part and not m.group("d") and m.group("before"):
        return True, _before_month(ctx.year_of_month(month), month)
    day = _num(m.group("d")) or _PART_DAYS.get(part)
    return True, _safe_date(ctx.year_of_month(month), month, day)


#: The day a part of a month ends on (下旬, 底, 末 and 份: the month's last day).
_PART_DAYS = {"上旬": 10, "初": 10, "中旬": 20}


def _zh_relative_year(m: re.Match[str], ctx: PlanContext, text: str) -> tuple[bool, dt.date | None]:
    if _zh_start(m, text):
        return False, None
    year = ctx.year
    which = m.group("which") or ""
    if year is not None and which == "明年":
        year += 1
    part = m.group("part")
    if year is None:
        return True, None
    if part == "上半年":
        return True, dt.date(year, 6, 30)
    if "季度" in part:
        return True, _quarter_end(year, _quarter_number(part))
    return True, dt.date(year, 12, 31)


def _zh_after_issue(m: re.Match[str], ctx: PlanContext, text: str) -> tuple[bool, dt.date | None]:
    amount, unit = _num(m.group("n")), m.group("u")
    if ctx.issued is None or amount is None:
        return True, None
    if unit == "个月":
        return True, _add_months(ctx.issued, amount)
    if unit == "周":
        return True, ctx.issued + dt.timedelta(weeks=amount)
    return True, ctx.issued + dt.timedelta(days=amount)


def _undated(m: re.Match[str], ctx: PlanContext, text: str) -> tuple[bool, dt.date | None]:
    return True, None


def _en_prefix_blocked(m: re.Match[str], text: str) -> bool:
    """ "to be promulgated in the next year": the time belongs to another event."""
    before = text[max(0, m.start() - 40) : m.start()]
    return bool(re.search(r"\bto be \w+(?:ed|en)\s*$", before))


def _en_month(m: re.Match[str], ctx: PlanContext, text: str) -> tuple[bool, dt.date | None]:
    if _en_prefix_blocked(m, text):
        return False, None
    prep = (m.group("prep") or "").lower()
    year = _num(m.group("y"))
    if not prep and year is None:
        return False, None
    if prep in ("from", "since", "starting", "beginning"):
        return False, None
    month = MONTH_NUMBERS.get(m.group("mon").lower().rstrip(".")[:3]) or MONTH_NUMBERS.get(
        m.group("mon").lower().rstrip(".")
    )
    day = _num(m.group("d"))
    return True, _safe_date(year or ctx.year_of_month(month), month, day)


def _fiscal_year_end(ctx: PlanContext, fiscal_year: int) -> dt.date:
    """The last day of a fiscal year named by the year it ends in (US federal unless the
    plan says otherwise: "the City's fiscal year runs July 1 – June 30")."""
    start_month = ctx.start_month if ctx.fiscal else 10
    end_month = start_month - 1 or 12
    return _month_end(fiscal_year, end_month)


def _en_fiscal(m: re.Match[str], ctx: PlanContext, text: str) -> tuple[bool, dt.date | None]:
    years = [int(y) for y in re.findall(r"\d{2,4}", m.group(0))]
    if not years:
        return False, None
    year = max(years)
    if year < 100:
        year += 2000
    return True, _fiscal_year_end(ctx, year)


def _en_fiscal_end(m: re.Match[str], ctx: PlanContext, text: str) -> tuple[bool, dt.date | None]:
    """ "by the end of the fiscal year": the plan's own fiscal year."""
    if ctx.fiscal and ctx.period:
        return True, _fiscal_year_end(ctx, ctx.period[1])
    return True, _fiscal_year_end(ctx, ctx.year) if ctx.year else None


def _en_quarter(m: re.Match[str], ctx: PlanContext, text: str) -> tuple[bool, dt.date | None]:
    if _en_prefix_blocked(m, text):
        return False, None
    quarter = (
        _ORDINAL_QUARTERS.get((m.group("q") or "").lower()) or _num(m.group("qn") or m.group("qn2")) or 0
    )
    named_fy = m.group("fy")
    if (ctx.fiscal or named_fy) and 1 <= quarter <= 4:
        fiscal_year = _num(m.group("y2")) if named_fy else None
        if fiscal_year is not None and fiscal_year < 100:
            fiscal_year += 2000
        if not named_fy and (m.group("y") or m.group("y2")):
            return True, _quarter_end(_num(m.group("y")) or _num(m.group("y2")), quarter)
        if fiscal_year is None and ctx.period is None and ctx.year is None:
            return True, None
        end_year, end_month = ctx.fiscal_quarter_end(quarter, fiscal_year)
        return True, _month_end(end_year, end_month)
    year = _num(m.group("y")) or _num(m.group("y2")) or ctx.year
    return True, _quarter_end(year, quarter)


def _en_half(m: re.Match[str], ctx: PlanContext, text: str) -> tuple[bool, dt.date | None]:
    year = _num(m.group("y")) or ctx.year
    if year is None:
        return True, None
    return True, dt.date(year, 6, 30) if m.group("h").lower() == "first" else dt.date(year, 12, 31)


def _en_year_end(m: re.Match[str], ctx: PlanContext, text: str) -> tuple[bool, dt.date | None]:
    year = _num(m.group("y")) or ctx.year
    return True, dt.date(year, 12, 31) if year else None


def _horizon(ctx: PlanContext) -> tuple[int, int] | None:
    if ctx.period:
        return ctx.period[0] - 1, ctx.period[1] + 1
    if ctx.year:
        return ctx.year - 1, ctx.year + 2
    return None


def _en_bare_year(m: re.Match[str], ctx: PlanContext, text: str) -> tuple[bool, dt.date | None]:
    if _en_prefix_blocked(m, text):
        return False, None
    year = int(m.group("y"))
    prep = m.group("prep").lower()
    if prep in ("in", "during", "within"):
        horizon = _horizon(ctx)
        if horizon is None or not horizon[0] <= year <= horizon[1]:
            return False, None
    return True, dt.date(year, 12, 31)


def _en_next_years(m: re.Match[str], ctx: PlanContext, text: str) -> tuple[bool, dt.date | None]:
    if _en_prefix_blocked(m, text):
        return False, None
    count_text = (m.group("n") or "").lower()
    count = (
        1 if not count_text else (int(count_text) if count_text.isdigit() else _WORD_COUNTS.get(count_text))
    )
    if count is None:
        return False, None
    if ctx.period and ctx.period[1] > ctx.period[0]:
        return True, dt.date(min(ctx.period[0] + count, ctx.period[1]), 12, 31)
    if ctx.year is None:
        return True, None
    return True, dt.date(ctx.year + count - 1, 12, 31)


def _en_within(m: re.Match[str], ctx: PlanContext, text: str) -> tuple[bool, dt.date | None]:
    amount_text = m.group("n").lower()
    amount = int(amount_text) if amount_text.isdigit() else _WORD_COUNTS.get(amount_text)
    anchor = m.group("obj").lower()
    if (
        amount is None
        or ctx.issued is None
        or not re.search(r"issu|publicat|releas|approv|adopt|this plan|effective", anchor)
    ):
        return True, None
    unit = m.group("u").lower()
    if unit.startswith("hour"):
        return True, None  # a same-day response time, not a date
    if "day" in unit:
        return True, ctx.issued + dt.timedelta(days=amount)
    if unit.startswith("week"):
        return True, ctx.issued + dt.timedelta(weeks=amount)
    if unit.startswith("month"):
        return True, _add_months(ctx.issued, amount)
    return True, _add_months(ctx.issued, 12 * amount)


_ZH_START_PRE = r"(?P<pre>[从自到至于在截止])?"
_RULES: tuple[_Rule, ...] = (
    # 2019年1月1日至12月31日 / 2019年1月至2020年6月
    _Rule(
        re.compile(
            rf"(?P<y1>{_YEAR_AT})\s*年\s*(?P<m1>{_MON})\s*月\s*(?:(?P<d1>{_DAY})\s*日)?\s*(?:至|到|—|–|-|－|～|~)\s*"
            rf"(?:(?P<y2>{_YEAR})\s*年\s*)?(?P<m2>{_MON})\s*月\s*(?:(?P<d2>{_DAY})\s*日)?(?:底|末)?(?:前|止|之前)?"
        ),
        _zh_range,
        3,
        family="year",
    ),
    # 2023年1月15日前
    _Rule(
        re.compile(
            rf"(?P<y>{_YEAR_AT})\s*年\s*(?P<m>{_MON})\s*月\s*(?P<d>{_DAY})\s*[日号]\s*(?:之前|以前|前|止|截止)?"
        ),
        _zh_full,
        2,
        family="year",
    ),
    # 2019年12月底前 / 2019年6月中旬
    _Rule(
        re.compile(
            rf"(?P<y>{_YEAR_AT})\s*年\s*(?P<m>{_MON})\s*月\s*(?P<part>上旬|中旬|下旬|底|末|份)?\s*(?:之前|以前|前)?"
        ),
        _zh_month,
        2,
        family="year",
    ),
    # 2019年底前 / 2020年上半年 / 2019年第三季度末
    _Rule(
        re.compile(
            rf"(?P<y>{_YEAR_AT})\s*年\s*(?P<part>年?底|年?末|内|上半年|下半年|{_QUARTER}(?:末|底)?)\s*(?:之前|以前|前)?"
        ),
        _zh_year_part,
        2,
        family="year",
    ),
    # 2027年前 / 2030年以前: before a year is the last day of the year before
    _Rule(
        re.compile(rf"(?P<y>{_YEAR_AT})\s*年\s*(?:之前|以前|前)(?![0-9０-９])"),
        _zh_before_year,
        2,
        family="year",
    ),
    # 到2020年 / 至2025年
    _Rule(
        re.compile(rf"(?:到|至)\s*(?P<y>{_YEAR})\s*年(?![0-9０-９一二三四五六七八九十度内底末上下第])"),
        _zh_to_year,
        1,
        family="year",
    ),
    # 6月底前 / 12月31日前 / 9月中旬
    _Rule(
        re.compile(
            rf"(?P<m>{_MON_AT})\s*月\s*(?:(?P<d>{_DAY})\s*[日号])?\s*(?P<part>上旬|中旬|下旬|底|末|份|初(?!以来|至今))?"
            r"\s*(?P<before>之前|以前|前)?"
        ),
        _zh_plain_month,
        1,
        family="month",
    ),
    # 年底前 / 上半年 / 第一季度末 / 明年底
    _Rule(
        re.compile(
            r"(?<![0-9０-９一二三四五六七八九十两上去前每])(?P<which>明年|今年|当年|本年度?)?"
            rf"(?P<part>年底|年末|年内|上半年|下半年|{_QUARTER}(?:末|底)?)(?:之前|以前|前)?"
        ),
        _zh_relative_year,
        1,
        family="rel",
        # 明年/本年度 end in 年 at +1 or +2, 上半年 has 年 at +2, 第一季度 季 at +2.
        anchor=re.compile(r"[年季]"),
        back=2,
    ),
    # 在本意见印发之日起30日内
    _Rule(
        re.compile(
            r"[在自于本](?:(?<=[在自于])本|(?<=本))(?:意见|方案|通知|计划|办法|文件|规划|决定|细则)?(?:印发|发布|出台|下发|实施|施行)(?:之日)?"
            r"(?:起|后)\s*(?P<n>[0-9０-９]+|[一二三四五六七八九十]+)\s*(?P<u>日|天|个工作日|个月|周)(?:内|以内)"
        ),
        _zh_after_issue,
        3,
        family="issue",
    ),
    # 每季度最后一个月的30日前: a recurring due date
    _Rule(
        re.compile(
            rf"每(?:年|季度|季|个?月|周|半年)(?:[^。；;，,\n]{{0,12}}?(?P<d>{_DAY})\s*[日号]\s*(?:之前|以前|前)|[末底](?:之前|以前|前)?)"
        ),
        _undated,
        4,
        family="every",
    ),
    # A long-running schedule stands as a time expression: it ends its clause ("持续推进。",
    # "（长期坚持）", "时限：常态化开展") or is a bracketed word ("（长期）"); "持续推进…建设" is a verb.
    _Rule(
        re.compile(
            r"(?:长期坚持|持续推进|持续开展|长期开展|长期推进|持续实施|常态化推进|常态化开展|常态开展|长期有效)"
            r"(?=\s*(?:[。；;，,）)\n]|$))|(?<=[（(])(?:长期|持续|常态化)(?=[）)])"
        ),
        _undated,
        1,
        family="long",
    ),
    # A limit counted from each case ("5个工作日内办结") or an event ("开学前"): no date.
    _Rule(
        re.compile(
            r"[0-9０-９一二三四五六七八九十两](?:(?<=[0-9０-９])[0-9０-９]{0,2}|(?<=[一二三四五六七八九十两])[一二三四五六七八九十两]{0,2})"
            r"\s*个?(?:工作日|日|天|小时|周|个月)(?:以内|内)"
        ),
        _undated,
        1,
        family="limit",
    ),
    # A time span counted from the plan's start ("5年内", "2—3年内", "用3个月左右时间",
    # "再用半年左右时间"): a deadline, not dated (the start is rarely a day).
    _Rule(
        re.compile(
            r"(?:(?<=[，,。；;：:\n（(.、在于争再用])|^)(?:[0-9０-９]{1,2}|[一二三四五六七八九十两])(?:\s*[—\-–～~至到]\s*(?:[0-9０-９]{1,2}|[一二三四五六七八九十两]))?"
            r"\s*年(?:以内|内)(?![容外])|"
            r"(?<=用)\s*(?:[0-9０-９]{1,2}|[一二三四五六七八九十两]|半)\s*个?(?:年|月|周|天)(?:左右)?(?:的)?时间"
        ),
        _undated,
        1,
        family="span",
    ),
    _Rule(
        re.compile(
            r"(?:秋季开学|春季开学|开学|期末|期中|寒假|暑假|放假|春节|元旦|国庆节?|中秋节?|汛期|重大节假日|节假日)(?:之前|前)"
        ),
        _undated,
        1,
        family="event",
    ),
    # 2022-06-30 / 2022/6/30 / 2022.6.30
    _Rule(
        re.compile(
            r"(?P<y>[12](?<![0-9][12])(?:(?<=1)9|(?<=2)0)[0-9]{2})(?P<s>[-/.])(?P<m>1[0-2]|0?[1-9])(?P=s)(?P<d>3[01]|[12][0-9]|0?[1-9])(?![0-9])"
        ),
        lambda m, ctx, text: (True, _safe_date(_num(m.group("y")), _num(m.group("m")), _num(m.group("d")))),
        2,
        family="iso",
    ),
    # English
    _Rule(
        re.compile(
            r"\b(?:(?P<prep>[Bb]y|[Bb]efore|[Nn]o later than|[Uu]ntil|[Ii]n|[Dd]uring|[Ff]rom|[Ss]ince|[Ss]tarting)\s+)?"
            rf"(?:the\s+end\s+of\s+)?(?:(?P<mon>{_EN_MONTHS})(?:\s+(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?\b)?"
            rf"(?:,?\s+(?P<y>(?:19|20)[0-9]{{2}}))?)(?![A-Za-z])"
        ),
        _en_month,
        2,
        family="mon",
    ),
    _Rule(
        re.compile(
            r"\b(?:(?P<prep>[Bb]y|[Bb]efore|[Nn]o later than|[Uu]ntil|[Ii]n|[Dd]uring)\s+)?"
            rf"(?P<d>[0-9]{{1,2}})\s+(?P<mon>{_EN_MONTHS})(?:,?\s+(?P<y>(?:19|20)[0-9]{{2}}))?(?![A-Za-z])"
        ),
        _en_month,
        2,
        family="mon",
    ),
    _Rule(
        re.compile(
            r"\b(?:(?:by|before|at)\s+)?(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?:fiscal|financial|budget)\s+year\b",
            re.IGNORECASE,
        ),
        _en_fiscal_end,
        3,
        family="fiscal",
    ),
    _Rule(
        re.compile(
            r"\b(?:(?:[Bb]y|[Bb]efore|[Ii]n|[Dd]uring|[Ww]ithin|[Ff]or)\s+)?(?:the\s+end\s+of\s+)?(?:the\s+)?"
            r"(?:(?:[Ff]iscal\s+[Yy]ear|FY)\s*(?:19|20)?[0-9]{2}|(?:19|20)[0-9]{2}\s+[Ff]iscal\s+[Yy]ear)"
            r"(?:\s*(?:,|and|or|&)\s*(?:(?:[Ff]iscal\s+[Yy]ear|FY)\s*(?:19|20)?[0-9]{2}))*\b"
        ),
        _en_fiscal,
        3,
        family="fiscal",
    ),
    _Rule(
        re.compile(
            r"\b(?:(?:[Bb]y|[Ii]n|[Dd]uring|[Bb]efore)\s+)?(?:the\s+end\s+of\s+)?(?:the\s+)?"
            r"(?:(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter|quarter\s+(?P<qn2>[1-4]))"
            r"(?:\s+of\s+(?:(?P<y>(?:19|20)[0-9]{2})|the\s+year|this\s+year))?"
            r"|\bQ(?P<qn>[1-4])(?:\s*(?:of\s+)?(?P<fy>FY\s?)?(?P<y2>(?:19|20)?[0-9]{2})\b)?",
            re.IGNORECASE,
        ),
        _en_quarter,
        3,  # "Q3 FY2026" is a quarter, not the whole fiscal year it names
        family="quarter",
    ),
    _Rule(
        re.compile(
            r"\b(?:in|during|by the end of|by|before)\s+the\s+(?P<h>first|second)\s+half\s+of\s+"
            r"(?:the\s+year|this\s+year|(?P<y>(?:19|20)[0-9]{2}))",
            re.IGNORECASE,
        ),
        _en_half,
        2,
        family="half",
    ),
    _Rule(
        re.compile(
            r"\b(?:by|before)\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+|this\s+)?(?:calendar\s+)?(?:year|(?P<y>(?:19|20)[0-9]{2}))|"
            r"year[- ]end)\b|\bwithin\s+the\s+year\b",
            re.IGNORECASE,
        ),
        _en_year_end,
        2,
        family="yearend",
    ),
    _Rule(
        re.compile(
            r"\b(?P<prep>[Bb]y|[Bb]efore|[Ii]n|[Dd]uring|[Ww]ithin)\s+(?P<y>(?:19|20)[0-9]{2})\b(?!\s*[-–—]|\s+[Ff]iscal)"
        ),
        _en_bare_year,
        1,
        family="eyear",
    ),
    _Rule(
        re.compile(
            r"\b(?:[Ii]n|[Oo]ver|[Ww]ithin|[Dd]uring|[Ff]or)\s+the\s+(?:next|coming|following)\s+"
            r"(?:(?P<n>[0-9]{1,2}|two|three|four|five|six|seven|eight|nine|ten)\s+years|year|twelve\s+months|12\s+months)\b"
        ),
        _en_next_years,
        2,
        family="next",
    ),
    # "for the next six months", "over the next 8 weeks": a span from the start, undated
    _Rule(
        re.compile(
            r"\b(?:[Ii]n|[Oo]ver|[Ww]ithin|[Dd]uring|[Ff]or)\s+the\s+(?:next|coming|following)\s+"
            r"(?:[0-9]{1,2}|two|three|four|five|six|seven|eight|nine|ten|twelve|eighteen)\s+(?:months|weeks|days)\b"
        ),
        _undated,
        1,
        family="next",
    ),
    _Rule(
        re.compile(
            r"\bwithin\s+(?P<n>[0-9]{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|thirty|sixty|ninety)\s+"
            r"(?P<u>hours?|(?:working |business )?days?|weeks?|months?|years?)"
            r"(?:\s+(?:of|after|from)\s+(?P<obj>[^,.;:]{0,40}))?",
            re.IGNORECASE,
        ),
        lambda m, ctx, text: _en_within(m, ctx, text) if m.group("obj") else (True, None),
        2,
        family="within",
    ),
    _Rule(
        re.compile(r"\bas soon as (?:possible|practicable|feasible)\b|\bASAP\b", re.IGNORECASE),
        _undated,
        1,
        family="soon",
    ),
)


def excel_serial(content: str) -> dt.date | None:
    """A date a spreadsheet shows as its serial number ("44626", a date cell formatted as
    General): days since 1899-12-30, read for the years 1955 to 2119 only."""
    if not (content.isascii() and content.isdigit() and len(content) == 5):
        return None
    days = int(content)
    if not _SERIAL_MIN <= days <= _SERIAL_MAX:
        return None
    return _SERIAL_EPOCH + dt.timedelta(days=days)


def _stripped(text: str, cell: Span) -> Span:
    start, end = cell.start, cell.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


_SERIAL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 20090, 80000  # 1955-01-01 .. 2119-01-08
_CELL_UNDATED = re.compile(
    r"^(?:长期|持续|常年|全年|长期坚持|持续推进|ongoing|continuous|continuing|on-?going|as needed)", re.I
)
_CELL_MONTH = re.compile(rf"^(?P<m>{_MON})\s*月份?$")


def _day_month_date(found: re.Match[str], ctx: PlanContext) -> dt.date | None:
    """The date of a ``_CELL_DAY_MONTH`` match, in the plan's year where it names none."""
    month_name = found.group("mon") or found.group("mon2") or ""
    month = MONTH_NUMBERS.get(month_name.lower().rstrip(".")[:3])
    day = _num(found.group("d") or found.group("d2"))
    year = _num(found.group("y") or found.group("y2")) or (ctx.year_of_month(month) if month else None)
    return _safe_date(year, month, day)


_ORDINAL_DAY = r"(?:3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?"
_CELL_DAY_MONTH = re.compile(
    rf"^(?:{_ORDINAL_DAY}\s*(?:-|–|—|to)\s*)?(?P<d>3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?\s+(?P<mon>{_EN_MONTHS})"
    rf"(?:,?\s+(?P<y>(?:19|20)[0-9]{{2}}))?$"
    rf"|^(?P<mon2>{_EN_MONTHS})\s+(?:{_ORDINAL_DAY}\s*(?:-|–|—|to)\s*)?(?P<d2>3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?"
    rf"(?:,?\s+(?P<y2>(?:19|20)[0-9]{{2}}))?$",
    re.IGNORECASE,
)
_CELL_YEAR = re.compile(rf"^(?P<y>{_YEAR})\s*年?$")


@dataclass(slots=True)
class _Found:
    start: int
    end: int
    date: dt.date | None
    priority: int


_CJK = re.compile(r"[\u4e00-\u9fff]")
# Which rule families can match a region at all: substring tests are far cheaper than one
# more regex pass, and most paragraphs hold no deadline. Chinese regions are read with the
# Chinese rules (and ISO dates), other regions with the English ones.
# (family, characters one of which must occur, words one of which must occur if given).
_Cue = tuple[str, frozenset[str], tuple[str, ...]]
_ZH_CUES: tuple[_Cue, ...] = (
    ("year", frozenset("年"), ()),
    ("month", frozenset("月"), ()),
    ("rel", frozenset("季年"), ("季度", "半年", "年底", "年末", "年内")),
    ("issue", frozenset("印发出下实施"), ("印发", "发布", "出台", "下发", "实施", "施行")),
    ("every", frozenset("每"), ()),
    ("long", frozenset("长持常"), ("长期", "持续", "常态")),
    (
        "limit",
        frozenset("内"),
        ("日内", "天内", "时内", "周内", "月内", "日以内", "天以内", "时以内", "月以内"),
    ),
    ("span", frozenset("内间"), ("年内", "年以内", "时间")),
    (
        "event",
        frozenset("前汛"),
        ("学前", "末前", "中前", "假前", "节前", "旦前", "庆前", "秋前", "期前", "汛期"),
    ),
    ("iso", frozenset("-/."), ()),
)
_EN_CUES: tuple[_Cue, ...] = (
    (
        "mon",
        frozenset("JFMASOND"),
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    ),
    ("fiscal", frozenset("iFn"), ("iscal", "FY", "inancial year", "udget year")),
    ("quarter", frozenset("uQ"), ("uarter", "Q1", "Q2", "Q3", "Q4")),
    ("half", frozenset("h"), ("half",)),
    ("yearend", frozenset("e"), ("end", "within the year")),
    ("eyear", frozenset("12"), ("19", "20")),
    ("next", frozenset("nc"), ("next", "coming", "following")),
    ("within", frozenset("wW"), ("within", "Within")),
    ("soon", frozenset("sAa"), ("soon", "ASAP", "asap")),
    ("iso", frozenset("-/."), ()),
)
_ZH_GATE = re.compile(r"[年月季印发出下实施每长持常内前汛间\-/.]")
_NEED_DIGIT = frozenset(("year", "iso", "eyear"))
_DIGIT = re.compile(r"[0-9０-９]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _families(region: str, present: set[str], cues: tuple[_Cue, ...]) -> set[str]:
    families: set[str] = set()
    for family, gates, words in cues:
        if present.isdisjoint(gates):
            continue
        if words:
            for word in words:
                if word in region:
                    families.add(family)
                    break
        else:
            families.add(family)
    return families


def _candidates(text: str, start: int, end: int, ctx: PlanContext) -> list[_Found]:
    found: list[_Found] = []
    region = text[start:end]
    if _CJK.search(region):
        families = _families(region, set(_ZH_GATE.findall(region)), _ZH_CUES)
        rules = _ZH_RULES
    else:
        families = _families(region, set(region), _EN_CUES)
        rules = _EN_RULES
    if not families:
        return found
    if not _DIGIT.search(region):
        families -= _NEED_DIGIT
    for rule in _rules_for(rules is _ZH_RULES, frozenset(families)):
        matches = (
            _anchored(rule.pattern, rule.anchor, rule.back, text, start, end)
            if rule.anchor is not None
            else rule.pattern.finditer(text, start, end)
        )
        for match in matches:
            lead, stop = match.span()
            if stop <= lead:
                continue
            keep, date = rule.resolve(match, ctx, text)
            if keep:
                while lead < stop and text[lead].isspace():
                    lead += 1
                found.append(_Found(lead, stop, date, rule.priority))
    return found


@lru_cache(maxsize=512)
def _rules_for(chinese: bool, families: frozenset[str]) -> tuple[_Rule, ...]:
    """The rules of the language whose cue is among ``families``, in order (a region's few
    families recur all through a plan)."""
    return tuple(rule for rule in (_ZH_RULES if chinese else _EN_RULES) if rule.family in families)


# The rules each language's cues can select, in _RULES order.
_ZH_RULES = tuple(rule for rule in _RULES if rule.family in {cue[0] for cue in _ZH_CUES})
_EN_RULES = tuple(rule for rule in _RULES if rule.family in {cue[0] for cue in _EN_CUES})


def _resolve(found: list[_Found]) -> list[_Found]:
    if len(found) < 2:
        return found
    ordered = sorted(found, key=lambda f: (-f.priority, -(f.end - f.start), f.start))
    return keep_disjoint(ordered)


def extract_deadlines(text: str, regions: list[Span], ctx: PlanContext) -> list[Deadline]:
    """Deadlines stated in ``regions`` of ``text``, dates resolved with ``ctx``.

    A labelled field ("完成时限：长期", "Deadline: ongoing") is a deadline whatever it says,
    like a table's deadline column.
    """
    deadlines: list[Deadline] = []
    for region in regions:
        if region.end <= region.start:
            continue
        found_here: list[Deadline] = []
        for found in _resolve(_candidates(text, region.start, region.end, ctx)):
            end = found.end
            while end > found.start and text[end - 1].isspace():
                end -= 1
            found_here.append(
                Deadline(text=text[found.start : end], span=Span(found.start, end), date=found.date)
            )
        if _FIELD_GATE.search(text, region.start, region.end):
            for field in _FIELD.finditer(text, region.start, region.end):
                stop = _FIELD_END.search(text, field.end(), region.end)
                value = Span(field.end(), stop.start() if stop else region.end)
                while value.end > value.start and text[value.end - 1].isspace():
                    value.end -= 1
                if value.end > value.start and not any(
                    d.span.start < value.end and value.start < d.span.end for d in found_here
                ):
                    found_here.extend(extract_deadline_cell(text, value, ctx))
        if len(found_here) > 1:
            found_here.sort(key=lambda d: d.span.start)
        deadlines.extend(found_here)
    return deadlines


# Every _FIELD match ends in one of these words and a colon: a cheap, exact pre-test (its
# alternatives all begin with a plain character, so the engine skips ahead between them).
_FIELD_GATE = re.compile(r"(?:时限|时间|节点|要求|安排|日期|line|frame|Date|date|Due|due)\s*[:：]")
_FIELD = re.compile(
    r"(?:完成时限|完成时间|时间节点|时限要求|时间要求|进度安排|截止时间|截止日期|"
    r"\b(?:[Dd]eadline|[Dd]ue(?:\s+[Dd]ate)?|[Tt]imeline|[Tt]ime\s?frame|[Tt]arget\s+[Dd]ate|[Cc]ompletion\s+[Dd]ate))"
    r"\s*[:：]\s*"
)
_FIELD_END = re.compile(
    r"[。；;\n]|\.(?:\s|$)|\s{2,}|(?:牵头|责任|配合|协办)(?:单位|部门)|\b(?:Lead|Responsible|Cooperating)\b"
)


_RANGE_JOIN = re.compile(r"\s*(?:至|到|~|～|-|—|–|－|to|until|through)\s*", re.IGNORECASE)


def extract_deadline_cell(text: str, cell: Span, ctx: PlanContext) -> list[Deadline]:
    """A table's deadline column: whatever it says is the deadline, dated where possible."""
    found = extract_deadlines(text, [cell], ctx)
    if len(found) == 2 and _RANGE_JOIN.fullmatch(text, found[0].span.end, found[1].span.start):
        # "6月下旬至7月初": a range of dates in a deadline cell is due on its last date
        first, last = found
        span = Span(first.span.start, last.span.end)
        return [Deadline(text=text[span.start : span.end], span=span, date=last.date)]
    if found:
        return found
    content = text[cell.start : cell.end].strip()
    if not content:
        return []
    if serial := excel_serial(content):
        return [Deadline(text=content, span=_stripped(text, cell), date=serial)]
    if day_month := _CELL_DAY_MONTH.match(content):
        # "15th Sept", "Oct 3", "22nd - 23rd Sept": a schedule's day, in the plan's year (a
        # range is due on its last day); in prose such a bare day is not read as a deadline.
        return [Deadline(text=content, span=_stripped(text, cell), date=_day_month_date(day_month, ctx))]
    year = _CELL_YEAR.match(content)
    date = dt.date(int(ascii_digits(year.group("y"))), 12, 31) if year else None
    month = _CELL_MONTH.match(content)
    if month and ctx.year:
        date = _safe_date(ctx.year, _num(month.group("m")), None)
    if date is None and not _CELL_UNDATED.match(content) and parse_number(content) is not None:
        return []
    return [Deadline(text=text[cell.start : cell.end], span=Span(cell.start, cell.end), date=date)]
