"""The organisation workbook compared with the stored units and users: changes and problems.

Every row is checked before anything is stored, and every problem is reported with its sheet,
row and column. Rows are matched by key (a unit's code, a user's username), so importing
the same sheet twice changes nothing the second time. Units and users the sheet does not
name are left as they are; a user the sheet names gets exactly the roles of their rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext

from workplan.accounts.models import SYSTEM_USERNAME, Membership, Role, Unit, UnitKind, User
from workplan.operations.orgsheet.layout import (
    FALSE_WORDS,
    REQUIRED_UNIT_COLUMNS,
    REQUIRED_USER_COLUMNS,
    TRUE_WORDS,
    UNIT_COLUMNS,
    USER_COLUMNS,
    fold,
    split_names,
)
from workplan.operations.orgsheet.reading import SheetRows, read_org_workbook

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$")
USERNAME = re.compile(r"^[\w.@+-]{1,150}$")
PHONE = re.compile(r"^[0-9+()\- ]{3,30}$")


@dataclass(frozen=True)
class SheetProblem:
    """Something wrong with a cell, a row, or a whole sheet (row and column None)."""

    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [w for w in (self.sheet, f"row {self.row}" if self.row else None, self.column) if w]
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass(frozen=True)
class OrgChange:
    """One thing an import does: ``kind`` is unit_create, unit_update, user_create,
    user_update, role_add or role_remove; ``fields`` the new values."""

    kind: str
    key: str
    sheet: str
    row: int | None
    fields: dict[str, Any]

    def __str__(self) -> str:
        where = f"{self.sheet} row {self.row}" if self.row else self.sheet
        values = ", ".join(f"{k}={v}" for k, v in self.fields.items())
        return f"{where}: {self.kind} {self.key} ({values})"


@dataclass
class OrgPreview:
    """The outcome of reading a workbook: changes, problems, and (once applied) the new
    users' one-time passwords, shown only in this answer."""

    changes: list[OrgChange] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    applied: bool = False
    passwords: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for change in self.changes:
            found[change.kind] = found.get(change.kind, 0) + 1
        return found

    def describe(self) -> str:
        lines = [f"{len(self.problems)} problem(s), {len(self.changes)} change(s)"]
        lines += [f"  problem: {p}" for p in self.problems]
        lines += [f"  {c}" for c in self.changes]
        lines += [f"  note: {n}" for n in self.notes]
        if self.applied:
            lines.append("Applied.")
        elif self.ok and self.changes:
            lines.append("Dry run: nothing was changed (add --apply to store it).")
        elif not self.ok:
            lines.append("Nothing was changed: fix the problems and import again.")
        return "\n".join(lines)


def _flag(raw: str) -> bool | None:
    if not raw:
        return True
    word = fold(raw)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def _choice_lookup(choices: type[Role] | type[UnitKind]) -> dict[str, str]:
    """A choice read by its value or its label in either language ("reporter", "单位填报员")."""
    lookup = {fold(value): value for value in choices.values}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            lookup.update({fold(str(label)): value for value, label in choices.choices})
    return lookup


class _Checker:
    """Collects the problems and changes of one workbook against the database."""

    def __init__(self) -> None:
        self.preview = OrgPreview()
        self.units: dict[str, Unit] = {u.code: u for u in Unit.objects.all()}
        self.sheet_units: dict[str, tuple[int, dict[str, Any]]] = {}

    def problem(self, message: str, sheet: SheetRows, row: int | None = None, column: str = "") -> None:
        header = sheet.headers.get(column, column) or None
        self.preview.problems.append(SheetProblem(message, sheet.name, row, header))

    def require_columns(self, sheet: SheetRows, keys: tuple[str, ...], columns: Any) -> bool:
        missing = [c for c in columns if c.key in keys and c.key not in sheet.headers]
        for column in missing:
            self.problem(
                gettext("The column “%(column)s” (%(zh)s) is missing.")
                % {"column": column.en, "zh": column.zh},
                sheet,
            )
        return not missing

    # --- units ---------------------------------------------------------------------------

    def check_units(self, sheet: SheetRows) -> None:
        if not self.require_columns(sheet, REQUIRED_UNIT_COLUMNS, UNIT_COLUMNS):
            return
        kinds = _choice_lookup(UnitKind)
        for number, values in sheet.rows:
            clean = self._unit_row(sheet, number, values, kinds)
            if clean is not None:
                self.sheet_units[clean["code"]] = (number, clean)
        self._check_parents(sheet)
        if not self.preview.problems:
            self._unit_changes(sheet)

    def _unit_row(
        self, sheet: SheetRows, number: int, values: dict[str, str], kinds: dict[str, str]
    ) -> dict[str, Any] | None:
        before = len(self.preview.problems)
        code, name = values.get("code", ""), values.get("name", "")
        if not CODE.match(code):
            self.problem(
                gettext("“%(code)s” is not a unit code: 1–50 letters, digits, '-', '_' or '.'.")
                % {"code": code[:60]}
                if code
                else gettext("The unit has no code."),
                sheet,
                number,
                "code",
            )
        elif code in self.sheet_units:
            self.problem(
                gettext("The code %(code)s is already on row %(row)s.")
                % {"code": code, "row": self.sheet_units[code][0]},
                sheet,
                number,
                "code",
            )
        if not name or len(name) > 200:
            self.problem(gettext("The unit needs a name of at most 200 characters."), sheet, number, "name")
        short_name = values.get("short_name", "")
        if len(short_name) > 100:
            self.problem(
                gettext("The short name is longer than 100 characters."), sheet, number, "short_name"
            )
        aliases = split_names(values.get("aliases", ""))
        if any(len(a) > 200 for a in aliases):
            self.problem(gettext("An alias is longer than 200 characters."), sheet, number, "aliases")
        active = _flag(values.get("active", ""))
        if active is None:
            self.problem(gettext("Write yes or no (是/否)."), sheet, number, "active")
        raw_kind = values.get("kind", "")
        kind = kinds.get(fold(raw_kind)) if raw_kind else None
        if raw_kind and kind is None:
            self.problem(
                gettext("Unknown kind “%(kind)s”; use one of %(kinds)s.")
                % {"kind": raw_kind[:60], "kinds": ", ".join(UnitKind.values)},
                sheet,
                number,
                "kind",
            )
        if len(self.preview.problems) > before:
            return None
        row: dict[str, Any] = {
            "code": code,
            "name": name,
            "short_name": short_name,
            "aliases": aliases,
            "is_active": active,
            "parent": values.get("parent", ""),
        }
        if kind:
            row["kind"] = kind
        return row

    def _parent_of(self, code: str) -> str:
        if code in self.sheet_units:
            parent: str = self.sheet_units[code][1]["parent"]
            return parent
        unit = self.units.get(code)
        if unit is None or unit.depth == 1:
            return ""
        return str(unit.get_parent().code)

    def _check_parents(self, sheet: SheetRows) -> None:
        for code, (number, row) in self.sheet_units.items():
            parent = row["parent"]
            if parent and parent not in self.sheet_units and parent not in self.units:
                self.problem(
                    gettext("The parent code %(parent)s is neither on the sheet nor a unit of the site.")
                    % {"parent": parent[:60]},
                    sheet,
                    number,
                    "parent",
                )
                continue
            seen = [code]
            current = parent
            while current and current not in seen and len(seen) <= len(self.sheet_units) + 1:
                seen.append(current)
                current = self._parent_of(current)
            if current and current in seen:
                self.problem(
                    gettext("The parent codes make a loop: %(loop)s.")
                    % {"loop": " → ".join([*seen[seen.index(current) :], current])},
                    sheet,
                    number,
                    "parent",
                )
                continue
            existing = self.units.get(code)
            if existing is not None and self._stored_parent(existing) != parent:
                self.problem(
                    gettext(
                        "The unit %(code)s is under %(stored)s on the site; the sheet cannot move "
                        "units (write %(stored)s, or move it on the unit's page)."
                    )
                    % {"code": code, "stored": self._stored_parent(existing) or "—"},
                    sheet,
                    number,
                    "parent",
                )

    def _stored_parent(self, unit: Unit) -> str:
        return "" if unit.depth == 1 else str(unit.get_parent().code)

    def _unit_changes(self, sheet: SheetRows) -> None:
        # Parents before children: the order of creation follows the depth on the sheet.
        def depth(code: str) -> int:
            count, current = 0, code
            while current:
                count, current = count + 1, self._parent_of(current)
            return count

        for code in sorted(self.sheet_units, key=lambda c: (depth(c), self.sheet_units[c][0])):
            number, row = self.sheet_units[code]
            existing = self.units.get(code)
            fields = {k: v for k, v in row.items() if k != "code"}
            if existing is None:
                self.preview.changes.append(OrgChange("unit_create", code, sheet.name, number, fields))
                continue
            fields.pop("parent")
            changed = {k: v for k, v in fields.items() if getattr(existing, k) != v}
            if changed:
                self.preview.changes.append(OrgChange("unit_update", code, sheet.name, number, changed))

    # --- users ---------------------------------------------------------------------------

    def check_users(self, sheet: SheetRows) -> None:
        if not self.require_columns(sheet, REQUIRED_USER_COLUMNS, USER_COLUMNS):
            return
        roles = _choice_lookup(Role)
        people: dict[str, dict[str, Any]] = {}
        for number, values in sheet.rows:
            self._user_row(sheet, number, values, roles, people)
        if not self.preview.problems:
            self._user_changes(sheet, people)

    def _user_row(
        self,
        sheet: SheetRows,
        number: int,
        values: dict[str, str],
        roles: dict[str, str],
        people: dict[str, dict[str, Any]],
    ) -> None:
        before = len(self.preview.problems)
        username = values.get("username", "")
        if not USERNAME.match(username) or username == SYSTEM_USERNAME:
            self.problem(
                gettext("“%(name)s” is not a username: 1–150 letters, digits or @.+-_.")
                % {"name": username[:60]}
                if username
                else gettext("The user has no username."),
                sheet,
                number,
                "username",
            )
        unit = values.get("unit", "")
        if unit not in self.sheet_units and unit not in self.units:
            self.problem(
                gettext("The unit code %(unit)s is neither on the units sheet nor a unit of the site.")
                % {"unit": unit[:60] or "—"},
                sheet,
                number,
                "unit",
            )
        role = roles.get(fold(values.get("role", "")))
        if role is None:
            self.problem(
                gettext("Unknown role “%(role)s”; use one of %(roles)s.")
                % {"role": values.get("role", "")[:60], "roles": ", ".join(Role.values)},
                sheet,
                number,
                "role",
            )
        email = values.get("email", "")
        try:
            if email:
                validate_email(email)
        except ValidationError:
            self.problem(
                gettext("“%(email)s” is not an e-mail address.") % {"email": email[:80]},
                sheet,
                number,
                "email",
            )
        phone = values.get("phone", "")
        if phone and not PHONE.match(phone):
            self.problem(
                gettext("“%(phone)s” is not a phone number.") % {"phone": phone[:40]}, sheet, number, "phone"
            )
        name = values.get("name", "")
        if len(name) > 150:
            self.problem(gettext("The name is longer than 150 characters."), sheet, number, "name")
        active = _flag(values.get("active", ""))
        if active is None:
            self.problem(gettext("Write yes or no (是/否)."), sheet, number, "active")
        if len(self.preview.problems) > before:
            return
        person = people.setdefault(
            username,
            {
                "row": number,
                "first_name": name,
                "email": email,
                "phone": phone,
                "is_active": active,
                "roles": [],
            },
        )
        for key, value in (("first_name", name), ("email", email), ("phone", phone)):
            if value and person[key] and value != person[key]:
                self.problem(
                    gettext("%(user)s is on row %(row)s with a different %(what)s.")
                    % {"user": username, "row": person["row"], "what": key.replace("first_", "")},
                    sheet,
                    number,
                    key.replace("first_", ""),
                )
            person[key] = person[key] or value
        if (unit, role) not in person["roles"]:
            person["roles"].append((unit, role))

    def _user_changes(self, sheet: SheetRows, people: dict[str, dict[str, Any]]) -> None:
        stored = {u.username: u for u in User.objects.filter(username__in=list(people))}
        held: dict[int, set[tuple[str, str]]] = {}
        for membership in Membership.objects.filter(user__in=stored.values()).select_related("unit"):
            held.setdefault(membership.user_id, set()).add((membership.unit.code, membership.role))
        for username, person in people.items():
            fields = {k: person[k] for k in ("first_name", "email", "phone", "is_active")}
            user = stored.get(username)
            if user is None:
                self.preview.changes.append(
                    OrgChange("user_create", username, sheet.name, person["row"], fields)
                )
                current: set[tuple[str, str]] = set()
            else:
                changed = {k: v for k, v in fields.items() if getattr(user, k) != v}
                if changed:
                    self.preview.changes.append(
                        OrgChange("user_update", username, sheet.name, person["row"], changed)
                    )
                current = held.get(user.pk, set())
            for unit, role in person["roles"]:
                if (unit, role) not in current:
                    fields = {"unit": unit, "role": role}
                    self.preview.changes.append(
                        OrgChange("role_add", username, sheet.name, person["row"], fields)
                    )
            for unit, role in sorted(current - set(person["roles"])):
                fields = {"unit": unit, "role": role}
                self.preview.changes.append(
                    OrgChange("role_remove", username, sheet.name, person["row"], fields)
                )


def org_preview(*, data: bytes, filename: str = "organisation.xlsx") -> OrgPreview:
    """Read an organisation workbook and compare it with the site (nothing is stored)."""
    workbook = read_org_workbook(data, filename=filename)
    checker = _Checker()
    if workbook.units is not None:
        checker.check_units(workbook.units)
    if workbook.users is not None:
        checker.check_users(workbook.users)
    preview = checker.preview
    if not preview.problems and not preview.changes:
        preview.notes.append(gettext("The site already matches the workbook: nothing to change."))
    return preview
