"""A ledger as an .xlsx sheet, out and back in, in the office's own layout.

Export: one sheet, the header row from the field names, a hidden ``id`` column first, the
keeping unit, then one column per active field; validation lists for choice and yes/no
fields. Import: columns matched by header name (field name or key; any order; a title row
above the header is fine), every problem reported by row and column, nothing applied while
any row has one (all or nothing). A row with an ``id`` changes that record; one without
adds a record; re-importing an unchanged export changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from workplan.accounts.models import Unit
from workplan.core.errors import Invalid
from workplan.core.policy import Action
from workplan.core.spreadsheets import row_values
from workplan.ledgers import selectors
from workplan.ledgers.fields import FieldProblem, clean_value, display, is_empty
from workplan.ledgers.models import FieldKind, Ledger, LedgerField, LedgerRecord
from workplan.ledgers.services.keeping import ImportRow, record_import
from workplan.plans.breakdown.reading import _check_container

ID_HEADER = "id"
HEADER_SEARCH_ROWS = 10
MAX_DATA_ROWS = 20_000
YES, NO = "是", "否"


def _unit_header() -> str:
    return gettext("unit")


def _cell(definition: LedgerField, value: Any, names: dict[tuple[str, int], str]) -> Any:
    if value is None:
        return None
    kind = FieldKind(definition.kind)
    if kind == FieldKind.BOOLEAN:
        return YES if value else NO
    if kind == FieldKind.DATE:
        return dt.date.fromisoformat(value)
    if kind in (FieldKind.NUMBER, FieldKind.INTEGER):
        return value
    if kind == FieldKind.UNIT:
        return names.get(("unit", value), value)
    return display(definition, value, names)


def _validations(sheet: Worksheet, definitions: list[LedgerField], rows: int) -> None:
    lists = None
    for index, definition in enumerate(definitions, start=3):
        if definition.kind == FieldKind.BOOLEAN:
            choices = [YES, NO]
        elif definition.kind == FieldKind.CHOICE:
            choices = list(definition.choices)
        else:
            continue
        column = get_column_letter(index)
        inline = ",".join(choices)
        if len(inline) <= 250 and "," not in "".join(choices) and '"' not in inline:
            formula = f'"{inline}"'
        else:
            if lists is None:
                lists = sheet.parent.create_sheet("lists")
                lists.sheet_state = "hidden"
            for row, choice in enumerate(choices, start=1):
                lists.cell(row=row, column=index, value=choice)
            formula = f"lists!${column}$1:${column}${len(choices)}"
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        validation.add(f"{column}2:{column}{max(rows, 1) + 500}")
        sheet.add_data_validation(validation)


def export_ledger(*, user: Any, ledger: Ledger) -> bytes:
    """The ledger's records that ``user`` sees, as an .xlsx workbook."""
    definitions = selectors.ledger_fields(ledger)
    records = list(selectors.record_rows(user=user, ledger=ledger).order_by("id"))
    names = selectors.reference_names(user=user, definitions=definitions, records=records)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = ledger.name[:31].translate(str.maketrans("[]:*?/\\", "（）：＊？／／"))
    sheet.append(row_values([ID_HEADER, _unit_header(), *(d.label for d in definitions)]))
    for record in records:
        sheet.append(
            row_values(
                [
                    record.pk,
                    record.unit.name,
                    *(_cell(d, record.values.get(d.key), names) for d in definitions),
                ]
            )
        )
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # text that starts with "=" stays text, never a formula
                cell.data_type = "s"
    sheet.column_dimensions["A"].hidden = True
    sheet.freeze_panes = "C2"
    for index, definition in enumerate(definitions, start=3):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 14 if definition.kind != FieldKind.LONG_TEXT else 40
        if definition.kind == FieldKind.DATE:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "yyyy-mm-dd"
    _validations(sheet, definitions, len(records))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- import ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetProblem:
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = ", ".join(w for w in (f"row {self.row}" if self.row else "", self.column or "") if w)
        return f"{where}: {self.message}" if where else self.message


@dataclass
class SheetPreview:
    """What an import would do: rows to add and to change, rows unchanged, every problem."""

    ledger: Ledger
    added: list[ImportRow] = field(default_factory=list)
    changed: list[ImportRow] = field(default_factory=list)
    unchanged: int = 0
    problems: list[SheetProblem] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.changed)

    def describe(self) -> str:
        lines = [
            f"{self.ledger.code}: {len(self.added)} to add, {len(self.changed)} to change, "
            f"{self.unchanged} unchanged, {len(self.problems)} problem(s)"
            + ("; applied" if self.applied else "; nothing applied" if self.problems else "; dry run")
        ]
        lines += [f"  {problem}" for problem in self.problems[:200]]
        if len(self.problems) > 200:
            lines.append(f"  … and {len(self.problems) - 200} more")
        return "\n".join(lines)


def _text(value: Any) -> str:
    return str(value).strip().casefold() if value is not None else ""


def _header(sheet: Worksheet, definitions: list[LedgerField]) -> tuple[int, dict[int, str]] | None:
    """(header row, {column: field key or "id"/"unit"}) — the row among the first ten that names
    the most fields."""
    wanted: dict[str, str] = {ID_HEADER: "id", _text(_unit_header()): "unit", "unit": "unit", "单位": "unit"}
    for definition in definitions:
        wanted[_text(definition.label)] = definition.key
        wanted.setdefault(_text(definition.key), definition.key)
    best: tuple[int, dict[int, str]] | None = None
    for row in sheet.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS):
        found = {cell.column: wanted[_text(cell.value)] for cell in row if _text(cell.value) in wanted}
        if found and (best is None or len(found) > len(best[1])):
            best = (row[0].row, found)
    return best


def _read(data: bytes, filename: str) -> Worksheet:
    _check_container(data, filename)
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise Invalid(gettext("%(name)s cannot be read as an .xlsx workbook.") % {"name": filename}) from None
    return workbook.worksheets[0]


def _units_by_name(units: Iterable[Unit]) -> dict[str, Unit]:
    found: dict[str, Unit] = {}
    for unit in units:
        for name in (unit.code, unit.name, unit.short_name, *unit.aliases):
            if name:
                found.setdefault(_text(name), unit)
    return found


class _Reader:
    """Checks one sheet against one ledger for one user, collecting every problem."""

    def __init__(self, user: Any, ledger: Ledger, sheet: Worksheet) -> None:
        self.user, self.ledger, self.sheet = user, ledger, sheet
        self.definitions = {d.key: d for d in selectors.ledger_fields(ledger)}
        self.preview = SheetPreview(ledger=ledger)
        self.keepers = _units_by_name(selectors.keeping_units_for(user=user, ledger=ledger))
        self.all_units = _units_by_name(Unit.objects.filter(is_active=True))
        self.seen_ids: set[int] = set()

    def problem(self, message: str, row: int | None = None, column: str | None = None) -> None:
        self.preview.problems.append(SheetProblem(message, row, column))

    def read(self) -> SheetPreview:
        header = _header(self.sheet, list(self.definitions.values()))
        if header is None or "unit" not in header[1].values():
            self.problem(gettext("No header row: the first rows must name the unit column and the fields."))
            return self.preview
        header_row, columns = header
        if self._refuse_duplicate_columns(columns):
            return self.preview  # which of the two holds the values is anybody's guess
        self._refuse_merged(header_row)
        if self.sheet.max_row - header_row > MAX_DATA_ROWS:
            self.problem(gettext("More than %(n)d rows; split the sheet.") % {"n": MAX_DATA_ROWS})
            return self.preview
        records = self._records(header_row, columns)
        for row in self.sheet.iter_rows(min_row=header_row + 1):
            self._row(row[0].row, {columns[c.column]: c for c in row if c.column in columns}, records)
        return self.preview

    def _refuse_duplicate_columns(self, columns: dict[int, str]) -> bool:
        seen: dict[str, int] = {}
        found = False
        for column, key in sorted(columns.items()):
            if key in seen:
                self.problem(
                    gettext("columns %(first)s and %(second)s are both %(name)s")
                    % {
                        "first": get_column_letter(seen[key]),
                        "second": get_column_letter(column),
                        "name": self._label(key),
                    },
                    column=self._label(key),
                )
                found = True
            seen.setdefault(key, column)
        return found

    def _refuse_merged(self, header_row: int) -> None:
        for merged in self.sheet.merged_cells.ranges:
            if merged.max_row > header_row:
                self.problem(
                    gettext("merged cells %(range)s: unmerge them") % {"range": merged.coord}, merged.min_row
                )

    def _records(self, header_row: int, columns: dict[int, str]) -> dict[int, LedgerRecord]:
        id_column = next((c for c, key in columns.items() if key == "id"), None)
        if id_column is None:
            return {}
        ids = {
            int(v)
            for (v,) in self.sheet.iter_rows(
                min_row=header_row + 1, min_col=id_column, max_col=id_column, values_only=True
            )
            if isinstance(v, int | float)
            and not isinstance(v, bool)
            and float(v).is_integer()
            and 0 < v < 2**62
        }
        rows = selectors.record_rows(user=self.user, ledger=self.ledger).filter(pk__in=ids)
        editable = set(
            LedgerRecord.objects.visible_to(self.user, Action.EDIT)
            .filter(Q(pk__in=ids))
            .values_list("pk", flat=True)
        )
        return {r.pk: r for r in rows if r.pk in editable}

    def _label(self, key: str) -> str:
        return {"id": ID_HEADER, "unit": _unit_header()}.get(key) or self.definitions[key].label

    def _row(self, number: int, cells: dict[str, Any], records: dict[int, LedgerRecord]) -> None:
        raw = {key: cell.value for key, cell in cells.items()}
        if all(is_empty(v) for k, v in raw.items() if k != "id"):
            return
        problems = len(self.preview.problems)
        for key, cell in cells.items():
            if cell.data_type == "f":
                self.problem(gettext("a formula; type the value instead"), number, self._label(key))
        record = self._record(number, raw.get("id"), records)
        unit = self._unit(number, raw.get("unit"))
        values = self._values(number, raw, record)
        if len(self.preview.problems) > problems or unit is None:
            return
        if record is None:
            self.preview.added.append(ImportRow(record=None, unit=unit, values=values))
        elif values == record.values and unit.pk == record.unit_id:
            self.preview.unchanged += 1
        else:
            self.preview.changed.append(ImportRow(record=record, unit=unit, values=values))

    def _record(self, number: int, raw: Any, records: dict[int, LedgerRecord]) -> LedgerRecord | None:
        if is_empty(raw):
            return None
        if not isinstance(raw, int | float) or isinstance(raw, bool) or not float(raw).is_integer():
            self.problem(gettext("not a record id"), number, ID_HEADER)
            return None
        if int(raw) in self.seen_ids:
            self.problem(gettext("this id appears twice in the sheet"), number, ID_HEADER)
            return None
        self.seen_ids.add(int(raw))
        record = records.get(int(raw))
        if record is None:
            self.problem(
                gettext("no record %(id)s of this ledger that you may change") % {"id": int(raw)},
                number,
                ID_HEADER,
            )
        return record

    def _unit(self, number: int, raw: Any) -> Unit | None:
        unit = self.keepers.get(_text(raw))
        if unit is None:
            self.problem(
                gettext("unknown unit, or one you may not keep this ledger for: %(name)s")
                % {"name": str(raw)[:60]},
                number,
                _unit_header(),
            )
        return unit

    def _values(self, number: int, raw: dict[str, Any], record: LedgerRecord | None) -> dict[str, Any]:
        values = dict(record.values) if record is not None else {}
        for key, definition in self.definitions.items():
            if key not in raw:
                continue  # a column the sheet leaves out keeps its values
            value = raw[key]
            values.pop(key, None)
            if is_empty(value):
                if definition.required:
                    self.problem(gettext("this field is required"), number, definition.label)
                continue
            try:
                values[key] = self._clean(definition, value)
            except FieldProblem as problem:
                self.problem(str(problem), number, definition.label)
        return values

    def _clean(self, definition: LedgerField, value: Any) -> Any:
        if definition.kind == FieldKind.UNIT:
            unit = self.all_units.get(_text(value))
            if unit is None:
                raise FieldProblem(gettext("unknown unit: %(name)s") % {"name": str(value)[:60]})
            return unit.pk
        if definition.kind == FieldKind.ITEM:
            return clean_value(definition, value, known={"item": self._items(value)})
        if isinstance(value, float) and value.is_integer() and definition.kind == FieldKind.INTEGER:
            value = int(value)
        if isinstance(value, dt.datetime) and definition.kind != FieldKind.DATE:
            value = value.date().isoformat()
        return clean_value(definition, value)

    def _items(self, value: Any) -> set[int]:
        text = str(value).strip()
        if not text.isdigit() or len(text) > 18:
            return set()
        return {i.pk for i in selectors.record_items(user=self.user, ids=[int(text)])}


def import_ledger(
    *, user: Any, ledger: Ledger, data: bytes, filename: str, apply: bool = False
) -> SheetPreview:
    """Check a sheet against ``ledger``; with ``apply`` and no problem, store it all at once."""
    preview = _Reader(user, ledger, _read(data, filename)).read()
    if apply and preview.ok and preview.changes:
        record_import(actor=user, ledger=ledger, rows=[*preview.added, *preview.changed])
        preview.applied = True
    return preview
