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


def test_views_do_not_write_models_directly():
    for path in _modules():
        if path.name not in {"views.py", "api.py"}:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            assert not WRITE_CALL.search(line), f"{path}:{number} writes a model in a view: {line.strip()}"
