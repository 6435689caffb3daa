"""The ``workplan`` console script.

Its own subcommands (``demo``, ``serve``, ``synth``, ``parse``, ``import``) come first; any
other word is handed to Django's management commands (``workplan migrate``,
``workplan createsuperuser`` …). Every failure the user can cause ends with one line on
stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
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

    serve = sub.add_parser("serve", help="serve the site with gunicorn: one process per core (production)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=0, help="worker processes (default: one per core)")
    serve.add_argument("--threads", type=int, default=4, help="threads in each worker")
    serve.add_argument(
        "--timeout", type=int, default=60, help="seconds before a stuck request's worker restarts"
    )
    serve.add_argument("--embedded", action="store_true", help="one process with waitress, as the demo runs")

    synth = sub.add_parser("synth", help="generate a realistic organisation and plan for benchmarks")
    synth.add_argument("--units", type=int, default=50)
    synth.add_argument("--items", type=int, default=500)
    synth.add_argument("--periods", type=int, default=0)
    synth.add_argument("--plans", type=int, default=1)
    synth.add_argument("--seed", type=int, default=1)
    synth.add_argument(
        "--group-size",
        type=int,
        default=0,
        help="groups of one item and N-1 children (the peer benchmark's shape)",
    )

    parse = sub.add_parser("parse", help="read a plan document and print its items and promises")
    parse.add_argument("file")
    parse.add_argument("--year", type=int)
    parse.add_argument("--format", choices=["json", "tree"], default="tree")

    imp = sub.add_parser("import", help="import a plan document as a new plan")
    imp.add_argument("file")
    imp.add_argument("--year", type=int)
    imp.add_argument("--owner", help="code of the owning unit (default: the top unit)")
    imp.add_argument("--as", dest="username", help="act as this user (default: the system actor)")
    imp.add_argument("--plan", type=int, help="a revised document for this existing plan: show the diff")
    imp.add_argument("--yes", action="store_true", help="store without asking")

    breakdown = sub.add_parser("breakdown", help="the task breakdown table (.xlsx), out and in")
    actions = breakdown.add_subparsers(
        dest="breakdown_command", metavar="ACTION", parser_class=_Parser, required=True
    )
    export = actions.add_parser("export", help="write a plan's breakdown table")
    export.add_argument("plan_id", type=int)
    export.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
    export.add_argument("--language", choices=["zh", "en"], help="header language (default: the plan's)")
    export.add_argument("--as", dest="username", help="act as this user (default: the system actor)")
    bimport = actions.add_parser("import", help="compare an edited table with the plan; --apply stores it")
    bimport.add_argument("plan_id", type=int)
    bimport.add_argument("file")
    bimport.add_argument("--apply", action="store_true", help="store the changes (default: a dry run)")
    bimport.add_argument("--as", dest="username", help="act as this user (default: the system actor)")

    token = sub.add_parser("token", help="personal API tokens for /api/v1: create, list, revoke")
    token_actions = token.add_subparsers(
        dest="token_command", metavar="ACTION", parser_class=_Parser, required=True
    )
    token_create = token_actions.add_parser(
        "create", help="make a token and print its secret (shown only once)"
    )
    token_create.add_argument("--user", required=True, dest="token_user", metavar="USERNAME")
    token_create.add_argument("--name", default="", help="what the token is for, e.g. 'OA sync'")
    token_create.add_argument("--expires-days", type=int, help="expire after this many days (default: never)")
    token_list = token_actions.add_parser("list", help="list tokens (all, or one user's)")
    token_list.add_argument("--user", dest="token_user", metavar="USERNAME")
    token_revoke = token_actions.add_parser("revoke", help="revoke a token: it stops working at once")
    token_revoke.add_argument("token", help="the token's id or prefix (as `token list` shows)")

    worker = sub.add_parser("worker", help="run background tasks (WORKPLAN_TASKS=database or celery)")
    worker.add_argument("--once", action="store_true", help="run the tasks that are due, then exit")
    worker.add_argument("--interval", type=float, default=2.0, help="seconds between looks at the queue")
    worker.add_argument("--concurrency", type=int, default=2, help="Celery worker threads")

    from workplan.ledgers.cli import add_commands as add_ledger_commands

    add_ledger_commands(sub, _Parser)

    from workplan.assessment.cli import add_parser as add_assess_parser

    add_assess_parser(sub, _Parser)

    from workplan.operations.cli import add_commands as add_operations_commands

    add_operations_commands(sub)

    tick = sub.add_parser("tick", help="send due reminders and raise supervision warnings (run from cron)")
    tick.add_argument(
        "--now", help="act as if it were this moment (ISO 8601, e.g. 2019-06-26T09:00; default: now)"
    )
    rollups = sub.add_parser(
        "rollups", help="check the stored status inputs of the dashboards; --repair fixes drift"
    )
    rollups.add_argument("action", choices=["check"])
    rollups.add_argument("--repair", action="store_true", help="recompute the plans that drifted")
    from workplan.reports.cli import add_parsers

    add_parsers(sub, _Parser)
    return parser


OWN_COMMANDS = frozenset(
    {
        "demo",
        "serve",
        "synth",
        "parse",
        "import",
        "breakdown",
        "tick",
        "token",
        "worker",
        "ledger",
        "indicator",
        "assess",
        "init",
        "org",
        "backup",
        "restore",
        "move-to",
        "report",
        "plan",
        "rollups",
    }
)


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
    if args.command == "demo":
        # The demo's published passwords are for trying it out: no authenticator app is asked for
        # unless WORKPLAN_2FA_REQUIRED_ROLES says so (a real site requires it of admins and planners).
        os.environ.setdefault("WORKPLAN_2FA_REQUIRED_ROLES", "")
    from workplan.operations import cli as operations

    operations.data_dir_from_flags(args)
    _setup_django()
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "demo": _demo,
        "serve": _serve,
        "synth": _synth,
        "import": _import,
        "breakdown": _breakdown,
        "tick": _tick,
        "worker": _worker,
        "token": _token,
        "ledger": _ledgers,
        "indicator": _ledgers,
        "assess": _assess,
        **operations.HANDLERS,
        "report": _report,
        "plan": _plan,
        "rollups": _rollups,
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
        _compile_translations()
    except ConfigurationError as error:
        raise CommandError(str(error)) from None
    except ImportError as error:  # a driver missing for the configured database
        raise CommandError(f"cannot load the database driver: {error}") from None


def _compile_translations() -> None:
    """Compile the UI catalogues if a .po is newer than its .mo (e.g. after a git pull)."""
    from workplan.core.translations import compile_catalogues

    with contextlib.suppress(OSError):  # a read-only install keeps the catalogues it was built with
        compile_catalogues(only_stale=True)


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
    return _serve_embedded(args.host, args.port, threads=8)


def _serve(args: argparse.Namespace) -> int:
    if args.embedded:
        return _serve_embedded(args.host, args.port, threads=args.threads)
    from workplan import server

    if min(args.workers, args.threads - 1, args.timeout - 1) < 0:
        raise CommandError("--workers must be 0 or more, --threads and --timeout 1 or more")
    options = server.ServerOptions(
        host=args.host, port=args.port, workers=args.workers, threads=args.threads, timeout=args.timeout
    )
    workers = options.gunicorn_config()["workers"]
    print(f"Serving workplan on http://{args.host}:{args.port}/ with {workers} process(es)", flush=True)
    server.serve(options)
    return 0


def _serve_embedded(host: str, port: int, *, threads: int) -> int:
    from waitress import serve

    from workplan.config.wsgi import application

    print(f"Serving workplan on http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    serve(application, host=host, port=port, threads=threads, ident="workplan")
    return 0


def _synth(args: argparse.Namespace) -> int:
    import time

    from workplan import synth

    _migrate()
    started = time.perf_counter()
    summary = synth.synthesise(
        units=args.units,
        items=args.items,
        periods=args.periods,
        plans=args.plans,
        seed=args.seed,
        group_size=args.group_size,
    )
    elapsed = time.perf_counter() - started
    print(f"{summary} in {elapsed:.2f} s")
    return 0


def _import(args: argparse.Namespace) -> int:
    from workplan.accounts.selectors import top_unit_for_user, unit_list_for_user
    from workplan.parsing import ParseError, parse_file
    from workplan.plans.importing import plan_import

    path = Path(args.file)
    try:
        parsed = parse_file(path, year=args.year)
    except ParseError as error:
        raise CommandError(str(error)) from None
    actor = _actor(args.username)
    if args.plan is not None:
        return _import_revision(args, actor, parsed)
    owner = (
        unit_list_for_user(user=actor).filter(code=args.owner).first()
        if args.owner
        else top_unit_for_user(user=actor)
    )
    if owner is None:
        raise CommandError(
            f"no unit with code {args.owner!r}"
            if args.owner
            else "no units yet: create the organisation first (`workplan init`, then `workplan org import`)"
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


def _import_revision(args: argparse.Namespace, actor: Any, parsed: Any) -> int:
    from workplan.plans.revisions import revision_apply, revision_diff
    from workplan.plans.selectors import plan_get_for_user

    plan = plan_get_for_user(user=actor, plan_id=args.plan)
    diff = revision_diff(user=actor, plan=plan, parsed=parsed)
    print(diff.describe())
    if not args.yes:
        print("Dry run: nothing was changed (add --yes to apply the revision).")
        return 0
    revision_apply(actor=actor, diff=diff)
    print(f"Applied the revision to plan {plan.pk}.")
    return 0


def _actor(username: str | None) -> Any:
    """The user a command acts as: ``--as USERNAME``, else the named system actor."""
    from workplan.accounts.selectors import active_user_named
    from workplan.accounts.services import system_actor

    if not username:
        return system_actor()
    actor = active_user_named(username)
    if actor is None:
        raise CommandError(f"no active user {username!r}")
    return actor


def _report(args: argparse.Namespace) -> int:
    from workplan.reports.cli import run_report

    return run_report(args, _actor(args.username))


def _plan(args: argparse.Namespace) -> int:
    from workplan.reports.cli import run_plan

    return run_plan(args, _actor(args.username))


def _breakdown(args: argparse.Namespace) -> int:
    from workplan.plans.breakdown.changes import breakdown_import
    from workplan.plans.breakdown.export import breakdown_export
    from workplan.plans.selectors import plan_get_for_user

    actor = _actor(args.username)
    plan = plan_get_for_user(user=actor, plan_id=args.plan_id)
    if args.breakdown_command == "export":
        output = Path(args.output)
        try:
            output.write_bytes(breakdown_export(user=actor, plan=plan, language=args.language))
        except OSError as error:
            raise CommandError(f"cannot write {output}: {error.strerror or error}") from None
        print(f"Wrote {output}")
        return 0
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror or error}") from None
    preview = breakdown_import(actor=actor, plan=plan, data=data, filename=path.name, apply=args.apply)
    print(preview.describe())
    return 0 if preview.ok else EXIT_USAGE


def _ledgers(args: argparse.Namespace) -> int:
    from workplan.ledgers import cli as ledgers

    try:
        if args.command == "ledger":
            return ledgers.ledger_command(args, _actor(args.username))
        return ledgers.indicator_command(args, _actor(args.username))
    except ledgers.CommandFailed as error:
        raise CommandError(str(error)) from None


def _assess(args: argparse.Namespace) -> int:
    from workplan.assessment.cli import handle

    return handle(args, _actor(args.username), CommandError)


def _rollups(args: argparse.Namespace) -> int:
    from workplan.accounts.services import system_actor
    from workplan.progress import services
    from workplan.progress.selectors.rollups import rollup_drift

    actor = system_actor()
    drifted = 0
    for plan, tracks, items, tallies in rollup_drift(user=actor):
        if tracks or items or tallies:
            drifted += 1
            print(
                f"plan {plan.pk} {plan.title}: {tracks} tracks, {items} items, {tallies} report tallies drifted"
            )
            if args.repair:
                print(f"  repaired: {services.rollups_repair(actor=actor, plan=plan)} items changed")
    print("roll-up state current" if not drifted else f"{drifted} plan(s) drifted")
    return 1 if drifted and not args.repair else 0


def _tick(args: argparse.Namespace) -> int:
    import datetime as dt

    from django.utils import timezone

    from workplan.progress.jobs import run_due_tasks, tick

    now = None
    if args.now:
        try:
            now = dt.datetime.fromisoformat(args.now)
        except ValueError:
            raise CommandError(f"--now {args.now!r} is not an ISO 8601 date and time") from None
        if timezone.is_naive(now):
            now = timezone.make_aware(now)
    print(tick(now=now))
    retried = run_due_tasks()
    if retried:
        print(f"{retried} background task attempt(s) run")
    return 0


def _worker(args: argparse.Namespace) -> int:
    from workplan.tasks import engines, worker

    if args.interval <= 0 or args.concurrency < 1:
        raise CommandError("--interval must be above 0 and --concurrency at least 1")
    if engines.engine() == "celery":
        return worker.run_celery(concurrency=args.concurrency)
    if args.once:
        print(f"{worker.run_once()} task attempt(s) run")
        return 0
    return worker.run_forever(interval=args.interval)


def _token(args: argparse.Namespace) -> int:
    from workplan.accounts.selectors import active_user_named
    from workplan.api import selectors, services

    actor = _actor(None)
    action = args.token_command
    if action == "create":
        user = active_user_named(args.token_user)
        if user is None:
            raise CommandError(f"no active user {args.token_user!r}")
        token, secret = services.token_create(
            actor=actor, user=user, name=args.name, expires_days=args.expires_days
        )
        print(secret)
        expiry = f", expires {token.expires_at:%Y-%m-%d}" if token.expires_at else ""
        print(
            f"Token {token.pk} ({token.prefix}) for {user.username}{expiry}. The secret above is shown only "
            "now: send it as `Authorization: Bearer <secret>`.",
            file=sys.stderr,
        )
        return 0
    tokens = selectors.token_list_for_user(user=actor)
    if action == "list":
        if args.token_user:
            tokens = tokens.filter(user__username=args.token_user)
        print(f"{'id':>5}  {'prefix':<10} {'user':<20} {'name':<24} {'expires':<10} {'last used':<16} state")
        for token in tokens:
            state = "revoked" if token.revoked_at else "active"
            expires = f"{token.expires_at:%Y-%m-%d}" if token.expires_at else "never"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            print(
                f"{token.pk:>5}  {token.prefix:<10} {token.user.username:<20} {token.name[:24]:<24} {expires:<10} {used:<16} {state}"
            )
        return 0
    key = args.token.removeprefix("wp_").split(".", 1)[0]
    found = tokens.filter(pk=int(key)).first() if key.isdigit() else tokens.filter(prefix=key).first()
    if found is None:
        raise CommandError(f"no API token {args.token!r}")
    services.token_revoke(actor=actor, token=found)
    print(f"Revoked token {found.pk} ({found.prefix}) of {found.user.username}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
