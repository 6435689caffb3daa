"""Page furniture: what a page carries that is not the plan -- breadcrumbs, "recommended
articles", 索引号 lines, document numbers, signatures and dates, page numbers, notes.
"""

from __future__ import annotations

import datetime as dt
import re

from workplan.parsing.promises.numerals import MONTH_NUMBERS
from workplan.parsing.structure.grammar import DIG, numeral_value
from workplan.parsing.structure.text import SPACES, TITLE_PUNCT, is_cjk_text

_PAGE_NUMBER = re.compile(
    r"^[-—–_\s]*(?:第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d{1,4}|[Pp]age\s+\d+(?:\s+of\s+\d+)?|\d+\s*/\s*\d+)[-—–_\s]*$"
)
_BREADCRUMB_SPLIT = re.compile(r"\s*(?:>|»|＞|›|→)\s*")
_CHROME = re.compile(
    r"^(?:recommended|popular|related|latest|previous|next|more|hot)\s+(?:articles?|posts?|news|reading|links?|stories)"
    r"|^(?:share(?: this(?: page)?)?|print|close|back to top|return to top|top|print this page|close window|"
    r"email this page|skip to (?:main )?content|contact us|sitemap|site map|privacy(?: policy)?|terms of use|"
    r"accessibility|cookies?(?: policy)?)$"
    r"|^[【\[]?(?:上一篇|下一篇|相关文章|相关阅读|相关链接|推荐阅读|推荐文章|热门文章|热门推荐|精彩推荐|猜你喜欢|延伸阅读|"
    r"打印本页|关闭窗口|打印|关闭|分享到|扫一扫|字号|字体|返回顶部|当前位置|您的位置|您现在的位置|责任编辑|网站地图|联系我们)",
    re.IGNORECASE,
)
_META_KEYS = re.compile(
    r"^(?:索引号|发文日期|成文日期|发布日期|发布时间|更新时间|更新日期|印发日期|发布机构|发文机关|发文机构|文号|发文字号|主题分类|主题词|"
    r"公文种类|有效性|分类|来源|作者|浏览次数|点击数|阅读次数|信息来源|时间|日期)[:：]?"
)
_VERSION = re.compile(r"^(?:version|draft|revision|rev\.?|v)\s*\d+(?:\.\d+)*\b.{0,40}$", re.IGNORECASE)
_EN_META = re.compile(
    r"^(?:source|author|posted|published|updated|date|views|tags|category|filed under)\s*[:：]", re.IGNORECASE
)
_TIMESTAMP = re.compile(r"^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_DOC_NUMBER = re.compile(r"^[^\s，。,]{1,16}[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*(?:第\s*)?\d+\s*号$")
_ATTACHMENT = re.compile(
    r"^(?:附件|附表|Attachments?|Annex(?:es)?)\s*[0-9０-９一二三四五六七八九十]*\s*(?:[:：]?\s*$|[:：].{1,80}$)",
    re.IGNORECASE,
)
# Headers of link lists on web pages: the short lines that follow them are links, not items.
LIST_HEADER = re.compile(
    r"^[【\[]?(?:相关链接|相关文章|相关阅读|相关信息|推荐阅读|推荐文章|热门文章|延伸阅读|猜你喜欢|精彩推荐|热门推荐|"
    r"(?:related|recommended|popular|latest|more)\s+(?:articles?|posts?|links?|news|reading|stories))",
    re.IGNORECASE,
)
# A note under a table ("注：各责任单位每季度末报送进展情况。", "Note: figures are provisional")
# and the form's sign-off lines ("填表人：", "联系电话：").
TABLE_NOTE = re.compile(
    r"^[（(]?(?:注|备注|说明|附注|注释|填表人|填报人|制表人|审核人|联系人|联系电话|填报单位|填报日期|"
    r"notes?|n\.\s?b\.)\s*[0-9一二三四五六七八九十]*\s*[)）]?\s*[:：]",
    re.IGNORECASE,
)
# "（责任单位：区发展改革委、区建管委）" on a line of its own names the task's owners: not a note.
_OWNERS = re.compile(
    r"(?:责任|牵头|配合|协办|主办|承办|参与|实施)(?:单位|部门|处室|科室)|负责|牵头|配合|"
    r"\b(?:lead|responsible|owner|partners?)\b",
    re.IGNORECASE,
)
_PUBLICATION_NOTE = re.compile(r"^[（(](?:此件|此页|本件|本文)[^）)]{0,12}[）)]$")
# A short line wholly in brackets: "（2024年1月10日）", "（征求意见稿）", "(Draft)".
_BRACKETED_NOTE = re.compile(r"^[（(][^（）()]{1,60}[）)]$")
_FOOTER = re.compile(
    r"^(?:抄送|抄报|主送)[:：]|印发$|^(?:copyright|©|版权所有)|ICP备|网站标识码|公网安备|版权所有|技术支持[:：]|"
    r"all rights reserved|©\s*\d{4}",
    re.IGNORECASE,
)
_ZH_DATE_LINE = re.compile(
    rf"^(?:\d{{4}}|[零〇○一二三四五六七八九]{{4}})\s*年\s*(?:{DIG}|[一二三四五六七八九十]{{1,3}})\s*月"
    rf"\s*(?:{DIG}|[一二三四五六七八九十]{{1,3}})\s*日$"
)
_EN_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_EN_DATE_LINE = re.compile(
    rf"^(?:(?:{_EN_MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+(?:{_EN_MONTHS})\.?,?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})$",
    re.IGNORECASE,
)
DATE_PARTS = re.compile(
    r"(\d{4}|[零〇○一二三四五六七八九]{4})\s*年\s*([0-9]+|[一二三四五六七八九十]+)\s*月\s*([0-9]+|[一二三四五六七八九十]+)"
)
_EN_DATE_PARTS = re.compile(
    rf"(?:({_EN_MONTHS})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})|(\d{{1,2}})\s+({_EN_MONTHS})\.?,?\s+(\d{{4}}))", re.I
)
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# A footnote a PDF or Word file prints under the text: a small number, then a web address or a
# citation ("1 Performance.gov/…", "2 See the 2019 review.", "3 https://…", "4 Source: …").
_FOOTNOTE = re.compile(
    r"^\d{1,2}\s*(?:https?://|www\.|[\w-]+(?:\.[\w-]+)*\.(?:gov|org|com|edu|net|int|mil|io|uk|cn)(?:/|\b)|"
    r"(?:See|Ibid|Cf)\b|(?:Sources?|Available at|Retrieved from)\s*:|注[:：]|资料来源)",
    re.IGNORECASE,
)


def furniture_kind(text: str) -> str | None:
    """What kind of page furniture a line is ("page", "breadcrumb", "meta", ...), or None.

    Cheap tests on the first character and the length come first: most lines are content,
    and this runs on every line of the document.
    """
    stripped = text.strip()
    if not stripped or len(stripped) > 150:  # furniture is short; body paragraphs are not
        return None
    first = stripped[0]
    if len(stripped) <= 24 and _PAGE_NUMBER.match(stripped):
        return "page"
    if len(stripped) <= 40 and _CHROME.match(stripped):
        return "chrome"
    if _BREADCRUMB_MARK.search(stripped):
        parts = [p for p in _BREADCRUMB_SPLIT.split(stripped) if p]
        if len(parts) >= 2 and all(
            len(p) <= 40 and len(p.split()) <= 6 and not TITLE_PUNCT.search(p) for p in parts
        ):
            return "breadcrumb"
    compact = SPACES.sub("", stripped) if first in _META_FIRST or first.isascii() else stripped
    if first == "*" and compact.startswith("**"):
        compact = compact.replace("**", "")  # "**更新时间**: 2026-01-26", as a crawler wrote it
    if "。" not in compact and (
        _META_KEYS.match(compact) or (first in _EN_META_FIRST and _EN_META.match(stripped))
    ):
        return "meta"
    if len(stripped) <= 50 and _VERSION.match(stripped):
        return "meta"
    if compact.endswith("号") and _DOC_NUMBER.match(compact):
        return "doc_number"
    if first in "附AaＡ" and _ATTACHMENT.match(stripped):
        return "attachment"
    if (
        first in "（("
        and (_PUBLICATION_NOTE.match(compact) or _BRACKETED_NOTE.match(stripped))
        and not _OWNERS.search(stripped)
    ):
        return "note"
    if (compact[:1] in _FOOTER_FIRST or _FOOTER_GATE.search(compact)) and _FOOTER.search(compact):
        return "footer"
    if (first.isdigit() or first in "〇○零一二") and compact.endswith("日") and _ZH_DATE_LINE.match(compact):
        return "date"
    if stripped[-1].isdigit() and _EN_DATE_LINE.match(stripped):  # it ends in a \d
        return "date"
    if first.isdigit() and _FOOTNOTE.match(stripped):
        return "note"
    if (
        first.isdigit()
        and len(compact) <= 60
        and _TIMESTAMP.match(compact)
        and not TITLE_PUNCT.search(stripped)
    ):
        return "meta"
    return None


# Every _FOOTER match starts with 抄 or 主 or holds one of these characters (case-folded as
# _FOOTER does): an exact pre-test that spares most lines the full search.
_FOOTER_FIRST = frozenset("抄主")
_FOOTER_GATE = re.compile(r"[印Yy©版备码Vv技]")
_BREADCRUMB_MARK = re.compile(r"[>»＞›→]")
# The first letters of _EN_META's keys, as IGNORECASE matches them (ſ is a long s).
_EN_META_FIRST = frozenset("sSſaApPuUdDvVtTcCfF")
_META_FIRST = frozenset("索发成印文主公有分来作浏点阅信时日标更")


def parse_date_line(text: str) -> dt.date | None:
    """The date a date line states ("2018年11月16日", "November 16, 2018", "2023-01-03")."""
    match = DATE_PARTS.search(text)
    try:
        if match:
            year = numeral_value(match.group(1)) if not match.group(1).isdigit() else int(match.group(1))
            month, day = numeral_value(match.group(2)), numeral_value(match.group(3))
            if year and month and day:
                return dt.date(year, month, day)
        en = _EN_DATE_PARTS.search(text)
        if en:
            if en.group(1):
                return dt.date(int(en.group(3)), MONTH_NUMBERS[en.group(1).lower()], int(en.group(2)))
            return dt.date(int(en.group(6)), MONTH_NUMBERS[en.group(5).lower()], int(en.group(4)))
        iso = ISO_DATE.search(text)
        if iso:
            return dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    except (ValueError, KeyError):
        return None
    return None


def looks_like_signature(text: str) -> bool:
    """A short line naming an organisation (just before a date line)."""
    stripped = text.strip()
    if not stripped or TITLE_PUNCT.search(stripped) or stripped[-1] in ":：,，":
        return False
    if is_cjk_text(stripped):
        return len(stripped) <= 30 and "，" not in stripped
    return len(stripped.split()) <= 10
