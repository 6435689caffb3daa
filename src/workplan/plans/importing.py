"""Storing a parsed plan document as a plan: one transaction, bulk inserts, full audit.

The parser (``workplan.parsing``) reads the document; this service turns its result into
rows. It is what the CLI, the web import and the demo call.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from workplan.accounts.models import Unit
from workplan.core import audit
from workplan.core.errors import Invalid
from workplan.core.tree import child_path, lock_forest, next_root_position
from workplan.files.storage import saved_or_removed
from workplan.parsing.result import ParsedItem, ParsedPlan
from workplan.plans.models import Assignment, Deadline, Plan, PlanItem, PlanStatus, Target
from workplan.plans.services import require_planner_of
from workplan.plans.unit_matching import UnitDirectory

OWNER_ROLES = ("lead", "responsible", "cooperating")


@dataclass
class ImportResult:
    """What an import stored, and the unit names it could not match."""

    plan: Plan
    items: int = 0
    targets: int = 0
    deadlines: int = 0
    assignments: int = 0
    unmatched_units: list[str] = field(default_factory=list)


def plan_import(
    *,
    actor: Any,
    parsed: ParsedPlan,
    owner_unit: Unit,
    source_name: str = "",
    source_bytes: bytes | None = None,
    title: str | None = None,
    year: int | None = None,
    status: str = PlanStatus.ACTIVE,
    unit_choices: dict[str, Unit | None] | None = None,
) -> ImportResult:
    """Store ``parsed`` as a new plan owned by ``owner_unit``; all or nothing.

    ``unit_choices`` maps unit names found in the document to the units the planner chose
    (None: leave unassigned); names not in it are matched by exact name or alias.
    """
    require_planner_of(actor, owner_unit)
    if not parsed.items:
        raise Invalid("the document has no numbered items to import: check that it is a work plan")
    plan_year = year or parsed.year
    if not plan_year:
        raise Invalid("the plan's year could not be read from the document: give it explicitly (--year)")
    for attempt in range(3):
        try:
            return _store(
                actor=actor,
                parsed=parsed,
                owner_unit=owner_unit,
                source_name=source_name,
                source_bytes=source_bytes,
                title=(title or parsed.title or source_name or "Untitled plan").strip()[:300],
                year=plan_year,
                status=status,
                unit_choices=unit_choices or {},
            )
        except IntegrityError:
            # Another import took the same root paths at the same moment: try again.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _store(
    *,
    actor: Any,
    parsed: ParsedPlan,
    owner_unit: Unit,
    source_name: str,
    source_bytes: bytes | None,
    title: str,
    year: int,
    status: str,
    unit_choices: dict[str, Unit | None],
) -> ImportResult:
    plan = Plan(
        title=title,
        year=year,
        owner_unit=owner_unit,
        status=status,
        language=parsed.language,
        source_name=source_name[:255],
        source_text=parsed.text,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if source_bytes is None:
        return _store_rows(actor=actor, plan=plan, parsed=parsed, unit_choices=unit_choices)
    plan.source_sha256 = hashlib.sha256(source_bytes).hexdigest()
    # The document is removed again if anything below fails.
    with saved_or_removed(plan.source_file, f"{plan.source_sha256}-{source_name[-80:]}", source_bytes):
        return _store_rows(actor=actor, plan=plan, parsed=parsed, unit_choices=unit_choices)


def _store_rows(
    *, actor: Any, plan: Plan, parsed: ParsedPlan, unit_choices: dict[str, Unit | None]
) -> ImportResult:
    plan.save(force_insert=True)
    audit.record(actor=actor, action="plan.imported", target=plan, after=audit.snapshot(plan))

    lock_forest(PlanItem)
    last_root = PlanItem.get_last_root_node()
    first_root = next_root_position(last_root.path if last_root else None)
    rows: list[tuple[PlanItem, ParsedItem]] = []
    _collect(parsed.items, parent_path="", first_position=first_root, plan=plan, out=rows)
    items = PlanItem.objects.bulk_create([item for item, _ in rows], batch_size=500)
    audit.record_many(actor=actor, action="item.created", targets=list(items))

    directory = UnitDirectory()
    targets: list[Target] = []
    deadlines: list[Deadline] = []
    assignments: list[Assignment] = []
    unmatched: list[str] = []
    for item, parsed_item in zip(items, (p for _, p in rows), strict=True):
        targets.extend(_targets(item, parsed_item))
        deadlines.extend(
            Deadline(item=item, text=d.text, date=d.date, source_start=d.span.start, source_end=d.span.end)
            for d in parsed_item.deadlines
        )
        assigned: set[int] = set()
        for mention in parsed_item.units:
            if mention.role not in OWNER_ROLES:
                continue
            unit = (
                unit_choices[mention.text]
                if mention.text in unit_choices
                else directory.match(mention.text).unit
            )
            if unit is None:
                if mention.text not in unmatched:
                    unmatched.append(mention.text)
                continue
            if unit.pk in assigned:
                continue
            assigned.add(unit.pk)
            assignments.append(Assignment(item=item, unit=unit, role=mention.role, source_text=mention.text))
    created_targets = Target.objects.bulk_create(targets, batch_size=500)
    audit.record_many(actor=actor, action="target.created", targets=created_targets)
    created_deadlines = Deadline.objects.bulk_create(deadlines, batch_size=500)
    audit.record_many(actor=actor, action="deadline.created", targets=created_deadlines)
    created_assignments = Assignment.objects.bulk_create(assignments, batch_size=500)
    audit.record_many(actor=actor, action="assignment.created", targets=created_assignments)
    return ImportResult(
        plan=plan,
        items=len(items),
        targets=len(targets),
        deadlines=len(deadlines),
        assignments=len(assignments),
        unmatched_units=unmatched,
    )


def _collect(
    parsed_items: list[ParsedItem],
    *,
    parent_path: str,
    first_position: int,
    plan: Plan,
    out: list[tuple[PlanItem, ParsedItem]],
) -> None:
    """Flatten the parsed tree into unsaved PlanItems with their materialised paths."""
    for offset, parsed_item in enumerate(parsed_items):
        path = child_path(parent_path, first_position + offset)
        dates = [d.date for d in parsed_item.deadlines if d.date is not None]
        spans = [s for s in (parsed_item.label_span, parsed_item.title_span, *parsed_item.body_spans) if s]
        item = PlanItem(
            plan=plan,
            path=path,
            depth=len(path) // 4,
            numchild=len(parsed_item.children),
            number=parsed_item.number[:30],
            label=parsed_item.label[:40],
            title=parsed_item.title or parsed_item.label or "—",
            body=parsed_item.text,
            weight=Decimal(1),
            due_date=max(dates) if dates else None,
            source_start=min(s.start for s in spans) if spans else None,
            source_end=max(s.end for s in spans) if spans else None,
        )
        out.append((item, parsed_item))
        _collect(parsed_item.children, parent_path=path, first_position=1, plan=plan, out=out)


def _targets(item: PlanItem, parsed_item: ParsedItem) -> list[Target]:
    return [
        Target(
            item=item,
            text=t.text,
            kind=t.kind,
            comparator=t.comparator or "",
            value=t.value,
            value_max=t.value_max,
            unit=(t.unit or "")[:100],
            source_start=t.span.start,
            source_end=t.span.end,
        )
        for t in parsed_item.targets
    ]


@transaction.atomic
def replace_promises(*, actor: Any, item: PlanItem, parsed_item: ParsedItem) -> None:
    """Replace an item's targets and deadlines with those of its re-parsed text (revisions).

    Assignments are kept: who owns the work is the planner's decision, not the text's.
    """
    for old_target in list(item.targets.all()):
        audit.record(
            actor=actor, action="target.deleted", target=old_target, before=audit.snapshot(old_target)
        )
        old_target.delete()
    for old_deadline in list(item.deadlines.all()):
        audit.record(
            actor=actor, action="deadline.deleted", target=old_deadline, before=audit.snapshot(old_deadline)
        )
        old_deadline.delete()
    targets = Target.objects.bulk_create(_targets(item, parsed_item))
    audit.record_many(actor=actor, action="target.created", targets=targets)
    deadlines = Deadline.objects.bulk_create(
        [
            Deadline(item=item, text=d.text, date=d.date, source_start=d.span.start, source_end=d.span.end)
            for d in parsed_item.deadlines
        ]
    )
    audit.record_many(actor=actor, action="deadline.created", targets=deadlines)
