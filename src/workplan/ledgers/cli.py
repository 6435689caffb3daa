"""The ``workplan ledger …`` and ``workplan indicator …`` commands (wired in ``workplan.cli``)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

EXIT_PROBLEMS = 2


class CommandFailed(Exception):
    """A one-line error for the console (exit 2)."""


def add_commands(sub: Any, parser_class: Any) -> None:
    ledger = sub.add_parser("ledger", help="ledgers (台账): list, export to .xlsx, import from .xlsx")
    actions = ledger.add_subparsers(
        dest="ledger_command", metavar="ACTION", parser_class=parser_class, required=True
    )
    listing = actions.add_parser("list", help="the ledgers with their number of records")
    listing.add_argument("--format", choices=["text", "json"], default="text")
    listing.add_argument("--as", dest="username", help="act as this user (default: the system actor)")
    export = actions.add_parser("export", help="write a ledger's records as .xlsx")
    export.add_argument("code")
    export.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
    export.add_argument("--as", dest="username", help="act as this user (default: the system actor)")
    load = actions.add_parser(
        "import", help="check a sheet against a ledger; --apply stores it (all or nothing)"
    )
    load.add_argument("code")
    load.add_argument("file")
    load.add_argument("--apply", action="store_true", help="store the rows (default: a dry run)")
    load.add_argument("--as", dest="username", help="act as this user (default: the system actor)")
    indicator = sub.add_parser("indicator", help="indicators computed from ledgers")
    ind_actions = indicator.add_subparsers(
        dest="indicator_command", metavar="ACTION", parser_class=parser_class, required=True
    )
    ind_list = ind_actions.add_parser("list", help="indicators with value, target and attainment")
    ind_list.add_argument("--plan", type=int, help="only this plan's indicators")
    ind_list.add_argument("--format", choices=["text", "json"], default="text")
    ind_list.add_argument("--as", dest="username", help="act as this user (default: the system actor)")


def ledger_command(args: argparse.Namespace, actor: Any) -> int:
    from workplan.ledgers import selectors
    from workplan.ledgers.sheets import export_ledger, import_ledger

    if args.ledger_command == "list":
        rows = [
            {
                "code": ledger.code,
                "name": ledger.name,
                "records": getattr(ledger, "record_count", 0),
                "active": ledger.is_active,
            }
            for ledger in selectors.ledger_list(user=actor)
        ]
        _print(rows, args.format, "{code}\t{records}\t{name}")
        return 0
    ledger = selectors.ledger_get_for_user(user=actor, key=args.code)
    if args.ledger_command == "export":
        output = Path(args.output)
        try:
            output.write_bytes(export_ledger(user=actor, ledger=ledger))
        except OSError as error:
            raise CommandFailed(f"cannot write {output}: {error.strerror or error}") from None
        print(f"Wrote {output}")
        return 0
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandFailed(f"cannot read {path}: {error.strerror or error}") from None
    preview = import_ledger(user=actor, ledger=ledger, data=data, filename=path.name, apply=args.apply)
    print(preview.describe())
    return 0 if preview.ok else EXIT_PROBLEMS


def indicator_command(args: argparse.Namespace, actor: Any) -> int:
    from workplan.ledgers import selectors
    from workplan.plans.selectors import plan_get_for_user

    plan = plan_get_for_user(user=actor, plan_id=args.plan) if args.plan else None
    rows = [
        {
            "code": row.code,
            "name": row.name,
            "value": row.value,
            "target": row.target if row.target_id is not None or row.target is not None else None,
            "attainment": row.attainment if row.target is not None else None,
            "status": row.status,
            "unit": row.measure_unit,
            "item_id": row.item_id,
            "records": row.records,
        }
        for row in selectors.indicator_list(user=actor, plan=plan)
    ]
    _print(rows, args.format, "{code}\t{value}\t{target}\t{status}\t{name}")
    return 0


def _print(rows: list[dict[str, Any]], form: str, line: str) -> None:
    if form == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        print(line.format(**row))
