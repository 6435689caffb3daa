"""The dependency rules of STYLE.md, checked on the source: imports point one way."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "workplan"
DOMAIN_APPS = ("accounts", "plans")
ADAPTER_LAYERS = ("views", "api", "cli", "admin", "urls", "forms")


def _modules() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts and "tests" not in p.parts]


def _module_level_imports(path: Path) -> set[str]:
    """Imports executed when the module loads (not those inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        nodes = [node]
        if isinstance(node, ast.If):  # `if TYPE_CHECKING:` blocks never run
            continue
        for item in nodes:
            if isinstance(item, ast.Import):
                found.update(alias.name for alias in item.names)
            elif isinstance(item, ast.ImportFrom) and item.module:
                found.add(item.module)
                found.update(f"{item.module}.{alias.name}" for alias in item.names)
    return found


def _all_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def _layer(path: Path) -> str:
    return path.stem


def test_parsing_imports_no_django_and_no_other_app():
    for path in (PACKAGE / "parsing").rglob("*.py"):
        for name in _all_imports(path):
            assert not name.startswith("django"), f"{path}: parsing must not import {name}"
            if name.startswith("workplan."):
                assert name.startswith("workplan.parsing"), f"{path}: parsing must not import {name}"


def test_core_knows_no_domain_app():
    for path in (PACKAGE / "core").rglob("*.py"):
        if "tests" in path.parts or path.name == "testing.py":
            continue
        for name in _module_level_imports(path):
            for app in (*DOMAIN_APPS, "web", "permissions"):
                assert not name.startswith(f"workplan.{app}"), f"{path}: core must not import {name}"


def test_models_import_no_services_selectors_or_adapters():
    for path in _modules():
        if path.name != "models.py":
            continue
        for name in _module_level_imports(path):
            last = name.split(".")[-1]
            assert last not in {"services", "selectors", "importing", *ADAPTER_LAYERS}, (
                f"{path} imports {name}"
            )
            assert name != "workplan.permissions", f"{path}: models reach permissions only lazily"


def test_services_and_selectors_import_no_adapters():
    for path in _modules():
        if _layer(path) not in {"services", "selectors", "importing"}:
            continue
        for name in _module_level_imports(path) | _all_imports(path):
            if name.startswith("workplan."):
                assert name.split(".")[-1] not in ADAPTER_LAYERS, f"{path} imports adapter {name}"
                assert not name.startswith("workplan.web"), f"{path} imports {name}"


# Model writes: instance.save()/delete(), Manager.create/update, QuerySet(...).update(), bulk writes.
WRITE_CALL = re.compile(
    r"\.(save|delete|bulk_create|bulk_update|get_or_create|update_or_create)\(|objects\.(create|update)\(|\)\.update\("
)
# A read that skips the permission policy: ``Model.objects.<anything but visible_to or none>``.
UNSCOPED_READ = re.compile(r"\b[A-Z]\w*\.objects\.(?!visible_to\b|none\(\))\w+")


def _adapters() -> list[Path]:
    """Every module that is an adapter: HTML views (any ``views.py``, everything under
    ``web/``, the generic record pages), API endpoints and resources, the CLI (``cli.py`` and
    any app's ``cli.py``) and scheduled jobs."""
    found = []
    for path in _modules():
        parts = path.relative_to(PACKAGE).parts
        if (
            path.name in {"views.py", "api.py", "cli.py", "jobs.py", "resources.py", "records.py"}
            or parts[0] == "web"
            or parts[:2] == ("api", "endpoints")
        ):
            found.append(path)
    return found


def test_the_adapter_list_is_not_empty():
    names = {p.relative_to(PACKAGE).as_posix() for p in _adapters()}
    assert {"cli.py", "web/views.py", "web/records.py", "api/endpoints/items.py", "plans/views.py"} <= names


def _code_lines(path: Path) -> list[tuple[int, str]]:
    """(number, line) of the module's code, without docstrings and comments."""
    source = path.read_text(encoding="utf-8")
    docstring_lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            docstring_lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return [
        (number, line.split("#", 1)[0])
        for number, line in enumerate(source.splitlines(), start=1)
        if number not in docstring_lines
    ]


def test_adapters_do_not_write_models_directly():
    for path in _adapters():
        for number, line in _code_lines(path):
            if line.lstrip().startswith("@"):  # a route decorator such as @router.delete(...)
                continue
            assert not WRITE_CALL.search(line), (
                f"{path}:{number} writes a model in an adapter: {line.strip()}"
            )


def test_adapters_read_scoped_objects_only_through_the_policy():
    """An adapter reads models through selectors or ``visible_to``, never ``Model.objects.get``."""
    for path in _adapters():
        for number, line in _code_lines(path):
            assert not UNSCOPED_READ.search(line), f"{path}:{number} reads a model unscoped: {line.strip()}"


def test_the_checks_catch_what_they_are_for():
    assert WRITE_CALL.search("plan.save(update_fields=['title'])")
    assert WRITE_CALL.search("Plan.objects.create(title='x')")
    assert WRITE_CALL.search("Plan.objects.filter(pk=1).update(title='x')")
    assert UNSCOPED_READ.search("Unit.objects.filter(code=code).first()")
    assert not UNSCOPED_READ.search("Unit.objects.visible_to(user).filter(code=code)")
    assert not UNSCOPED_READ.search("queryset=Unit.objects.none()")


# Permission rules (a scope's units, an admin flag, Django's staff flags) are stated only in
# the policy modules: workplan/permissions.py and each app's policies.py.
RULE = re.compile(
    r"\bscope_for\(|(?<!permissions)\.is_admin\b|\.is_staff\b|\.is_superuser\b|\.units\(|units_by_role"
)


def test_no_permission_rule_outside_the_policy_modules():
    allowed = {"permissions.py", "policies.py", "testing.py", "admin.py", "demo.py", "synth.py"}
    for path in _modules():
        if path.name in allowed or path.parts[-2:] == ("core", "policy.py"):
            continue
        for number, line in _code_lines(path):
            assert not RULE.search(line), f"{path}:{number} states a permission rule: {line.strip()}"
    for template in PACKAGE.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"user\.is_(staff|superuser)|perms\.", text), f"{template} decides a permission"
