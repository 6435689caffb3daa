"""Re-importing a revised plan document: the diff against the stored plan, and applying it.

New items are matched to stored ones by level, number and title/text similarity. Matched
items keep their identity (so their assignments, progress and audit history stay); removed
items are archived, never deleted; added items are created. Each matched item is
classified as unchanged, reworded (its text changed) or moved (its parent or order changed).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import transaction

from workplan import permissions
from workplan.core import audit
from workplan.core.tree import child_path, lock_forest, next_root_position
from workplan.parsing.result import ParsedItem, ParsedPlan
from workplan.permissions import Action
from workplan.plans.importing import replace_promises
from workplan.plans.models import ItemStatus, Plan, PlanItem
from workplan.plans.unit_matching import normalise_name

ChangeKind = Literal["unchanged", "reworded", "moved", "added", "removed"]
MATCH_THRESHOLD = 0.6


@dataclass
class ItemChange:
    """One line of the revision diff."""

    kind: ChangeKind
    old: PlanItem | None
    new: ParsedItem | None
    new_parent_index: int | None = None
    similarity: float = 1.0
    text_changed: bool = False

    def describe(self) -> str:
        label = (self.new.label if self.new else self.old.label if self.old else "") or ""
        title = self.new.title if self.new else self.old.title if self.old else ""
        text = f"{self.kind:>9}  {label}{title[:70]}"
        if self.kind == "reworded" and self.old is not None:
            text += f"   (was: {self.old.title[:50]})"
        return text


@dataclass
class RevisionDiff:
    plan: Plan
    parsed: ParsedPlan
    changes: list[ItemChange] = field(default_factory=list)

    def count(self, kind: ChangeKind) -> int:
        return sum(1 for change in self.changes if change.kind == kind)

    def summary(self) -> str:
        kinds: tuple[ChangeKind, ...] = ("unchanged", "reworded", "moved", "added", "removed")
        return ", ".join(f"{self.count(kind)} {kind}" for kind in kinds)

    def describe(self) -> str:
        return "\n".join([self.summary(), *(c.describe() for c in self.changes if c.kind != "unchanged")])


KEY_LENGTH = 400  # enough to pair items by similarity; equality compares the whole text


def _text_key(title: str, body: str) -> str:
    return normalise_name(title + body)[:KEY_LENGTH]


def _same_text(old: PlanItem, new: ParsedItem) -> bool:
    return normalise_name(old.title + old.body) == normalise_name(new.title + new.text)


def _similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def revision_diff(*, user: Any, plan: Plan, parsed: ParsedPlan) -> RevisionDiff:
    """Compare a re-parsed document with the stored plan (no writes)."""
    permissions.require(user, Action.EDIT, plan)
    old_items = list(PlanItem.objects.filter(plan=plan, status=ItemStatus.ACTIVE).order_by("path"))
    new_items = parsed.flat_items()
    new_parent: list[int | None] = []
    levels: dict[int, int] = {}
    for index, item in enumerate(new_items):
        new_parent.append(levels.get(item.level - 1) if item.level > 1 else None)
        levels[item.level] = index

    # Candidate pairs, best first: same level required; same number and similar text score highest.
    old_keys = [_text_key(o.title, o.body) for o in old_items]
    old_titles = [normalise_name(o.title) for o in old_items]
    candidates: list[tuple[float, int, int]] = []
    for n, new in enumerate(new_items):
        new_key = _text_key(new.title, new.text)
        new_title = normalise_name(new.title)
        for o, old in enumerate(old_items):
            if old.depth != new.level:
                continue
            score = max(_similarity(new_title, old_titles[o]), _similarity(new_key, old_keys[o]))
            if old.number and old.number == new.number:
                score += 0.15
            if score >= MATCH_THRESHOLD:
                candidates.append((score, n, o))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    new_to_old: dict[int, int] = {}
    used_old: set[int] = set()
    for _score, n, o in candidates:
        if n not in new_to_old and o not in used_old:
            new_to_old[n] = o
            used_old.add(o)

    old_index_of_pk = {old.pk: o for o, old in enumerate(old_items)}
    old_parent = [old_index_of_pk.get(_parent_pk(old, old_items)) for old in old_items]
    changes: list[ItemChange] = []
    last_sibling_old: dict[int | None, int] = {}
    for n, new in enumerate(new_items):
        matched = new_to_old.get(n)
        if matched is None:
            changes.append(ItemChange("added", None, new, new_parent[n], 0.0))
            continue
        o = matched
        old = old_items[o]
        parent_n = new_parent[n]
        expected_parent_old = new_to_old.get(parent_n) if parent_n is not None else None
        moved = old_parent[o] != expected_parent_old or last_sibling_old.get(expected_parent_old, -1) > o
        last_sibling_old[expected_parent_old] = o
        same_text = _same_text(old, new)
        kind: ChangeKind = "moved" if moved else ("unchanged" if same_text else "reworded")
        changes.append(
            ItemChange(
                kind,
                old,
                new,
                parent_n,
                _similarity(_text_key(old.title, old.body), _text_key(new.title, new.text)),
                text_changed=not same_text,
            )
        )
    changes += [ItemChange("removed", old, None) for o, old in enumerate(old_items) if o not in used_old]
    return RevisionDiff(plan=plan, parsed=parsed, changes=changes)


def _parent_pk(item: PlanItem, items: list[PlanItem]) -> int | None:
    if item.depth == 1:
        return None
    parent_path = item.path[:-4]
    for candidate in items:
        if candidate.path == parent_path:
            return candidate.pk
    return None


@transaction.atomic
def revision_apply(*, actor: Any, diff: RevisionDiff) -> RevisionDiff:
    """Store the revised tree: update matched items in place, add new ones, archive removed ones.

    Paths are rebuilt in two steps (temporary lowercase paths, which treebeard's alphabet never
    uses, then the final ones) so no unique constraint trips halfway.
    """
    plan = Plan.objects.select_for_update().get(pk=diff.plan.pk)
    permissions.require(actor, Action.EDIT, plan)
    live = [c for c in diff.changes if c.kind != "removed"]  # in document order: index == new item index
    removed = [c.old for c in diff.changes if c.kind == "removed" and c.old is not None]
    items: list[PlanItem] = []
    for change in live:
        new = change.new
        if new is None:  # only removed changes lack a new item, and they were filtered out
            continue
        fields = {
            "number": new.number[:30],
            "label": new.label[:40],
            "title": new.title or "—",
            "body": new.text,
        }
        if change.old is None:
            items.append(PlanItem(plan=plan, **fields))
            continue
        item = change.old
        before = audit.snapshot(item, list(fields))
        for name, value in fields.items():
            setattr(item, name, value)
        if change.kind != "unchanged":
            audit.record(
                actor=actor,
                action=f"item.{change.kind}",
                target=item,
                before=before,
                after=audit.snapshot(item, list(fields)),
            )
        items.append(item)

    lock_forest(PlanItem)
    last_root = PlanItem.get_last_root_node()  # before the temporary paths below
    first_root = next_root_position(last_root.path if last_root else None)
    stored = [item for item in items if item.pk] + removed
    for item in stored:
        item.path = f"t{item.pk}"  # step 1: out of the way of every real path
    PlanItem.objects.bulk_update(stored, ["path"], batch_size=500)

    child_count: dict[int | None, int] = {}
    for item, change in zip(items, live, strict=True):
        parent = change.new_parent_index
        child_count[parent] = child_count.get(parent, 0) + 1
        if parent is None:
            item.path = child_path("", first_root + child_count[None] - 1)
        else:
            item.path = child_path(items[parent].path, child_count[parent])
        item.depth = len(item.path) // 4
    for index, item in enumerate(items):
        item.numchild = child_count.get(index, 0)
    for offset, item in enumerate(removed):
        # Archived items keep their history: they stay in the plan, as roots after the live tree.
        item.path = child_path("", first_root + child_count.get(None, 0) + offset)
        item.depth, item.numchild, item.status = 1, 0, ItemStatus.ARCHIVED
        audit.record(actor=actor, action="item.archived", target=item, after={"status": ItemStatus.ARCHIVED})
    stored_fields = ["path", "depth", "numchild", "number", "label", "title", "body", "status"]
    PlanItem.objects.bulk_update([item for item in items if item.pk] + removed, stored_fields, batch_size=500)
    created = PlanItem.objects.bulk_create([item for item in items if not item.pk], batch_size=500)
    audit.record_many(actor=actor, action="item.created", targets=created)

    for item, change in zip(items, live, strict=True):
        if (change.kind == "added" or change.text_changed) and change.new is not None:
            replace_promises(actor=actor, item=item, parsed_item=change.new)
    plan.source_text = diff.parsed.text
    plan.save(update_fields=["source_text", "updated_at"])
    audit.record(actor=actor, action="plan.revised", target=plan, after={"summary": diff.summary()})
    return diff
