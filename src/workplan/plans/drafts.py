"""Import with review: an uploaded document becomes a draft the planner corrects, then a plan.

The draft keeps the parse as a flat list of items in document order, each with a ``level``;
the tree is implied by the levels, which makes indent, outdent, merge and split simple
list edits. Every edit is a service: permission-checked, version-checked, audited.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import re
from typing import Any, Literal

from django.conf import settings
from django.db import transaction

from workplan.accounts import services as accounts
from workplan.accounts.models import Unit
from workplan.core import audit
from workplan.core.errors import Conflict, Invalid, NotFound
from workplan.files.storage import saved_or_removed
from workplan.parsing import ParseError, parse_document
from workplan.parsing.readers import read_bytes
from workplan.parsing.result import Deadline, ParsedItem, ParsedPlan, Span, Target, UnitMention
from workplan.plans.importing import ImportResult, plan_import
from workplan.plans.models import DraftStatus, ImportDraft
from workplan.plans.services import require_planner_of
from workplan.plans.unit_matching import UnitDirectory
from workplan.tasks import queue

PROMISE_KINDS = ("targets", "deadlines", "units")
OWNER_ROLES = ("lead", "responsible", "cooperating")
SENTENCE_END = re.compile(r"[。！？!?]|\.(?=\s|$)")


def _item_data(item: ParsedItem, key: str) -> dict[str, Any]:
    def span(s: Span | None) -> list[int] | None:
        return [s.start, s.end] if s else None

    return {
        "key": key,
        "level": item.level,
        "number": item.number,
        "label": item.label,
        "title": item.title,
        "text": item.text,
        "span": span(item.title_span),
        "label_span": span(item.label_span),
        "body_spans": [span(s) for s in item.body_spans],
        "confidence": item.confidence,
        "reasons": list(item.reasons),
        "targets": [
            {
                "text": t.text,
                "kind": t.kind,
                "comparator": t.comparator,
                "value": t.value,
                "value_max": t.value_max,
                "unit": t.unit,
                "span": span(t.span),
                "accepted": True,
            }
            for t in item.targets
        ],
        "deadlines": [
            {
                "text": d.text,
                "date": d.date.isoformat() if d.date else None,
                "span": span(d.span),
                "accepted": True,
            }
            for d in item.deadlines
        ],
        "units": [
            {"text": u.text, "role": u.role, "span": span(u.span), "accepted": True} for u in item.units
        ],
    }


def _unit_names(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    directory = UnitDirectory()
    names: dict[str, dict[str, Any]] = {}
    for item in items:
        for mention in item["units"]:
            name = mention["text"]
            if mention["role"] not in OWNER_ROLES or name in names:
                continue
            match = directory.match(name)
            names[name] = {
                "match": match.kind,
                "unit_id": match.unit.pk if match.unit else None,
                "suggestions": [u.pk for u in match.suggestions],
                "remember": match.kind == "suggestion",
            }
    return names


@transaction.atomic
def draft_create(
    *, actor: Any, data: bytes, filename: str, owner_unit: Unit, year: int | None = None
) -> ImportDraft:
    """Read an uploaded document into a draft for review (the upload is kept with it).

    A document larger than ``WORKPLAN_IMPORT_SYNC_BYTES`` is read by a background task: the
    draft comes back ``reading``, with its task, and is filled (or marked unreadable) by it.
    """
    require_planner_of(actor, owner_unit)
    sha = hashlib.sha256(data).hexdigest()
    draft = ImportDraft(
        created_by=actor,
        owner_unit=owner_unit,
        year=year,
        title=filename[:300],
        source_name=filename[:255],
        source_sha256=sha,
        text="",
        data={"items": [], "units": {}, "next_key": 0, "year": year},
    )
    queued = len(data) > settings.WORKPLAN_IMPORT_SYNC_BYTES
    if queued:
        draft.status = DraftStatus.READING
    else:
        _fill(draft, data, filename=filename, year=year)
    # The document is removed again if anything below fails (a full disk, a database error).
    with saved_or_removed(draft.source_file, f"{sha}-{filename[-80:]}", data):
        draft.save(force_insert=True)
        if queued:
            draft.task = queue.enqueue("plans.read_draft", {"draft_id": draft.pk}, created_by=actor)
            draft.save(update_fields=["task"])
        audit.record(
            actor=actor,
            action="draft.queued" if queued else "draft.created",
            target=draft,
            after={"items": len(draft.data["items"]), "source": filename, "bytes": len(data)},
        )
    return draft


def _fill(draft: ImportDraft, data: bytes, *, filename: str, year: int | None) -> None:
    """Parse ``data`` into ``draft`` (not saved); Invalid when it is not a plan."""
    try:
        parsed = parse_document(read_bytes(data, filename=filename), year=year)
    except ParseError as error:
        raise Invalid(str(error)) from None
    flat = parsed.flat_items()
    if not flat:
        raise Invalid(f"{filename} has no numbered items: check that it is a work plan (一、 （一） 1. …)")
    items = [_item_data(item, f"i{index}") for index, item in enumerate(flat)]
    draft.year = year or parsed.year
    draft.title = (parsed.title or filename)[:300]
    draft.language = parsed.language
    draft.text = parsed.text
    draft.data = {
        "items": items,
        "units": _unit_names(items),
        "next_key": len(items),
        "source_format": parsed.source_format,
        "year": year or parsed.year,
        "year_source": "given" if year else parsed.year_source,
    }


@transaction.atomic
def draft_read(*, draft_id: int) -> dict[str, Any]:
    """Read a queued draft's document (the ``plans.read_draft`` task), as the planner who uploaded it.

    A document that is not a plan makes the draft ``unreadable`` with the reason (the task is
    done: reading it again would not help); any other error fails the attempt, to be retried.
    """
    draft = ImportDraft.objects.select_for_update().filter(pk=draft_id).first()
    if draft is None or draft.status != DraftStatus.READING:
        return {"skipped": "not waiting to be read"}
    with draft.source_file.open("rb") as source:
        data = source.read()
    try:
        _fill(draft, data, filename=draft.source_name, year=draft.data.get("year"))
    except Invalid as error:
        draft.status, draft.error = DraftStatus.UNREADABLE, error.message
        draft.save(update_fields=["status", "error", "updated_at"])
        audit.record(
            actor=draft.created_by, action="draft.unreadable", target=draft, after={"error": error.message}
        )
        return {"error": error.message}
    draft.status = DraftStatus.OPEN
    draft.version += 1
    draft.save(update_fields=["status", "year", "title", "language", "text", "data", "version", "updated_at"])
    audit.record(
        actor=draft.created_by,
        action="draft.created",
        target=draft,
        after={"items": len(draft.data["items"])},
    )
    return {"items": len(draft.data["items"])}


def draft_get_for_user(*, user: Any, draft_id: Any) -> ImportDraft:
    try:
        return ImportDraft.objects.visible_to(user).select_related("owner_unit", "task").get(pk=int(draft_id))
    except (ImportDraft.DoesNotExist, ValueError, TypeError):
        raise NotFound("no such import draft") from None


def _edit(
    *,
    actor: Any,
    draft: ImportDraft,
    action: str,
    change: Any,
    expected_version: int | None = None,
    year: int | None = None,
) -> ImportDraft:
    """Apply ``change(data)`` (and a new ``year``) to an open draft under a row lock, and audit it."""
    with transaction.atomic():
        locked = ImportDraft.objects.visible_to(actor).select_for_update().filter(pk=draft.pk).first()
        if locked is None:
            raise NotFound("no such import draft")
        if locked.status != DraftStatus.OPEN:
            raise Invalid(f"this draft is already {locked.get_status_display()}")
        if expected_version is not None and locked.version != expected_version:
            raise Conflict("someone changed this draft in the meantime: reload it and try again")
        data = copy.deepcopy(locked.data)
        detail = change(data)
        locked.data = data
        locked.version += 1
        fields = ["data", "version", "updated_at"]
        if year is not None:
            locked.year = year
            fields.append("year")
        locked.save(update_fields=fields)
        audit.record(actor=actor, action=f"draft.{action}", target=locked, after=detail)
    return locked


def _index(data: dict[str, Any], key: str) -> int:
    for index, item in enumerate(data["items"]):
        if item["key"] == key:
            return index
    raise NotFound(f"no item {key} in this draft")


def _subtree_end(items: list[dict[str, Any]], index: int) -> int:
    """Index after the last descendant of ``items[index]``."""
    level = items[index]["level"]
    end = index + 1
    while end < len(items) and items[end]["level"] > level:
        end += 1
    return end


def draft_rename(*, actor: Any, draft: ImportDraft, key: str, title: str) -> ImportDraft:
    """Give an item a new title."""
    title = title.strip()
    if not title:
        raise Invalid("a title cannot be empty")
    if len(title) > 2000:
        raise Invalid("a title is at most 2,000 characters")

    def change(data: dict[str, Any]) -> dict[str, Any]:
        item = data["items"][_index(data, key)]
        before, item["title"] = item["title"], title
        return {"key": key, "before": before, "title": title}

    return _edit(actor=actor, draft=draft, action="renamed", change=change)


def draft_indent(*, actor: Any, draft: ImportDraft, key: str) -> ImportDraft:
    """Make an item (with its subtree) a child of the item above it."""

    def change(data: dict[str, Any]) -> dict[str, Any]:
        items = data["items"]
        index = _index(data, key)
        if index == 0 or items[index - 1]["level"] < items[index]["level"]:
            raise Invalid("this item has no sibling above it to go under")
        for item in items[index : _subtree_end(items, index)]:
            item["level"] += 1
        return {"key": key, "level": items[index]["level"]}

    return _edit(actor=actor, draft=draft, action="indented", change=change)


def draft_outdent(*, actor: Any, draft: ImportDraft, key: str) -> ImportDraft:
    """Move an item (with its subtree) one level up."""

    def change(data: dict[str, Any]) -> dict[str, Any]:
        items = data["items"]
        index = _index(data, key)
        if items[index]["level"] == 1:
            raise Invalid("this item is already at the top level")
        end = _subtree_end(items, index)
        for item in items[index:end]:
            item["level"] -= 1
        return {"key": key, "level": items[index]["level"]}

    return _edit(actor=actor, draft=draft, action="outdented", change=change)


def draft_merge(*, actor: Any, draft: ImportDraft, key: str) -> ImportDraft:
    """Fold an item into the item above it: its title and text join that item's text."""

    def change(data: dict[str, Any]) -> dict[str, Any]:
        items = data["items"]
        index = _index(data, key)
        if index == 0:
            raise Invalid("the first item has nothing above it to merge into")
        above, item = items[index - 1], items[index]
        joined = "\n".join(part for part in (item["label"] + item["title"], item["text"]) if part)
        above["text"] = "\n".join(part for part in (above["text"], joined) if part)
        for kind in PROMISE_KINDS:
            above[kind].extend(item[kind])
        # When the item above is the parent, the merged item's children move up to it.
        shift = min(0, above["level"] - item["level"])
        for child in items[index + 1 : _subtree_end(items, index)]:
            child["level"] += shift
        del items[index]
        return {"key": key, "into": above["key"]}

    return _edit(actor=actor, draft=draft, action="merged", change=change)


def draft_split(*, actor: Any, draft: ImportDraft, key: str, paragraph: int) -> ImportDraft:
    """Start a new sibling item at body paragraph ``paragraph`` (0-based) of an item."""

    def change(data: dict[str, Any]) -> dict[str, Any]:
        items = data["items"]
        index = _index(data, key)
        item = items[index]
        paragraphs = item["text"].split("\n")
        if not 0 <= paragraph < len(paragraphs) or not paragraphs[paragraph].strip():
            raise Invalid(f"this item has no body paragraph {paragraph + 1} to split at")
        rest = "\n".join(paragraphs[paragraph:])
        item["text"] = "\n".join(paragraphs[:paragraph])
        sentence = SENTENCE_END.search(rest)
        title = rest[: sentence.end()] if sentence and sentence.end() < 200 else rest[:60]
        new = _new_item(data, item["level"], "", "", title.strip(), rest[len(title) :].strip())
        new_key = new["key"]
        # Promises whose text now lies in the new item move with it.
        for kind in PROMISE_KINDS:
            stay = [p for p in item[kind] if p["text"] in item["title"] + item["text"]]
            new[kind] = [p for p in item[kind] if p not in stay]
            item[kind] = stay
        items.insert(_subtree_end(items, index), new)
        return {"key": key, "new": new_key}

    return _edit(actor=actor, draft=draft, action="split", change=change)


def _new_item(
    data: dict[str, Any], level: int, number: str, label: str, title: str, text: str
) -> dict[str, Any]:
    new_key = f"i{data['next_key']}"
    data["next_key"] += 1
    return {
        "key": new_key,
        "level": level,
        "number": number,
        "label": label,
        "title": title,
        "text": text,
        "span": None,
        "label_span": None,
        "body_spans": [],
        "confidence": 1.0,
        "reasons": [],
        "targets": [],
        "deadlines": [],
        "units": [],
    }


def draft_set_promise(
    *,
    actor: Any,
    draft: ImportDraft,
    key: str,
    kind: str,
    index: int,
    accepted: bool,
    values: dict[str, Any] | None = None,
) -> ImportDraft:
    """Accept or drop one extracted promise, optionally correcting its values."""
    if kind not in PROMISE_KINDS:
        raise Invalid(f"unknown promise kind {kind!r}")
    allowed = {
        "targets": {"text", "kind", "comparator", "value", "value_max", "unit"},
        "deadlines": {"text", "date"},
        "units": {"text", "role"},
    }[kind]
    values = values or {}
    unknown = set(values) - allowed
    if unknown:
        raise Invalid(f"cannot set {', '.join(sorted(unknown))} on a {kind[:-1]}")
    if values.get("date"):
        try:
            dt.date.fromisoformat(str(values["date"]))
        except ValueError:
            raise Invalid(f"{values['date']!r} is not a date (YYYY-MM-DD)") from None
    if "role" in values and values["role"] not in (*OWNER_ROLES, "mentioned"):
        raise Invalid(f"unknown role {values['role']!r}")

    def change(data: dict[str, Any]) -> dict[str, Any]:
        item = data["items"][_index(data, key)]
        if not 0 <= index < len(item[kind]):
            raise NotFound(f"no {kind[:-1]} {index} on this item")
        promise = item[kind][index]
        promise.update(values)
        promise["accepted"] = accepted
        if (
            kind == "units"
            and accepted
            and promise["role"] in OWNER_ROLES
            and promise["text"] not in data["units"]
        ):
            data["units"].update(_unit_names([{"units": [promise]}]))
        return {"key": key, "kind": kind, "index": index, "accepted": accepted, **values}

    return _edit(actor=actor, draft=draft, action="promise_set", change=change)


def draft_map_unit(
    *, actor: Any, draft: ImportDraft, name: str, unit: Unit | None, remember: bool = True
) -> ImportDraft:
    """Map a unit name found in the document to a unit (None: leave it unassigned)."""

    def change(data: dict[str, Any]) -> dict[str, Any]:
        if name not in data["units"]:
            raise NotFound(f"the document names no unit {name!r}")
        entry = data["units"][name]
        entry["unit_id"] = unit.pk if unit else None
        entry["match"] = "chosen" if unit else "none"
        entry["remember"] = remember and unit is not None
        return {"name": name, "unit_id": entry["unit_id"], "remember": entry["remember"]}

    return _edit(actor=actor, draft=draft, action="unit_mapped", change=change)


def draft_discard(*, actor: Any, draft: ImportDraft) -> ImportDraft:
    with transaction.atomic():
        locked = ImportDraft.objects.visible_to(actor).select_for_update().get(pk=draft.pk)
        if locked.status != DraftStatus.OPEN:
            raise Invalid(f"this draft is already {locked.get_status_display()}")
        locked.status = DraftStatus.DISCARDED
        locked.save(update_fields=["status", "updated_at"])
        audit.record(actor=actor, action="draft.discarded", target=locked)
    return locked


def _parsed_plan(draft: ImportDraft) -> ParsedPlan:
    """The reviewed draft as a ParsedPlan: levels become the tree; dropped promises are left out."""

    def span(raw: list[int] | None) -> Span:
        return Span(raw[0], raw[1]) if raw else Span(0, 0)

    roots: list[ParsedItem] = []
    stack: list[ParsedItem] = []
    for data in draft.data["items"]:
        item = ParsedItem(
            number=data["number"],
            label=data["label"],
            level=data["level"],
            title=data["title"],
            text=data["text"],
            label_span=span(data["label_span"]) if data["label_span"] else None,
            title_span=span(data["span"]) if data["span"] else None,
            body_spans=[span(s) for s in data["body_spans"] if s],
            targets=[
                Target(
                    text=t["text"],
                    kind=t["kind"],
                    span=span(t["span"]),
                    comparator=t["comparator"],
                    value=t["value"],
                    value_max=t["value_max"],
                    unit=t["unit"],
                )
                for t in data["targets"]
                if t["accepted"]
            ],
            deadlines=[
                Deadline(
                    text=d["text"],
                    span=span(d["span"]),
                    date=dt.date.fromisoformat(d["date"]) if d["date"] else None,
                )
                for d in data["deadlines"]
                if d["accepted"]
            ],
            units=[
                UnitMention(text=u["text"], role=u["role"], span=span(u["span"]))
                for u in data["units"]
                if u["accepted"]
            ],
        )
        while stack and stack[-1].level >= item.level:
            stack.pop()
        item.level = len(stack) + 1
        (stack[-1].children if stack else roots).append(item)
        stack.append(item)
    language: Literal["zh", "en"] = "en" if draft.language == "en" else "zh"
    return ParsedPlan(text=draft.text, language=language, items=roots, title=draft.title, year=draft.year)


def draft_confirm(
    *, actor: Any, draft: ImportDraft, title: str | None = None, year: int | None = None
) -> ImportResult:
    """Store the reviewed draft as a plan, in one transaction; remember chosen unit names as aliases."""
    with transaction.atomic():
        locked = ImportDraft.objects.visible_to(actor).select_for_update().filter(pk=draft.pk).first()
        if locked is None:
            raise NotFound("no such import draft")
        if locked.status != DraftStatus.OPEN:
            raise Invalid(f"this draft is already {locked.get_status_display()}")
        if year:
            locked.year = year
        units = {
            u.pk: u
            for u in Unit.objects.filter(
                pk__in=[e["unit_id"] for e in locked.data["units"].values() if e["unit_id"]]
            )
        }
        for name, entry in locked.data["units"].items():
            unit = units.get(entry["unit_id"]) if entry["unit_id"] else None
            if (
                unit is not None
                and entry.get("remember")
                and name not in {unit.name, unit.short_name, *unit.aliases}
            ):
                accounts.unit_add_alias(actor=actor, unit=unit, alias=name)
        choices = {name: units.get(entry["unit_id"]) for name, entry in locked.data["units"].items()}
        result = plan_import(
            actor=actor,
            parsed=_parsed_plan(locked),
            unit_choices=choices,
            owner_unit=locked.owner_unit,
            source_name=locked.source_name,
            source_bytes=locked.source_file.read() if locked.source_file else None,
            title=title or locked.title,
            year=locked.year,
        )
        locked.status = DraftStatus.CONFIRMED
        locked.plan = result.plan
        locked.save(update_fields=["status", "plan", "updated_at"])
        audit.record(actor=actor, action="draft.confirmed", target=locked, after={"plan_id": result.plan.pk})
    return result
