"""The import review's second look: where the parser is unsure, and the fixes for it.

``review_doubts`` lists the places the planner should check first; ``draft_split_numbered``
splits a body that holds numbered sentences into child items in one action;
``draft_set_year`` corrects a guessed year and moves the deadlines that depend on it.
Every edit goes through ``drafts._edit``: permission-checked, locked, versioned, audited.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from workplan.core.errors import Invalid
from workplan.parsing.structure.doubts import numbered_sentences
from workplan.plans.drafts import OWNER_ROLES, PROMISE_KINDS, SENTENCE_END, _edit, _index, _new_item
from workplan.plans.models import ImportDraft

MIN_YEAR, MAX_YEAR = 1990, 2200  # as Plan.year allows
_NAMES_YEAR = re.compile(r"(?:19|20)[0-9]{2}|[一二三四五六七八九〇零]{4}年|\bFY|财年|学年|年度")
#: What each reason code means, for the review page (the parser's codes and the draft's own).
REASON_LABELS: dict[str, Any] = {
    "numbering_skipped": _("its number skips one or more numbers: was an item lost above it?"),
    "numbering_restarted": _("its numbering starts over inside a list of the same style"),
    "numbering_starts_late": _("it starts a new list at a number other than 1"),
    "numbering_style_changed": _("it continues a list in a different numbering style"),
    "number_parent_missing": _("its decimal number names a parent item that is not there"),
    "label_glued_to_text": _("its number runs into the digits of its text"),
    "numbered_sentences_in_body": _("its text holds numbered sentences: split them into items?"),
    "long_body": _("its text is much longer than its siblings': are items hidden in it?"),
    "column_role_inferred": _("a table column's role was inferred from its contents"),
    "unit_not_in_organisation": _("it names a unit that matches none in the organisation"),
}
_LABEL = re.compile(r"[（(]?[0-9]{1,2}[）).．、]?")


def draft_split_numbered(*, actor: Any, draft: ImportDraft, key: str) -> ImportDraft:
    """Split an item's body at its numbered sentences ("1.… 2.… 3.…" run together): each
    becomes a child item, numbered as written; the text before the first stays the item's."""

    def change(data: dict[str, Any]) -> dict[str, Any]:
        items = data["items"]
        index = _index(data, key)
        item = items[index]
        starts = numbered_sentences(item["text"])
        if len(starts) < 2:
            raise Invalid(gettext("this item's text has no numbered sentences to split at"))
        body = item["text"]
        item["text"] = body[: starts[0][0]].strip()
        children = []
        for position, (offset, number) in enumerate(starts):
            end = starts[position + 1][0] if position + 1 < len(starts) else len(body)
            piece = body[offset:end].strip()
            label = _LABEL.match(piece)
            label_text = label.group(0) if label else ""
            rest = piece[len(label_text) :].strip()
            sentence = SENTENCE_END.search(rest)
            title = rest[: sentence.end()] if sentence and sentence.end() < 200 else rest[:60]
            children.append(
                _new_item(
                    data,
                    item["level"] + 1,
                    str(number),
                    label_text,
                    title.strip(),
                    rest[len(title) :].strip(),
                )
            )
        _move_promises(item, children)
        item["reasons"] = [r for r in item.get("reasons", []) if r != "numbered_sentences_in_body"]
        end = index + 1
        items[end:end] = children
        return {"key": key, "children": [child["key"] for child in children]}

    return _edit(actor=actor, draft=draft, action="split_numbered", change=change)


def _move_promises(item: dict[str, Any], new_items: list[dict[str, Any]]) -> None:
    """Promises whose text no longer lies in ``item`` move to the first new item holding it."""
    for kind in PROMISE_KINDS:
        stay = []
        for promise in item[kind]:
            home = next((new for new in new_items if promise["text"] in new["title"] + new["text"]), None)
            if home is None or promise["text"] in item["title"] + item["text"]:
                stay.append(promise)
            else:
                home[kind].append(promise)
        item[kind] = stay


def draft_set_year(*, actor: Any, draft: ImportDraft, year: int) -> ImportDraft:
    """Set the plan's year (the parser may have guessed it). Deadlines whose text names no
    year ("6月底前", "by June 30") move to the new year; "2025年底前" stays where it is."""
    if not isinstance(year, int) or isinstance(year, bool) or not MIN_YEAR <= year <= MAX_YEAR:
        raise Invalid(
            gettext("the year must be a number from %(min)d to %(max)d") % {"min": MIN_YEAR, "max": MAX_YEAR}
        )

    def change(data: dict[str, Any]) -> dict[str, Any]:
        old = data.get("year", draft.year)
        moved = 0
        if old and old != year:
            for item in data["items"]:
                for deadline in item["deadlines"]:
                    if deadline.get("date") and not _NAMES_YEAR.search(deadline["text"]):
                        deadline["date"] = _shift_year(deadline["date"], year - old)
                        moved += 1
        data["year"] = year
        data["year_source"] = "given"
        return {"year": year, "before": old, "deadlines_moved": moved}

    return _edit(actor=actor, draft=draft, action="year_set", change=change, year=year)


def _shift_year(iso: str, delta: int) -> str:
    day = dt.date.fromisoformat(iso)
    try:
        return day.replace(year=day.year + delta).isoformat()
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + delta, day=28).isoformat()


def review_doubts(draft: ImportDraft) -> list[dict[str, Any]]:
    """The places the planner should check first, in document order: items the parser is
    unsure of (their reasons, see ``parsing.result.REASONS``) and items whose owning unit
    matches no unit of the organisation (``unit_not_in_organisation``)."""
    units = draft.data.get("units", {})
    found = []
    for item in draft.data["items"]:
        reasons = list(item.get("reasons", []))
        if any(
            u["accepted"] and u["role"] in OWNER_ROLES and units.get(u["text"], {}).get("match") == "none"
            for u in item["units"]
        ):
            reasons.append("unit_not_in_organisation")
        if reasons:
            found.append(
                {"key": item["key"], "number": item["number"], "title": item["title"], "reasons": reasons}
            )
    return found


def reason_labels(reasons: list[str]) -> list[str]:
    """The reasons as sentences for the page (an unknown code is shown as it is)."""
    return [str(REASON_LABELS.get(reason, reason)) for reason in reasons]
