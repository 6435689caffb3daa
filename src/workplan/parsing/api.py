"""The public entry points: a file, a text or a Document in, a :class:`ParsedPlan` out.

The structure pass (``structure``) builds the item tree; the promise extractors
(``promises``) then read each item's own title and body. Only :class:`ParseError` leaves
these functions: an empty document is an error, a document without numbered items is not
(it parses to a plan with no items, and the caller decides what that means).
"""

from __future__ import annotations

import dataclasses
import gc
import os
import re
from collections import Counter

from workplan.parsing.document import Block, Document
from workplan.parsing.errors import INTERNAL_ERRORS, ParseError
from workplan.parsing.normalise import normalise_cjk
from workplan.parsing.promises import (
    PlanContext,
    declares_first_lead,
    dedupe_units,
    excel_serial,
    extract_deadline_cell,
    extract_deadlines,
    extract_targets,
    extract_units,
    split_units,
    title_owner,
)
from workplan.parsing.promises.periods import plan_period, title_names_year
from workplan.parsing.result import Deadline, ParsedItem, ParsedPlan, Span, Target, YearSource
from workplan.parsing.structure import DraftItem, count_years, parse_structure

_LINE = re.compile(r"[^\r\n]+")
_ATX = re.compile(r"^(#{1,6})[ \t]+")


def parse_file(path: str | os.PathLike[str], *, year: int | None = None) -> ParsedPlan:
    """Read a plan file (.txt, .md, .docx, .pdf) and parse it."""
    from workplan.parsing.readers import read_file

    return parse_document(read_file(path), year=year)


def parse_text(text: str, *, year: int | None = None) -> ParsedPlan:
    """Parse plain text (each line a paragraph; "#" headings and "a | b" tables understood).

    Offsets in the result are offsets into ``text`` itself.
    """
    if not isinstance(text, str):
        raise ParseError("parse_text needs a str; read bytes with read_bytes() instead.")
    blocks: list[Block] = []
    for line in _LINE.finditer(text):
        start, end = line.start(), line.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end <= start:
            continue
        heading = _ATX.match(text, start, end)
        if heading and heading.end() < end and text[heading.end()] not in "|｜":
            blocks.append(Block(heading.end(), end, heading_level=len(heading.group(1))))
        else:
            blocks.append(Block(start, end))
    return parse_document(Document(text=text, blocks=blocks, source_format="text"), year=year)


def parse_document(doc: Document, *, year: int | None = None) -> ParsedPlan:
    """Parse a :class:`Document` produced by a reader (or built by hand)."""
    if not doc.text.strip() or not doc.blocks:
        raise ParseError("The document is empty: there is no text to read a plan from.")
    normalised = normalise_cjk(doc.text)  # one character for one: the blocks' offsets hold
    if normalised is not doc.text:
        doc = dataclasses.replace(doc, text=normalised)
    gc_was_enabled = gc.isenabled()
    # The parse allocates many small acyclic objects; cyclic GC passes over them are wasted
    # work (about a fifth of the time on a 1 MB plan), so collection waits until the end.
    gc.disable()
    try:
        structure = parse_structure(doc)
        issued = structure.doc_date

        def year_counts() -> Counter[int]:
            counts = count_years(doc.text, structure.content_spans)
            if issued is not None:
                counts[issued.year] += 2  # the issuing date ("2031年2月20日" under the signature)
            return counts

        period = plan_period(structure.title or "", doc.text, year_counts, year)
        plan_year = (
            period.year or (issued.year if issued else None) or _year_of_date_cells(doc.text, structure.items)
        )
        year_source = _year_source(year, structure.title or "", plan_year)
        context = PlanContext(
            year=plan_year,
            period=period.span,
            issued=structure.doc_date,
            first_named_leads=declares_first_lead(doc.text),
            start_month=period.start_month,
            fiscal=period.fiscal,
        )
        items = _build_all(doc.text, structure.items, context)
    except ParseError:
        raise
    except INTERNAL_ERRORS as error:
        # A bug must not surface as a traceback to the person importing a plan.
        raise ParseError(
            f"The document could not be parsed (internal error: {type(error).__name__})."
        ) from error
    finally:
        if gc_was_enabled:
            gc.enable()
    return ParsedPlan(
        text=doc.text,
        language=structure.language,
        items=items,
        title=structure.title,
        year=plan_year,
        year_source=year_source,
        source_format=doc.source_format,
        furniture=structure.furniture,
        segments=structure.segments,
    )


def _year_of_date_cells(text: str, roots: list[DraftItem]) -> int | None:
    """The year of a schedule whose text names none: the most frequent year among the dates
    its deadline column shows as spreadsheet serial numbers ("43615" is 2019-05-30), so that
    "6月中旬" in the next row is dated in that year."""
    drafts: list[DraftItem] = []
    _preorder(roots, drafts)
    years: Counter[int] = Counter()
    for draft in drafts:
        for cell in draft.deadline_cells:
            serial = excel_serial(text[cell.start : cell.end].strip())
            if serial is not None:
                years[serial.year] += 1
    return years.most_common(1)[0][0] if years else None


def _year_source(given: int | None, title: str, found: int | None) -> YearSource | None:
    """Where the plan's year came from: given by the caller, the title, or guessed."""
    if given is not None:
        return "given"
    if found is None:
        return None
    return "title" if title_names_year(title) else "guessed"


def _regions(text: str, draft: DraftItem) -> list[Span]:
    """The item's own text as few spans as possible: paragraphs separated only by line
    breaks are read as one region, which halves the extractors' work on long plans."""
    spans = [s for s in (draft.title_span, *draft.body_spans) if s.end > s.start]
    if draft.from_table or len(spans) < 2:
        return spans
    merged = [Span(spans[0].start, spans[0].end)]
    for span in spans[1:]:
        last = merged[-1]
        if span.start >= last.end and not text[last.end : span.start].strip():
            last.end = span.end
        else:
            merged.append(Span(span.start, span.end))
    return merged


def _build_all(text: str, roots: list[DraftItem], context: PlanContext) -> list[ParsedItem]:
    """The items with their promises. Each extractor runs over every item in turn, not the
    three over one item after another: the same few regexes and functions stay hot in the
    processor's caches, which makes the promise pass about a sixth faster on a long plan."""
    drafts: list[DraftItem] = []
    _preorder(roots, drafts)
    regions = [_regions(text, draft) for draft in drafts]
    first_leads = context.first_named_leads
    units = [extract_units(text, r, first_leads=first_leads) if r else [] for r in regions]
    deadlines = [extract_deadlines(text, r, context) if r else [] for r in regions]
    targets: list[list[Target]] = []
    for region, draft in zip(regions, drafts, strict=True):
        found = extract_targets(text, region) if region else []
        targets.append(found if draft.from_table else _without_bare_cells(text, found))
    for position, item_deadlines in enumerate(deadlines):
        if item_deadlines and targets[position]:
            targets[position] = _without_time_spans(targets[position], item_deadlines)
    built: dict[int, ParsedItem] = {}
    for position in range(len(drafts) - 1, -1, -1):  # children before their parents
        draft = drafts[position]
        item_units = units[position]
        for cell, role, line_breaks in draft.unit_cells:
            item_units.extend(split_units(text, cell, role, line_breaks=line_breaks))
        if not item_units and not draft.from_table and draft.body_spans:
            item_units = title_owner(text, draft.title_span, regions[position])
        item_deadlines = deadlines[position]
        item_targets = targets[position]
        if draft.deadline_cells:
            # "Annually", "At least monthly", "每季度" in a schedule's date column: how often, a
            # frequency target of the row (the cell is still its deadline, as it reads).
            cell_frequencies = [
                t for t in extract_targets(text, draft.deadline_cells) if t.kind == "frequency"
            ]
            item_deadlines = _with_deadline_cells(text, item_deadlines, draft.deadline_cells, context)
            item_targets = item_targets + [
                t for t in cell_frequencies if not any(_same_target(t, o) for o in item_targets)
            ]
        if draft.target_cells and item_targets:
            item_targets = _from_target_cells(item_targets, draft.target_cells)
        body_spans = draft.body_spans
        title_span = draft.title_span
        built[id(draft)] = ParsedItem(
            number=draft.number,
            label=draft.label,
            level=draft.depth,
            title=text[title_span.start : title_span.end],
            text="\n".join([text[s.start : s.end] for s in body_spans]),
            label_span=draft.label_span,
            title_span=title_span,  # the draft is dropped: its spans pass to the item
            body_spans=body_spans,
            targets=item_targets,
            deadlines=item_deadlines,
            units=dedupe_units(item_units) if draft.unit_cells else item_units,  # else deduped already
            children=[built[id(child)] for child in draft.children],
            confidence=draft.confidence,
            reasons=draft.reasons,
        )
    return [built[id(root)] for root in roots]


def _without_bare_cells(text: str, targets: list[Target]) -> list[Target]:
    """Drop figures that stand alone on their line ("10.46平方公里", "25%"): the cells of a
    data table flattened one per line, which describe the plan rather than commit to it."""
    if not targets:
        return targets
    kept: list[Target] = []
    for target in targets:
        line_start = text.rfind("\n", 0, target.span.start) + 1
        line_end = text.find("\n", target.span.end)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        if len(line.strip()) - (target.span.end - target.span.start) > 2:
            kept.append(target)
    return kept


_TIME_UNITS = frozenset(
    ("年", "个月", "月", "周", "天", "日", "个工作日", "工作日", "小时", "years", "months", "weeks", "days")
)
_EN_SPAN_STARTS = ("for the next", "over the next", "for the coming", "over the coming")


def _without_time_spans(targets: list[Target], deadlines: list[Deadline]) -> list[Target]:
    """A span of time given to the work ("用3个月左右时间", a deadline) is not also a target;
    a time limit that is a target ("压缩至1个工作日以内") stays one."""
    return [
        target
        for target in targets
        if target.unit not in _TIME_UNITS
        or not any(
            (d.text.endswith("时间") or d.text.lower().startswith(_EN_SPAN_STARTS))
            and d.span.start <= target.span.start
            and target.span.end <= d.span.end
            for d in deadlines
        )
    ]


def _preorder(drafts: list[DraftItem], out: list[DraftItem]) -> None:
    for draft in drafts:
        out.append(draft)
        if draft.children:
            _preorder(draft.children, out)


def _fold(text: str) -> str:
    """Text compared without case, spaces or punctuation."""
    return _NOT_WORD.sub("", text).casefold()


_NOT_WORD = re.compile(r"[\W_]+")


def _overlap(a: str, b: str) -> bool:
    a, b = _fold(a), _fold(b)
    return bool(a and b) and (a in b or b in a)


def _same_target(a: Target, b: Target) -> bool:
    """The same promise written twice: same kind and amount, or (without an amount) the
    same words ("regular" in "regularly")."""
    if a.kind != b.kind:
        return False
    if a.value is not None and b.value is not None:
        return (
            a.value == b.value
            and a.value_max == b.value_max
            and (a.unit == b.unit or _overlap(a.text, b.text))
        )
    return a.value is None and b.value is None and _overlap(a.text, b.text)


def _from_target_cells(targets: list[Target], cells: list[Span]) -> list[Target]:
    """A row with a targets column: its targets are the ones that cell states; the measures
    and title add only targets the cell does not already state. Without any target in the
    cell (left blank), the row's other text is read as before."""
    in_cell = [t for t in targets if any(c.start <= t.span.start and t.span.end <= c.end for c in cells)]
    if not in_cell:
        return targets
    stated = {id(t) for t in in_cell}
    return [t for t in targets if id(t) in stated or not any(_same_target(t, c) for c in in_cell)]


def _with_deadline_cells(
    text: str, deadlines: list[Deadline], cells: list[Span], context: PlanContext
) -> list[Deadline]:
    """A row with a deadline column: that cell is the item's deadline; a date the measures
    state again ("In the next year" for a cell reading 2019-12-31) is not a second one."""
    from_cells = [d for cell in cells for d in extract_deadline_cell(text, cell, context)]
    if not from_cells:
        return deadlines
    dates = {d.date for d in from_cells if d.date is not None}
    kept = [
        d
        for d in deadlines
        if not (
            d.date in dates
            if d.date is not None
            else any(c.date is None and _overlap(c.text, d.text) for c in from_cells)
        )
    ]
    return kept + from_cells
