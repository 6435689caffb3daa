"""The UI's message catalogues: extract msgids from code and templates, check, compile.

We do not depend on GNU gettext being installed: templates go through Django's own
``templatize`` (exactly what ``makemessages`` feeds to xgettext), Python files through
the AST, and ``polib`` writes the .mo files. Run ``python -m workplan.core.translations
extract|compile|check``; ``make setup`` compiles, and the CLI compiles stale catalogues.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parents[1]
LOCALE = PACKAGE / "locale"
LANGUAGES = ("zh_Hans", "en")
GETTEXT_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
}
SKIP_PARTS = {"tests", "migrations", "parsing"}
_QUOTED = r"'(?:[^'\\]|\\.)*'" + "|" + r'"(?:[^"\\]|\\.)*"'
_TEMPLATE_CALL = re.compile(rf"\b(n?p?gettext)\(((?:u(?:{_QUOTED})(?:,\s*)?)+)")
_LITERAL = re.compile(rf"u({_QUOTED})")


@dataclass(frozen=True, order=True)
class Message:
    msgid: str
    plural: str = ""
    context: str = ""


def _python_messages(path: Path) -> Iterator[Message]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name not in GETTEXT_NAMES:
            continue
        strings = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if name.startswith("p") and len(strings) >= 2:
            yield Message(strings[1], context=strings[0])
        elif name.startswith("n") and len(strings) >= 2:
            yield Message(strings[0], plural=strings[1])
        elif strings and len(strings) == len(node.args[:1]) and isinstance(node.args[0], ast.Constant):
            yield Message(strings[0])


def _template_messages(path: Path) -> Iterator[Message]:
    from django.utils.translation.template import templatize

    for function, arguments in _TEMPLATE_CALL.findall(templatize(path.read_text(encoding="utf-8"))):
        strings = [ast.literal_eval(literal) for literal in _LITERAL.findall(arguments)]
        if function.startswith("np"):
            yield Message(strings[1], plural=strings[2], context=strings[0])
        elif function.startswith("p"):
            yield Message(strings[1], context=strings[0])
        elif function.startswith("n"):
            yield Message(strings[0], plural=strings[1])
        else:
            yield Message(strings[0])


def collect() -> list[Message]:
    """Every translatable message of the UI, sorted."""
    found: set[Message] = set()
    for path in PACKAGE.rglob("*"):
        if SKIP_PARTS & set(path.relative_to(PACKAGE).parts):
            continue
        if path.suffix == ".py":
            found.update(_python_messages(path))
        elif path.suffix in {".html", ".txt"} and "templates" in path.parts:
            found.update(_template_messages(path))
    return sorted(found)


def catalogue_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def extract() -> None:
    """Update both .po files: keep existing translations, add new msgids, drop vanished ones."""
    messages = collect()
    for language in LANGUAGES:
        path = catalogue_path(language)
        old = {(e.msgctxt or "", e.msgid): e for e in polib.pofile(str(path))} if path.exists() else {}
        po = polib.POFile(wrapwidth=0)
        po.metadata = {
            "Project-Id-Version": "workplan",
            "Language": language.replace("_", "-").lower() if language != "zh_Hans" else "zh_Hans",
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": "nplurals=1; plural=0;"
            if language == "zh_Hans"
            else "nplurals=2; plural=(n != 1);",
        }
        for message in messages:
            previous = old.get((message.context, message.msgid))
            entry = polib.POEntry(msgid=message.msgid, msgctxt=message.context or None)
            if message.plural:
                entry.msgid_plural = message.plural
                forms = 1 if language == "zh_Hans" else 2
                entry.msgstr_plural = dict.fromkeys(range(forms), "")
                if previous is not None and previous.msgstr_plural:
                    entry.msgstr_plural.update({i: previous.msgstr_plural.get(i, "") for i in range(forms)})
                if language == "en":
                    entry.msgstr_plural = {0: message.msgid, 1: message.plural}
            else:
                entry.msgstr = previous.msgstr if previous is not None else ""
                if language == "en":
                    entry.msgstr = message.msgid  # the source language translates to itself
            if previous is not None and "fuzzy" in previous.flags:
                entry.flags.append("fuzzy")
            po.append(entry)
        path.parent.mkdir(parents=True, exist_ok=True)
        po.save(str(path))


def problems() -> list[str]:
    """Missing, empty or fuzzy translations, and msgids the catalogues lack, per language."""
    found: list[str] = []
    wanted = {(m.context, m.msgid) for m in collect()}
    for language in LANGUAGES:
        path = catalogue_path(language)
        if not path.exists():
            found.append(f"{language}: no catalogue at {path}")
            continue
        po = polib.pofile(str(path))
        have = {(e.msgctxt or "", e.msgid) for e in po}
        found += [f"{language}: missing {msgid!r}" for _, msgid in sorted(wanted - have)]
        for entry in po:
            if "fuzzy" in entry.flags:
                found.append(f"{language}: fuzzy {entry.msgid!r}")
            elif (entry.msgid_plural and not all(entry.msgstr_plural.values())) or (
                not entry.msgid_plural and not entry.msgstr
            ):
                found.append(f"{language}: untranslated {entry.msgid!r}")
    return found


def compile_catalogues(*, only_stale: bool = False) -> int:
    """Write each .mo next to its .po (only when older than the .po with ``only_stale``)."""
    written = 0
    for language in LANGUAGES:
        po_path = catalogue_path(language)
        if not po_path.exists():
            continue
        mo_path = po_path.with_suffix(".mo")
        if only_stale and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written += 1
    return written


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command in {"extract", "check"}:  # these read templates, which needs Django
        import os

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workplan.config.settings")
        import django

        django.setup()
    if command == "extract":
        extract()
        print(f"{len(collect())} messages; {len(problems())} problems")
        return 0
    if command == "compile":
        print(f"compiled {compile_catalogues()} catalogues")
        return 0
    if command == "check":
        found = problems()
        print("\n".join(found) or "catalogues complete")
        return 1 if found else 0
    print("usage: python -m workplan.core.translations extract|compile|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
