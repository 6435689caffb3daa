"""The difference between a breakdown table and the stored plan, and applying it.

Rows are matched to items by the hidden ID column (rows without an ID are new items, matched
by title under their part so that applying twice adds nothing twice). Nothing is applied
while any row has a problem; applying happens in one transaction through the plan services,
so every change is permission-checked and audited.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from workplan import permissions
from workplan.accounts.models import Unit
from workplan.core import audit, clock
from workplan.parsing.snippets import find_promises
from workplan.permissions import Action
from workplan.plans import services
from workplan.plans.breakdown.layout import TARGET_SEPARATOR, UNIT_COLUMNS, split_unit_names
from workplan.plans.breakdown.reading import BreakdownTable, TableProblem, TableRow, read_breakdown
from workplan.plans.models import Assignment, Plan, PlanItem
from workplan.plans.unit_matching import UnitDirectory

OPEN_ENDED = re.compile(
    r"^(长期|持续|常态|全年|ongoing|continuous|long[- ]term|as needed|随时)", re.IGNORECASE
)
DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)


@dataclass(frozen=True)
class CellChange:
    """One change the table asks for: a field of an item, or a new item."""

    row: int
    column: str
    item_id: int | None
    field: str
    before: str
    after: str

    def __str__(self) -> str:
        target = f"item {self.item_id}" if self.item_id else "new item"
        return f"row {self.row}, {self.column} ({target}): {self.before or '∅'} → {self.after or '∅'}"


@dataclass
class _RowPlan:
    """What to do for one table row, resolved against the stored plan."""

    row: TableRow
    item: PlanItem | None
    parent: PlanItem | None
    fields: dict[str, Any] = field(default_factory=dict)
    units: dict[str, list[Unit]] | None = None
    unit_names: dict[str, list[str]] = field(default_factory=dict)
    targets_text: str | None = None


@dataclass
class BreakdownPreview:
    """The outcome of reading a table against a plan: changes, problems, and whether applied."""

    changes: list[CellChange] = field(default_factory=list)
    problems: list[TableProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        lines = [f"{len(self.changes)} change(s), {len(self.problems)} problem(s)"]
        lines += [f"  problem: {p}" for p in self.problems]
        lines += [f"  change:  {c}" for c in self.changes]
        lines += [f"  note:    {n}" for n in self.notes]
        if self.problems:
            lines.append("Nothing was applied: correct the problems and import again.")
        elif self.applied:
            lines.append("Applied.")
        elif self.changes:
            lines.append("Dry run: nothing was applied (use --apply).")
        return "\n".join(lines)


def parse_cell_date(value: Any, *, year: int) -> dt.date | None:
    """A deadline cell as a date: a real date, '2019-06-30', '2019年6月30日', '6月底前' …"""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float):
        raise ValueError(f"{value} is a number, not a date: format the cell as a date")
    text = str(value).strip()
    if OPEN_ENDED.match(text):
        return None
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            y, m, d = (int(g) for g in match.groups())
            try:
                return dt.date(y, m, d)
            except ValueError:
                raise ValueError(f"{text!r} is not a real date") from None
    deadlines = find_promises(text, year=year).deadlines
    if deadlines and deadlines[0].date is not None:
        return deadlines[0].date
    if deadlines:
        return None
    raise ValueError(f"{text!r} is not a date: write it as {year}-06-30 or 6月底前")


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _plan_rows(plan: Plan, table: BreakdownTable, preview: BreakdownPreview) -> list[_RowPlan]:
    items = {
        item.pk: item
        for item in PlanItem.objects.filter(plan=plan).prefetch_related("assignments__unit", "targets")
    }
    directory = UnitDirectory()
    seen_ids: dict[int, int] = {}
    seen_serials: dict[str, int] = {}
    current_part: PlanItem | None = None
    planned: list[_RowPlan] = []
    problems = preview.problems
    for row in table.rows:
        values = row.values
        raw_id = values.get("item_id")
        item: PlanItem | None = None
        if raw_id is not None:
            if not isinstance(raw_id, int):
                problems.append(
                    TableProblem(f"{raw_id!r} is not an item ID", row.row, table.column_name("item_id"))
                )
                continue
            if raw_id in seen_ids:
                problems.append(
                    TableProblem(
                        f"ID {raw_id} appears again (first in row {seen_ids[raw_id]})", row.row, "ID"
                    )
                )
                continue
            seen_ids[raw_id] = row.row
            item = items.get(raw_id)
            if item is None:
                problems.append(TableProblem(f"there is no item {raw_id} in this plan", row.row, "ID"))
                continue
        if row.is_part:
            if item is None:
                problems.append(
                    TableProblem("a new part row: add parts in workplan, then export again", row.row)
                )
                continue
            current_part = item
            text = _display(values.get("title"))
            if text and text != item.heading:
                new_title = (
                    text[len(item.label) :].strip() if item.label and text.startswith(item.label) else text
                )
                planned.append(_RowPlan(row=row, item=item, parent=None, fields={"title": new_title}))
            continue
        serial = _display(values.get("serial"))
        if serial:
            if serial in seen_serials:
                problems.append(
                    TableProblem(
                        f"序号 {serial} appears again (first in row {seen_serials[serial]})",
                        row.row,
                        table.column_name("serial"),
                    )
                )
            seen_serials[serial] = row.row
        title = _display(values.get("title"))
        if not title:
            problems.append(TableProblem("the task is empty", row.row, table.column_name("title")))
            continue
        if item is None:
            siblings = [i for i in items.values() if current_part is None or i.path[:-4] == current_part.path]
            item = next(
                (
                    i
                    for i in siblings
                    if i.title == title and i.depth == (current_part.depth + 1 if current_part else 1)
                ),
                None,
            )
        planned.append(_resolve_row(plan, table, row, item, current_part, directory, problems))
    return planned


def _resolve_row(
    plan: Plan,
    table: BreakdownTable,
    row: TableRow,
    item: PlanItem | None,
    part: PlanItem | None,
    directory: UnitDirectory,
    problems: list[TableProblem],
) -> _RowPlan:
    values = row.values
    wanted = _RowPlan(row=row, item=item, parent=part)
    if "title" in table.columns:
        wanted.fields["title"] = _display(values.get("title"))
    if "measures" in table.columns:
        wanted.fields["body"] = _display(values.get("measures"))
    if "deadline" in table.columns:
        try:
            wanted.fields["due_date"] = parse_cell_date(values.get("deadline"), year=plan.year)
        except ValueError as error:
            problems.append(TableProblem(str(error), row.row, table.column_name("deadline")))
    if any(key in table.columns for key in UNIT_COLUMNS):
        known_names = directory.names
        wanted.units = {}
        placed: dict[int, str] = {}
        for role in UNIT_COLUMNS:
            if role not in table.columns:
                continue
            names = split_unit_names(_display(values.get(role)), known=known_names)
            wanted.unit_names[role] = names
            units = []
            for name in names:
                match = directory.match(name)
                if match.unit is None:
                    hint = (
                        f" (did you mean {'、'.join(u.name for u in match.suggestions)}?)"
                        if match.suggestions
                        else ""
                    )
                    problems.append(
                        TableProblem(f"unknown unit {name!r}{hint}", row.row, table.column_name(role))
                    )
                    continue
                if match.unit.pk in placed:
                    problems.append(
                        TableProblem(
                            f"{match.unit.name} is also listed as {placed[match.unit.pk]}",
                            row.row,
                            table.column_name(role),
                        )
                    )
                    continue
                placed[match.unit.pk] = role
                units.append(match.unit)
            wanted.units[role] = units
    if "targets" in table.columns:
        wanted.targets_text = _display(values.get("targets"))
    return wanted


def _changes_for(table: BreakdownTable, planned: list[_RowPlan]) -> list[CellChange]:
    column_of_field = {"title": "title", "body": "measures", "due_date": "deadline"}
    changes: list[CellChange] = []
    for plan_row in planned:
        item, row = plan_row.item, plan_row.row
        item_id = item.pk if item else None
        for name, value in plan_row.fields.items():
            before = getattr(item, name) if item else None
            if before != value and not (item is None and value in ("", None)):
                column = "title" if row.is_part else column_of_field[name]
                changes.append(
                    CellChange(
                        row.row, table.column_name(column), item_id, name, _display(before), _display(value)
                    )
                )
        if plan_row.units is not None:
            current = _current_units(item)
            for role, units in plan_row.units.items():
                before_names = current.get(role, [])
                after_names = [u.name for u in units]
                if sorted(before_names) != sorted(after_names):
                    changes.append(
                        CellChange(
                            row.row,
                            table.column_name(role),
                            item_id,
                            role,
                            _display(before_names),
                            _display(after_names),
                        )
                    )
        if plan_row.targets_text is not None:
            before_text = TARGET_SEPARATOR.join(t.text for t in item.targets.all()) if item else ""
            if before_text != plan_row.targets_text:
                changes.append(
                    CellChange(
                        row.row,
                        table.column_name("targets"),
                        item_id,
                        "targets",
                        before_text,
                        plan_row.targets_text,
                    )
                )
    return changes


def _current_units(item: PlanItem | None) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    if item is None:
        return found
    for assignment in item.assignments.all():
        found.setdefault(assignment.role, []).append(assignment.unit.name)
    return found


def breakdown_import(
    *, actor: Any, plan: Plan, data: bytes, filename: str = "table.xlsx", apply: bool = False
) -> BreakdownPreview:
    """Compare a breakdown table with ``plan``; with ``apply`` store the changes (all or none)."""
    permissions.require(actor, Action.EDIT, plan)
    table = read_breakdown(data, filename=filename, required=("title",))
    preview = BreakdownPreview(problems=list(table.problems), notes=list(table.notes))
    planned = _plan_rows(plan, table, preview)
    preview.changes = _changes_for(table, planned)
    if not apply or preview.problems or not preview.changes:
        return preview
    with transaction.atomic():
        Plan.objects.select_for_update().get(pk=plan.pk)  # one table import at a time per plan
        writes = _BulkWrites(actor)
        for plan_row in planned:
            _apply_row(actor, plan, plan_row, writes)
        writes.flush()
    preview.applied = True
    return preview


class _BulkWrites:
    """Row changes collected and written in a few statements, one audit row per change.

    The plan-level permission was checked once in breakdown_import; every value was
    validated while the table was read (dates parsed, units resolved, titles present).
    """

    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.now = clock.now()
        self.items: list[PlanItem] = []
        self.item_fields: set[str] = set()
        self.created: list[Assignment] = []
        self.updated: list[Assignment] = []
        self.deleted: list[Assignment] = []
        self.entries: list[Any] = []

    def update_item(self, item: PlanItem, changes: dict[str, Any]) -> None:
        before = audit.snapshot(item, changes)
        for name, value in changes.items():
            setattr(item, name, value)
        item.version += 1
        item.updated_at = self.now
        self.items.append(item)
        self.item_fields.update(changes)
        self.entries.append(
            audit.entry(
                actor=self.actor,
                action="item.updated",
                target=item,
                before=before,
                after=audit.snapshot(item, changes),
            )
        )

    def assign(self, assignment: Assignment) -> None:
        self.created.append(assignment)

    def change_role(self, assignment: Assignment, role: str) -> None:
        self.entries.append(
            audit.entry(
                actor=self.actor,
                action="assignment.updated",
                target=assignment,
                before={"role": assignment.role},
                after={"role": role},
            )
        )
        assignment.role = role
        assignment.version += 1
        assignment.updated_at = self.now
        self.updated.append(assignment)

    def unassign(self, assignment: Assignment) -> None:
        self.entries.append(
            audit.entry(
                actor=self.actor,
                action="assignment.deleted",
                target=assignment,
                before=audit.snapshot(assignment),
            )
        )
        self.deleted.append(assignment)

    def flush(self) -> None:
        if self.items:
            fields = [*sorted(self.item_fields), "version", "updated_at"]
            PlanItem.objects.bulk_update(self.items, fields, batch_size=500)
        if self.deleted:
            Assignment.objects.filter(pk__in=[a.pk for a in self.deleted]).delete()
        if self.updated:
            Assignment.objects.bulk_update(self.updated, ["role", "version", "updated_at"], batch_size=500)
        if self.created:
            created = Assignment.objects.bulk_create(self.created, batch_size=500)
            self.entries += [
                audit.entry(actor=self.actor, action="assignment.created", target=a, after=audit.snapshot(a))
                for a in created
            ]
        audit.record_entries(self.entries)


def _apply_row(actor: Any, plan: Plan, plan_row: _RowPlan, writes: _BulkWrites) -> None:
    item = plan_row.item
    if item is None:
        item = services.item_create(
            actor=actor,
            plan=plan,
            parent=plan_row.parent,
            title=plan_row.fields.get("title", ""),
            body=plan_row.fields.get("body", ""),
            due_date=plan_row.fields.get("due_date"),
        )
    else:
        changed = {k: v for k, v in plan_row.fields.items() if getattr(item, k) != v}
        if changed:
            writes.update_item(item, changed)
    if plan_row.units is not None:
        _apply_units(item, plan_row.units, writes)
    if plan_row.targets_text is not None:
        current = list(item.targets.all())
        if TARGET_SEPARATOR.join(t.text for t in current) != plan_row.targets_text:
            for target in current:
                services.target_delete(actor=actor, target=target)
            for text in [t for t in plan_row.targets_text.split(TARGET_SEPARATOR) if t.strip()]:
                found = find_promises(text, year=plan.year).targets
                quantified = found[0] if found else None
                services.target_create(
                    actor=actor,
                    item=item,
                    text=text.strip(),
                    kind=quantified.kind if quantified else "other",
                    comparator=(quantified.comparator or "") if quantified else "",
                    value=quantified.value if quantified else None,
                    value_max=quantified.value_max if quantified else None,
                    unit=(quantified.unit or "")[:100] if quantified else "",
                )


def _apply_units(item: PlanItem, wanted: dict[str, list[Unit]], writes: _BulkWrites) -> None:
    """Make the item's assignments match the table."""
    existing = {a.unit_id: a for a in item.assignments.all()}  # prefetched by _plan_rows (or a new item)
    wanted_roles = {unit.pk: role for role, units in wanted.items() for unit in units}
    for unit_id, assignment in existing.items():
        if assignment.role in wanted and unit_id not in wanted_roles:
            writes.unassign(assignment)
    for role, units in wanted.items():
        for unit in units:
            current = existing.get(unit.pk)
            if current is None:
                writes.assign(Assignment(item=item, unit=unit, role=role))
            elif current.role != role:
                writes.change_role(current, role)
