"""The ``workplan`` console script.

Its own subcommands (``demo``, ``serve``, ``synth``, ``parse``, ``import``) come first; any
other word is handed to Django's management commands (``workplan migrate``,
``workplan createsuperuser`` …). Every failure the user can cause ends with one line on
stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

EXIT_USAGE = 2


class CommandError(Exception):
    """A failure to report as one line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse prints its usage block; one line is what we promise.
        raise CommandError(f"{self.prog}: {message}")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="workplan",
        description="workplan: turn an annual work plan into tracked, measured, supervised work.",
        epilog="Any other command is a Django management command, e.g. `workplan migrate`, "
        "`workplan createsuperuser`, `workplan help`.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = sub.add_parser("demo", help="set up a demo site with the seed plan and serve it")
    demo.add_argument("--no-serve", action="store_true", help="set up and exit")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)

    serve = sub.add_parser("serve", help="serve the site with waitress")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--threads", type=int, default=8)

    synth = sub.add_parser("synth", help="generate a realistic organisation and plan for benchmarks")
    synth.add_argument("--units", type=int, default=50)
    synth.add_argument("--items", type=int, default=500)
    synth.add_argument("--periods", type=int, default=0)
    synth.add_argument("--plans", type=int, default=1)
    synth.add_argument("--seed", type=int, default=1)

    parse = sub.add_parser("parse", help="read a plan document and print its items and promises")
    parse.add_argument("file")
    parse.add_argument("--year", type=int)
    parse.add_argument("--format", choices=["json", "tree"], default="tree")

    imp = sub.add_parser("import", help="import a plan document as a new plan")
    imp.add_argument("file")
    imp.add_argument("--year", type=int)
    imp.add_argument("--owner", help="code of the owning unit (default: the top unit)")
    imp.add_argument("--as", dest="username", help="act as this user (default: the system actor)")
    imp.add_argument("--yes", action="store_true", help="store without asking")
    return parser


OWN_COMMANDS = frozenset({"demo", "serve", "synth", "parse", "import"})


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if not args_list or args_list[0] in {"-h", "--help"} or args_list[0] in OWN_COMMANDS:
            return _run_own(args_list)
        return _run_django(args_list)
    except CommandError as error:
        print(f"workplan: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def _run_own(argv: list[str]) -> int:
    parser = _build_parser()
    if not argv:
        parser.print_help()
        return 0
    args = parser.parse_args(argv)
    if args.command == "parse":
        return _parse(args)
    _setup_django()
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "demo": _demo,
        "serve": _serve,
        "synth": _synth,
        "import": _import,
    }
    from workplan.core import audit

    with audit.interface("cli"), _database_errors():
        return handlers[args.command](args)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workplan.config.settings")
    from workplan.config.env import ConfigurationError

    try:
        import django

        django.setup()
    except ConfigurationError as error:
        raise CommandError(str(error)) from None
    except ImportError as error:  # a driver missing for the configured database
        raise CommandError(f"cannot load the database driver: {error}") from None


class _database_errors:  # noqa: N801 - used as a context manager
    """Turn database connection failures into one readable line."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        from django.db import OperationalError

        if isinstance(exc, OperationalError):
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CommandError(f"cannot use the database: {first_line}") from None
        from workplan.core.errors import DomainError

        if isinstance(exc, DomainError):
            raise CommandError(exc.message) from None


def _run_django(argv: list[str]) -> int:
    _setup_django()
    from django.core.management import execute_from_command_line, get_commands

    if argv[0] not in get_commands() and argv[0] not in {"help", "version", "--version"}:
        raise CommandError(f"unknown command {argv[0]!r}; see `workplan --help` and `workplan help`")
    from workplan.core import audit

    with audit.interface("cli"), _database_errors():
        execute_from_command_line(["workplan", *argv])
    return 0  # execute_from_command_line exits itself on failure


def _parse(args: argparse.Namespace) -> int:
    from workplan.parsing import ParseError, parse_file, render_tree

    try:
        plan = parse_file(args.file, year=args.year)
    except ParseError as error:
        raise CommandError(str(error)) from None
    if args.format == "json":
        print(json.dumps(plan.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_tree(plan))
    return 0


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _demo(args: argparse.Namespace) -> int:
    from django.conf import settings

    from workplan import demo

    _migrate()
    report = demo.demo_setup()
    print(f"Data folder: {settings.DATA_DIR}")
    print(report.describe())
    if args.no_serve:
        return 0
    return _serve(argparse.Namespace(host=args.host, port=args.port, threads=8))


def _serve(args: argparse.Namespace) -> int:
    from waitress import serve

    from workplan.config.wsgi import application

    print(f"Serving workplan on http://{args.host}:{args.port}/ (Ctrl+C to stop)", flush=True)
    serve(application, host=args.host, port=args.port, threads=args.threads, ident="workplan")
    return 0


def _synth(args: argparse.Namespace) -> int:
    import time

    from workplan import synth

    _migrate()
    started = time.perf_counter()
    summary = synth.synthesise(
        units=args.units, items=args.items, periods=args.periods, plans=args.plans, seed=args.seed
    )
    elapsed = time.perf_counter() - started
    print(f"{summary} in {elapsed:.2f} s")
    return 0


def _import(args: argparse.Namespace) -> int:
    from workplan.accounts.models import Unit, User
    from workplan.accounts.services import system_actor
    from workplan.parsing import ParseError, parse_file
    from workplan.plans.importing import plan_import

    path = Path(args.file)
    try:
        parsed = parse_file(path, year=args.year)
    except ParseError as error:
        raise CommandError(str(error)) from None
    if args.username:
        actor = User.objects.filter(username=args.username, is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user {args.username!r}")
    else:
        actor = system_actor()
    owner = (
        Unit.objects.filter(code=args.owner).first()
        if args.owner
        else Unit.objects.filter(depth=1).order_by("path").first()
    )
    if owner is None:
        raise CommandError(
            f"no unit with code {args.owner!r}"
            if args.owner
            else "no units yet: create the organisation first"
        )
    if not args.yes:
        if not sys.stdin.isatty():
            raise CommandError("refusing to import without confirmation: add --yes")
        answer = input(f"Import {len(parsed.flat_items())} items from {path.name} into a new plan? [y/N] ")
        if answer.strip().lower() not in {"y", "yes"}:
            print("Nothing imported.")
            return 1
    result = plan_import(
        actor=actor,
        parsed=parsed,
        owner_unit=owner,
        source_name=path.name,
        source_bytes=path.read_bytes(),
        year=args.year,
    )
    print(result.plan.pk)
    print(
        f"Imported plan {result.plan.pk} ({result.plan.title}): {result.items} items, {result.targets} targets, "
        f"{result.deadlines} deadlines, {result.assignments} assignments"
        + (f"; unmatched units: {', '.join(result.unmatched_units)}" if result.unmatched_units else ""),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
