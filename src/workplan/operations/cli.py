"""The operations commands of the ``workplan`` script: init, org, backup, restore, move-to.

``add_commands`` adds their parsers to the main script's; ``HANDLERS`` maps each command to
its function. Nothing Django is imported before the handlers run (the data folder may be a
flag of the command itself).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workplan.cli import EXIT_USAGE, CommandError


def add_commands(sub: Any) -> None:
    """The parsers of the operations commands, added to the main script's subparsers."""
    init = sub.add_parser(
        "init",
        help="first run: the data folder, the database, the organisation's top unit and the first admin",
        description="Interactive on a terminal; by flags for scripts (--no-input). Without a password "
        "the admin gets a one-time password, printed once, to change at the first sign-in.",
    )
    init.add_argument("--data-dir", help="the data folder (default: $WORKPLAN_DATA_DIR, else ./data)")
    init.add_argument("--organisation", help="the organisation's name (its top unit)")
    init.add_argument("--code", help="the top unit's code (default: ORG)")
    init.add_argument("--admin", dest="admin_username", help="the first administrator's username")
    init.add_argument("--admin-email", default=None)
    init.add_argument("--admin-name", default=None, help="the administrator's full name")
    init.add_argument(
        "--admin-password-file",
        help="read the admin's password from this file (or set WORKPLAN_ADMIN_PASSWORD)",
    )
    init.add_argument("--no-input", action="store_true", help="never ask; fail on what is missing")

    org = sub.add_parser("org", help="the organisation (units and users) as one .xlsx workbook")
    actions = org.add_subparsers(dest="org_command", metavar="ACTION", parser_class=type(org), required=True)
    export = actions.add_parser("export", help="write every unit and user to a workbook")
    export.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
    export.add_argument("--language", choices=["zh", "en"], default="zh", help="header language")
    template = actions.add_parser("template", help="write the empty workbook with its headers")
    template.add_argument("-o", "--output", required=True)
    template.add_argument("--language", choices=["zh", "en"], default="zh")
    imp = actions.add_parser("import", help="compare a workbook with the site; --apply stores it")
    imp.add_argument("file")
    imp.add_argument("--apply", action="store_true", help="store the changes (default: a dry run)")
    imp.add_argument(
        "--passwords", help="write the new users' one-time passwords to this file (default: print them)"
    )
    for parser in (export, imp):
        parser.add_argument("--as", dest="username", help="act as this user (default: the system actor)")

    backup = sub.add_parser(
        "backup", help="write one archive: the database, every stored file, a manifest with checksums"
    )
    backup.add_argument("-o", "--output", required=True, help="the archive to write (.tar.gz)")
    restore = sub.add_parser(
        "restore", help="restore an archive into an empty data folder or database, then migrate"
    )
    restore.add_argument("file")
    move = sub.add_parser(
        "move-to", help="copy this SQLite site into an empty PostgreSQL database and verify the copy"
    )
    move.add_argument("url", metavar="DATABASE_URL", help="postgres://USER:PASSWORD@HOST:PORT/DBNAME (empty)")


def data_dir_from_flags(args: argparse.Namespace) -> None:
    """``--data-dir`` of ``init`` becomes WORKPLAN_DATA_DIR before Django reads its settings."""
    folder = getattr(args, "data_dir", None)
    if folder:
        os.environ["WORKPLAN_DATA_DIR"] = str(Path(folder).expanduser().resolve())


def _interactive(args: argparse.Namespace) -> bool:
    return not args.no_input and sys.stdin.isatty()


def _ask(args: argparse.Namespace, value: str | None, prompt: str, default: str = "") -> str:
    if value:
        return value
    if not _interactive(args):
        if default:
            return default
        raise CommandError(f"{prompt.lower()} is missing (add its flag, or run on a terminal)")
    shown = f" [{default}]" if default else ""
    answer = input(f"{prompt}{shown}: ").strip()
    return answer or default


def _password(args: argparse.Namespace) -> str | None:
    if args.admin_password_file:
        try:
            return Path(args.admin_password_file).read_text(encoding="utf-8").strip("\r\n")
        except OSError as error:
            raise CommandError(f"cannot read {args.admin_password_file}: {error.strerror or error}") from None
    from_env = os.environ.get("WORKPLAN_ADMIN_PASSWORD")
    if from_env:
        return from_env
    if not _interactive(args):
        return None
    first = getpass.getpass("Administrator's password (empty: a one-time password): ")
    if not first:
        return None
    if getpass.getpass("Again: ") != first:
        raise CommandError("the two passwords differ; nothing was changed")
    return first


def _init(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command

    from workplan.accounts.services import system_actor
    from workplan.operations.services import site_initialise

    print(f"Data folder: {settings.DATA_DIR}")
    call_command("migrate", interactive=False, verbosity=0)
    print("Database: migrated")
    organisation = _ask(args, args.organisation, "Organisation name")
    code = _ask(args, args.code, "Top unit's code", default="ORG")
    username = _ask(args, args.admin_username, "Administrator's username", default="admin")
    email = args.admin_email if args.admin_email is not None else _ask(args, None, "E-mail", default="-")
    result = site_initialise(
        actor=system_actor(),
        organisation=organisation,
        code=code,
        admin_username=username,
        admin_password=_password(args),
        admin_email="" if email == "-" else email,
        admin_name=args.admin_name or "",
    )
    print(f"Organisation: {result.unit.name} ({result.unit.code})")
    print(f"Administrator: {result.admin.username}")
    if result.one_time_password:
        print(f"One-time password: {result.one_time_password}  (change it at the first sign-in)")
    print(
        "Next: `workplan serve`, sign in, and follow the welcome page: import the organisation "
        "(`workplan org template -o org.xlsx`, fill it in, `workplan org import org.xlsx --apply`), "
        "then the first plan (`workplan import PLAN.docx --yes`)."
    )
    return 0


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as error:
        raise CommandError(f"cannot write {path}: {error.strerror or error}") from None


def _org(args: argparse.Namespace) -> int:
    from workplan.cli import _actor
    from workplan.operations.orgsheet.export import org_export, org_template
    from workplan.operations.services import organisation_import

    if args.org_command == "template":
        _write(Path(args.output), org_template(language=args.language))
        print(f"Wrote {args.output}")
        return 0
    actor = _actor(args.username)
    if args.org_command == "export":
        _write(Path(args.output), org_export(user=actor, language=args.language))
        print(f"Wrote {args.output}")
        return 0
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror or error}") from None
    preview = organisation_import(actor=actor, data=data, filename=path.name, apply=args.apply)
    print(preview.describe())
    if preview.passwords:
        lines = "".join(f"{name}\t{password}\n" for name, password in preview.passwords.items())
        if args.passwords:
            target = Path(args.passwords)
            _write(target, b"")
            target.chmod(0o600)
            _write(target, f"username\tone-time password\n{lines}".encode())
            print(f"One-time passwords of {len(preview.passwords)} new users: {target}")
        else:
            print("One-time passwords (shown only now; each is changed at the first sign-in):")
            print(lines, end="")
    return 0 if preview.ok else EXIT_USAGE


def _backup(args: argparse.Namespace) -> int:
    import time

    from workplan.operations.archive import backup_create

    started = time.perf_counter()
    result = backup_create(output=Path(args.output))
    print(f"{result.describe()} in {time.perf_counter() - started:.1f} s")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    from workplan.operations.archive import backup_restore

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"cannot read {path}: no such file")
    result = backup_restore(path=path)
    call_command("migrate", interactive=False, verbosity=0)
    print(result.describe())
    print("The site is ready: `workplan serve`.")
    return 0


def _move_to(args: argparse.Namespace) -> int:
    import time

    from workplan.operations.moving import move_to

    started = time.perf_counter()
    result = move_to(url=args.url)
    print(result.describe())
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "move-to": _move_to,
    "init": _init,
    "org": _org,
    "backup": _backup,
    "restore": _restore,
}
