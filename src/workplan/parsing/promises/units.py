"""Units: who owns an item -- lead, responsible and cooperating organisations.

Three ways a plan says it: a labelled field ("牵头单位：市民政局", "Lead: Municipal Office"),
an attribution in brackets after the item ("（人力资源社会保障部、财政部负责）" -- the first
named unit leads, as State Council documents declare: "列第一位者为牵头单位"; or "（X牵头，
Y配合）"), and a table column (see ``structure``). A Chinese list of units is split on
、，,；; (never on 和, which is part of many names); an English one on ; 、 ， and line
breaks, and on "and", "&" or "," only where every part names a unit on its own ("Chengguan
Town, Xinhe Town and Dongshan Town", but not "Ethnic and Religious Affairs Section").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from workplan.parsing.result import Span, UnitMention, UnitRole

_ZH_LABELS = (
    ("主责单位|牵头", "lead"),
    ("责任主体|承办单位|实施单位|负责单位", "responsible"),
    ("协助单位|配合", "cooperating"),
)
# A role word and an organisation word make a field's key: 牵头处室, 责任股室, 协办单位, ...
_ZH_ROLE_WORDS: dict[str, UnitRole] = {
    "牵头": "lead",
    "主办": "lead",
    "责任": "responsible",
    "配合": "cooperating",
    "协办": "cooperating",
    "参与": "cooperating",
}
_ZH_ORG_WORDS = "单位|部门|处室|科室|股室|机构"
_ZH_LABEL_KEYS = [role + org for role in _ZH_ROLE_WORDS for org in _ZH_ORG_WORDS.split("|")]
_ZH_LABEL_KEYS += ["主责单位", "责任主体", "承办单位", "实施单位", "负责单位", "协助单位"]
# A flat list of keys: the regex engine finds a literal alternation's first characters faster
# than a nested (role)(organisation) group.
_ZH_LABEL = re.compile(rf"(?P<label>{'|'.join(_ZH_LABEL_KEYS)})\s*[:：]\s*")
_ZH_LIST_END = re.compile(r"[。；;\n）)】]")
_EN_LABEL = re.compile(
    r"\b(?P<label>Lead(?:\s+(?:unit|units|agency|agencies|department|office|organi[sz]ation|ministry))?|"
    r"Responsible(?:\s+(?:unit|units|department|departments|party|parties|office|agency|agencies))?|"
    r"Cooperating(?:\s+(?:unit|units|department|departments|agency|agencies))?|"
    r"Supporting(?:\s+(?:unit|units|department|departments|agency|agencies))?|Supported\s+by|(?<![A-Za-z]\s)Support|Owner|Owners|Partners?)"
    r"\s*[:：]\s*",
    re.IGNORECASE,
)
_EN_LIST_END = re.compile(r"[.;\n)\]]")
# "Partners: Police Department; Planning and Community Development": a ";" goes on with the
# list when a name follows it (capitalised, no field key "Deadline:" of its own).
_EN_SEMI_GOES_ON = re.compile(r"\s*(?:the\s+)?[A-Z][^:：;.\n()\[\]]*(?:[;.\n)\]]|$)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ZH_LABEL_HINT = re.compile(r"单位|部门|主体|处室|科室|股室|机构")
_LATIN = re.compile(r"[A-Za-z]")  # an even cheaper pre-test: the hint needs a Latin letter
_EN_LABEL_HINT = re.compile(r"lead|responsib|cooperat|support|owner|partner", re.IGNORECASE)  # cheap pre-test
# One level of nesting is allowed inside: "（各县（市、区）人民政府负责）".
_BRACKET = re.compile(r"[（(](?P<inner>(?:[^（）()\n]|[（(][^（）()\n]{0,20}[）)]){2,160})[）)]")
# Role verbs, in Simplified and Traditional script (牽頭, 負責, 參與 …), with the words plans
# put around them: 牵头负责 (lead), 组织落实 / 按职责分工负责落实 (responsible), 按职责组织配合
# (cooperating); 指导 (guides) reads as 牵头.
_ROLE_VERB = re.compile(
    r"[牵牽][头頭](?:[负負][责責])?(?:落[实實])?|指[导導](?![\u4e00-\u9fff])|"
    r"(?:按职责(?:分工)?)?(?:组织|協同|协同|积极|積極)?(?:配合|[参參][与與]|[协協]助|[协協][办辦])|"
    r"(?:按职责(?:分工)?)?(?:分别|分別|共同|组织|組織|抓好|具体|具體)?(?:[负負][责責](?:落[实實])?|落[实實])"
)
# A bracket names units only in a clause that ends in a role verb, right before the
# bracket closes or a 。；; ends the clause: an exact pre-test for _bracket_units.
_BRACKET_GATE = re.compile(  # literal words: much faster to scan for than character classes
    r"(?:负责|負責|牵头|牽頭|指导|指導|配合|参与|參與|协助|協助|协办|協辦|落实|落實)\s*[）)。；;]"
)
# how every _ROLE_VERB ends
_ROLE_VERBS = (
    "负责",
    "負責",
    "落实",
    "落實",
    "牵头",
    "牽頭",
    "指导",
    "指導",
    "配合",
    "参与",
    "參與",
    "协助",
    "協助",
    "协办",
    "協辦",
)
_LEAD_VERBS = frozenset(("牵头", "牽頭", "指导", "指導"))
_COOPERATING_VERBS = frozenset(("配合", "参与", "參與", "协助", "協助", "协办", "協辦"))
_CLAUSE = re.compile(r"[。；;]")
_SPLIT_ZH = re.compile(r"[、，,；;/／]|\s{2,}")
_TRIM = " \t\u3000:：.。"
# English lists: hard separators always part names; "and", "&" and "," only between names
# that each read as a unit's (see _en_names).
_SPLIT_EN_HARD = re.compile(r"\s*[;；、，\n]\s*")
_SPLIT_EN_SOFT = re.compile(r"\s*(?:,|\band\b|&)\s*")
_SPLIT_EN_COMMA = re.compile(r"\s*,\s*")
_STRIP_SUFFIX = re.compile(r"(?:等有关部门和单位|等有关部门|等相关部门|等有关单位|等部门|等单位|等)$")
_STRIP_PREFIX = re.compile(r"^(?:具体)?(?:由|请|各自)")
_STRIP_TAIL = re.compile(r"(?:按职责分工|按职责|分别|共同|具体)$")
_EN_STRIP = re.compile(r"^(?:the\s+)", re.IGNORECASE)

_LABEL_ROLE: dict[str, UnitRole] = {
    role_word + org_word: role
    for role_word, role in _ZH_ROLE_WORDS.items()
    for org_word in _ZH_ORG_WORDS.split("|")
}
for names, role in _ZH_LABELS:
    for name in names.split("|"):
        _LABEL_ROLE[name] = role  # type: ignore[assignment]


def _en_role(label: str) -> UnitRole:
    lowered = label.lower()
    if lowered.startswith("lead"):
        return "lead"
    if lowered.startswith(("cooperating", "support", "partner")):
        return "cooperating"
    return "responsible"


def _verb_role(verb: str) -> UnitRole:
    """The role a role verb gives: 牵头负责 leads, 组织配合 cooperates, 组织落实 is responsible."""
    if verb[:2] in _LEAD_VERBS:
        return "lead"
    if any(word in verb for word in _COOPERATING_VERBS):
        return "cooperating"
    return "responsible"


def _plausible(name: str, *, labelled: bool) -> bool:
    """A unit name: no digits, not too long; in free text at least two characters."""
    if not name or (len(name) > 40 and (len(name) > 80 or _CJK.search(name) or not _names_unit(name))):
        return False  # long English names ("Hong Kong, Macao, … Section") end in an organisation
    if _DIGITISH.search(name):
        return False
    if _CJK.search(name):
        return labelled or len(name) >= 2
    return labelled or (len(name) >= 3 and name[0].isupper())


_DIGITISH = re.compile(r"[0-9０-９%％]")


def _bracket_depths(chunk: str) -> list[int]:
    """The bracket nesting depth at each character of ``chunk``."""
    depths: list[int] = []
    depth = 0
    for ch in chunk:
        if ch in "（(":
            depth += 1
        depths.append(depth)
        if ch in "）)" and depth:
            depth -= 1
    return depths


def split_units(
    text: str,
    span: Span,
    role: UnitRole,
    *,
    first_leads: bool = False,
    labelled: bool = True,
    line_breaks: tuple[int, ...] = (),
) -> list[UnitMention]:
    """Split a list of units ("X、Y和Z" stays whole: 和 is often part of a name).

    ``line_breaks`` (offsets in ``text``) are where a table cell's lines broke: one unit a
    line is a list too."""
    base = span.start
    breaks = tuple(at - base for at in line_breaks if base <= at < span.end) if line_breaks else ()
    return [
        UnitMention(text=name, role=this_role, span=Span(base + offset, base + offset + len(name)))
        for name, this_role, offset in _split_chunk(
            text[span.start : span.end], role, first_leads, labelled, breaks
        )
    ]


@lru_cache(maxsize=4096)
def _split_chunk(
    chunk: str, role: UnitRole, first_leads: bool, labelled: bool, breaks: tuple[int, ...] = ()
) -> tuple[tuple[str, UnitRole, int], ...]:
    """(name, role, offset in ``chunk``) of each unit a list names. Plans repeat the same
    lists of units item after item, so the answers are remembered."""
    chinese = _CJK.search(chunk) is not None
    mentions: list[tuple[str, UnitRole, int]] = []
    depth_at = _bracket_depths(chunk) if ("（" in chunk or "(" in chunk) else None
    lines: list[tuple[int, int]] = []
    line_start = 0
    for at in breaks:
        if depth_at is None or not depth_at[at]:
            lines.append((line_start, at))
            line_start = at + 1
    lines.append((line_start, len(chunk)))
    pieces: list[tuple[int, int]] = []
    for line_begin, line_end in lines:
        if chinese:
            pieces.extend(_pieces(chunk, line_begin, line_end, _SPLIT_ZH, depth_at))
        else:
            pieces.extend(
                piece
                for begin, end in _pieces(chunk, line_begin, line_end, _SPLIT_EN_HARD, depth_at)
                for piece in _en_names(chunk, begin, end, depth_at)
            )
    for begin, end in pieces:
        raw = chunk[begin:end]
        name = raw.strip(_TRIM)
        offset = begin + (len(raw) - len(raw.lstrip(_TRIM)))
        if chinese:
            prefix = _STRIP_PREFIX.match(name)
            if prefix:
                offset += prefix.end()
                name = name[prefix.end() :]
            name = _STRIP_TAIL.sub("", _STRIP_SUFFIX.sub("", name))
        else:
            prefix = _EN_STRIP.match(name)
            if prefix:
                offset += prefix.end()
                name = name[prefix.end() :]
        if not _plausible(name, labelled=labelled):
            continue
        this_role: UnitRole = role
        if first_leads:
            this_role = "lead" if not mentions else "responsible"
        mentions.append((name, this_role, offset))
    return tuple(mentions)


def _pieces(
    chunk: str, start: int, end: int, splitter: re.Pattern[str], depth_at: list[int] | None
) -> list[tuple[int, int]]:
    """``chunk[start:end]`` cut at ``splitter``, except inside brackets."""
    pieces: list[tuple[int, int]] = []
    pos = start
    for match in splitter.finditer(chunk, start, end):
        if depth_at is not None and depth_at[match.start()]:
            continue  # "各县（市、区）人民政府" is one unit
        pieces.append((pos, match.start()))
        pos = match.end()
    pieces.append((pos, end))
    return pieces


def _en_names(chunk: str, start: int, end: int, depth_at: list[int] | None) -> list[tuple[int, int]]:
    """An English list between hard separators (; 、 ， line breaks): "and", "&" and "," part
    names only where every part is a unit's name on its own ("Chengguan Town, Xinhe Town and
    Dongshan Town"), so "Ethnic and Religious Affairs Section" and "Hong Kong, Macao, Taiwan
    and Overseas Chinese Section" stay whole."""
    for splitter in (_SPLIT_EN_SOFT, _SPLIT_EN_COMMA):
        parts = _pieces(chunk, start, end, splitter, depth_at)
        if len(parts) > 1 and all(_names_unit(chunk[b:e]) for b, e in parts):
            return parts
    return [(start, end)]


def _names_unit(text: str) -> bool:
    """True if an English phrase ends like an organisation's name: "… Section", "… Office",
    "relevant departments", "CPPCC"."""
    words = text.strip(_TRIM).split()
    if not words:
        return False
    last = words[-1].strip("\"'’”)]（）")
    if len(last) >= 2 and last.isupper() and last.isalpha():
        return True  # an acronym: CPPCC, NDRC
    word = last.rsplit("-", 1)[-1].lower()  # "Sub-bureau"
    return (
        word in _ORGANISATION_NOUNS
        or (word.endswith("s") and word[:-1] in _ORGANISATION_NOUNS)
        or (word.endswith("es") and word[:-2] in _ORGANISATION_NOUNS)
        or (word.endswith("ies") and word[:-3] + "y" in _ORGANISATION_NOUNS)
    )


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_ORGANISATION_NOUNS = _word_set(
    """
    section office bureau department dept committee commission town township village centre center
    college association federation group unit team council government ministry agency administration
    authority division branch board institute institution university school hospital court
    procuratorate league union company corporation station district county city province community
    secretariat service directorate commune party organisation organization body headquarters
    taskforce force leadership staff
    """
)


def declares_first_lead(text: str) -> bool:
    """True when the document says the first unit named leads ("列第一位者为牵头单位").

    State Council documents declare this convention; where a document does not, a unit
    marked only 负责 is responsible, not lead.
    """
    return _FIRST_LEADS_ZH.search(text) is not None or _FIRST_LEADS_EN.search(text) is not None


# "列第一位者为牵头单位" / "the first named unit is the lead", each begun with one character
# class (the regex engine then skips to the next 列, 排, 第 or T rather than trying every
# position of a long document).
_FIRST_LEADS_ZH = re.compile(
    r"[列排第](?:(?<=[列排])(?:在)?(?:第一位|首位)(?:的|者)?(?:单位)?(?:为|是)牵头|(?<=第)一(?:个|家)?(?:单位)?(?:为|是)牵头单位)"
)
# (Case-insensitive but for its first letter: under IGNORECASE "t" matches only T and t.)
_FIRST_LEADS_EN = re.compile(
    r"[Tt](?<=\b[Tt])(?i:he first (?:named|listed) (?:unit|agency|department|body|office)s? "
    r"(?:is|are|shall be|will be) (?:the )?lead)"
)


def _bracket_units(text: str, start: int, end: int, *, first_leads: bool) -> list[UnitMention]:
    """Attributions in brackets: "（X、Y负责）", "（X牵头，Y配合）"."""
    found: list[UnitMention] = []
    for bracket in _BRACKET.finditer(text, start, end):
        inner_start, inner_end = bracket.start("inner"), bracket.end("inner")
        clause_start = inner_start
        clauses: list[tuple[int, int]] = []
        for sep in _CLAUSE.finditer(text, inner_start, inner_end):
            clauses.append((clause_start, sep.start()))
            clause_start = sep.end()
        clauses.append((clause_start, inner_end))
        for c_start, c_end in clauses:
            if not text[c_start:c_end].rstrip().endswith(_ROLE_VERBS):
                continue  # only a clause that ends in a role verb names units (see below)
            verbs = list(_ROLE_VERB.finditer(text, c_start, c_end))
            if not verbs:
                continue
            # The verb must end its clause (or be followed only by another list + verb).
            tail = text[verbs[-1].end() : c_end].strip()
            if tail:
                continue
            has_lead = any(v.group(0)[:2] in _LEAD_VERBS for v in verbs)
            list_start = c_start
            for verb in verbs:
                role = _verb_role(verb.group(0))
                span = Span(list_start, verb.start())
                leads = first_leads and role == "responsible" and not has_lead and verb is verbs[0]
                found.extend(_verb_list(text, span, role, first_leads=leads))
                list_start = verb.end()
    return found


def _verb_list(text: str, span: Span, role: UnitRole, *, first_leads: bool = False) -> list[UnitMention]:
    """The units before a role verb; "X会同Y负责": X leads, Y cooperates."""
    together = text.find("会同", span.start, span.end)
    if together < 0:
        together = text.find("會同", span.start, span.end)
    if together < 0:
        return split_units(text, span, role, first_leads=first_leads, labelled=False)
    return split_units(text, Span(span.start, together), "lead", labelled=False) + split_units(
        text, Span(together + 2, span.end), "cooperating", labelled=False
    )


# A clause that is only a list of offices and a role verb: "…，市数据局会同市财政局负责。",
# "市民政局、各区政府分别负责落实。" (the list is checked office by office, see _clause_owners).
_CLAUSE_VERB = re.compile(
    r"(?:分别|分別|共同)?(?:[负負][责責]|[牵牽][头頭])(?:落实|落實)?(?=\s*(?:[。；;]|$))", re.MULTILINE
)
_CLAUSE_START = re.compile(r"[，,。；;：:\n]")
_CLAUSE_SPLIT = re.compile(r"、|会同|會同|和")


# A cheap pre-test for _clause_owners: a role verb right before a clause's end.
_CLAUSE_GATE = re.compile(
    r"[负負牵牽落](?:(?<=负)责|(?<=負)責|(?<=牵)头|(?<=牽)頭|(?<=落)[实實])(?:[。；;\n]|\s*$)"
)


def _clause_owners(text: str, start: int, end: int) -> list[UnitMention]:
    """Owners named by a clause of their own at the end of a sentence (not in brackets)."""
    found: list[UnitMention] = []
    for verb in _CLAUSE_VERB.finditer(text, start, end):
        clause_start = start
        for mark in _CLAUSE_START.finditer(text, max(start, verb.start() - 60), verb.start()):
            clause_start = mark.end()
        names = [name.strip() for name in _CLAUSE_SPLIT.split(text[clause_start : verb.start()])]
        if not names or not all(name and _OFFICE_NAME.fullmatch(name) for name in names):
            continue
        role = _verb_role(verb.group(0).removeprefix("分别").removeprefix("分別").removeprefix("共同"))
        found.extend(_verb_list(text, Span(clause_start, verb.start()), role))
    return found


def _opened(text: str, start: int, end: int) -> bool:
    """True if ``text[start:end]`` leaves a bracket open."""
    opens = text.count("（", start, end) + text.count("(", start, end)
    return opens > text.count("）", start, end) + text.count(")", start, end)


def _labelled(
    text: str,
    start: int,
    end: int,
    label: re.Pattern[str],
    list_end: re.Pattern[str],
    role_of: Callable[[str], UnitRole],
) -> list[UnitMention]:
    """Labelled fields ("牵头单位：X　责任单位：Y、Z"): each list runs to the next label or stop."""
    labels = list(label.finditer(text, start, end))
    found: list[UnitMention] = []
    if not labels:
        return found
    for index, match in enumerate(labels):
        stop = labels[index + 1].start() if index + 1 < len(labels) else end
        for terminator in list_end.finditer(text, match.end(), stop):
            mark = terminator.group(0)
            if mark in "）)" and _opened(text, match.end(), terminator.start()):
                continue  # closes "各县（市、区" inside the list, not the list itself
            if mark == "." and _abbreviation_dot(text, terminator.start()):
                continue  # "U.S. Census Bureau", "Dept. of Health"
            if (
                mark == ";"
                and list_end is _EN_LIST_END
                and _EN_SEMI_GOES_ON.match(text, terminator.end(), stop)
            ):
                continue
            stop = terminator.start()
            break
        found.extend(split_units(text, Span(match.end(), stop), role_of(match.group("label"))))
    return found


_ABBREVIATIONS = frozenset(("dept", "govt", "div", "dist", "assn", "natl", "intl", "st", "co", "inc", "corp"))


def _abbreviation_dot(text: str, dot: int) -> bool:
    """A dot inside a name: in a dotted acronym ("U.S."), after an abbreviation ("Dept. of
    Health"), or glued to the next letter."""
    after = text[dot + 1 : dot + 2]
    if after.isalpha():
        return True
    word_start = dot
    while word_start > 0 and text[word_start - 1].isalpha():
        word_start -= 1
    word = text[word_start:dot]
    if len(word) == 1 and word.isupper():  # a dotted acronym: "U.S.", "D.C."
        return word_start > 0 and text[word_start - 1] == "."
    return word.lower() in _ABBREVIATIONS and text[dot + 1 : dot + 3].strip()[:1].isalpha()


# An office's name ("布局", "格局", "大局" end in 局 but are not offices): "市发展改革委", "区建管委", "各街道办事处", "市城管执法局".
_OFFICE = (
    r"(?:(?:各|市|区|县|省|州|镇|乡|街道|国家)[\u4e00-\u9fff]{0,14}?"
    r"(?:委员会|委|(?<![布格大全结开时变新破残僵])局|办公室|办事处|办|厅|部|中心|政府|街道|公司|集团|院|署|队|单位)"
    r"|[\u4e00-\u9fff]{1,14}?(?:委员会|(?<![布格大全结开时变新破残僵])局|办公室|办事处|厅|政府|集团|公司))"
)
_OFFICE_NAME = re.compile(_OFFICE + r"|各[\u4e00-\u9fff]{1,8}(?:单位|部门|政府)")
# A paragraph that opens with its owner: "市发展改革委负责…", "市科委牵头开展…".
_OPENS_WITH_OWNER = re.compile(rf"(?P<unit>{_OFFICE})(?P<verb>负责|牵头)(?!单位|部门)")
# A heading that is an office's name (a 职责分工 part: "区建管委", "各建设单位").
_OFFICE_TITLE = re.compile(rf"(?P<unit>{_OFFICE}|各[\u4e00-\u9fff]{{1,8}}(?:单位|部门))[。.：:]?")
#: Longest heading read as an office's name.
_MAX_OFFICE_TITLE = 16


def _opening_owners(text: str, start: int, end: int) -> list[UnitMention]:
    """Owners that open a paragraph of the region ("市科委牵头开展…")."""
    found: list[UnitMention] = []
    position = start
    while position < end:
        match = _OPENS_WITH_OWNER.match(text, position, end)
        if match:
            role: UnitRole = "lead" if match.group("verb") == "牵头" else "responsible"
            found.append(UnitMention(match.group("unit"), role, Span(match.start("unit"), match.end("unit"))))
        newline = text.find("\n", position, end)
        if newline < 0:
            break
        position = newline + 1
    return found


def title_owner(text: str, title: Span, regions: list[Span]) -> list[UnitMention]:
    """The unit a heading names when the heading is just an office ("区建管委" over its
    duties): lead where its text says 牵头, else responsible."""
    if title.end - title.start > _MAX_OFFICE_TITLE:
        return []
    match = _OFFICE_TITLE.fullmatch(text, title.start, title.end)
    if match is None:
        return []
    leads = any("牵头" in text[region.start : region.end] for region in regions)
    role: UnitRole = "lead" if leads else "responsible"
    return [UnitMention(match.group("unit"), role, Span(match.start("unit"), match.end("unit")))]


def extract_units(text: str, regions: list[Span], *, first_leads: bool = False) -> list[UnitMention]:
    """Owning units named in the item's own text, in order, without duplicates.

    ``first_leads``: the document declared that the first unit named in "（X、Y负责）" leads.
    """
    found: list[UnitMention] = []
    for region in regions:
        start, end = region.start, region.end
        if end <= start:
            continue
        chunk = text[start:end]
        has_colon = ":" in chunk or "：" in chunk
        if has_colon and _ZH_LABEL_HINT.search(chunk):
            found.extend(_labelled(text, start, end, _ZH_LABEL, _ZH_LIST_END, _LABEL_ROLE.__getitem__))
        if has_colon and _LATIN.search(chunk) and _EN_LABEL_HINT.search(chunk):
            found.extend(_labelled(text, start, end, _EN_LABEL, _EN_LIST_END, _en_role))
        if ("（" in chunk or "(" in chunk) and _BRACKET_GATE.search(chunk):
            found.extend(_bracket_units(text, start, end, first_leads=first_leads))
        if "负责" in chunk or "牵头" in chunk or "負責" in chunk or "牽頭" in chunk:
            found.extend(_opening_owners(text, start, end))
            if _CLAUSE_GATE.search(chunk):
                found.extend(_clause_owners(text, start, end))
    return dedupe_units(found)


def dedupe_units(units: list[UnitMention]) -> list[UnitMention]:
    """Drop repeated (name, role) pairs, keeping the first mention."""
    if len(units) < 2:
        return list(units)
    seen: set[tuple[str, str]] = set()
    kept: list[UnitMention] = []
    for unit in units:
        key = (unit.text, unit.role)
        if key not in seen:
            seen.add(key)
            kept.append(unit)
    return kept
