"""The `workplan report …` and `workplan plan list` commands (parsed in ``workplan.cli``).

The format comes from the output file's extension (.docx, .xlsx, .pdf, .html); progress
goes to stderr, the written path to stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from workplan.core.errors import Invalid
from workplan.history import cli as history_cli
from workplan.publishing import cli as publishing_cli


def add_parsers(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """`report bulletin|summary` and `plan list` on the console script's subparsers."""
    report = sub.add_parser("report", help="write the progress bulletin or the annual summary")
    kinds = report.add_subparsers(
        dest="report_command", metavar="KIND", parser_class=parser_class, required=True
    )
    bulletin = kinds.add_parser("bulletin", help="the progress bulletin (通报) of one reporting period")
    bulletin.add_argument("plan_id", type=int, metavar="PLAN")
    bulletin.add_argument("--period", required=True, help="as the calendar names it: 2019-06, 2019-Q2")
    summary = kinds.add_parser("summary", help="the annual work summary in the plan's structure")
    summary.add_argument("plan_id", type=int, metavar="PLAN")
    summary.add_argument("--year", type=int, help="the plan's year (default: the plan's)")
    for command in (bulletin, summary):
        command.add_argument("-o", "--output", required=True, help="FILE.docx, .xlsx, .pdf or .html")
        command.add_argument("--language", choices=["zh", "en"], help="default: the plan's language")
        command.add_argument("--as", dest="username", help="act as this user (default: the system actor)")
    plan = sub.add_parser("plan", help="plans: list them")
    plan_actions = plan.add_subparsers(
        dest="plan_command", metavar="ACTION", parser_class=parser_class, required=True
    )
    listing = plan_actions.add_parser("list", help="the plans the user may see")
    listing.add_argument("--format", choices=["json", "text"], default="text")
    listing.add_argument("--as", dest="username", help="act as this user (default: the system actor)")
    publishing_cli.add_plan_actions(plan_actions)  # `plan publish|unpublish` (workplan.publishing)
    history_cli.add_show_parser(plan_actions)


def run_report(args: argparse.Namespace, actor: Any) -> int:
    from django.utils import translation

    from workplan.plans.selectors import plan_get_for_user
    from workplan.reports.services import document_generate

    output = Path(args.output)
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in {"docx", "xlsx", "pdf", "html"}:
        raise Invalid(f"cannot tell the format from {output.name!r}: end it in .docx, .xlsx, .pdf or .html")
    plan = plan_get_for_user(user=actor, plan_id=args.plan_id)
    language = args.language or ("en" if plan.language.startswith("en") else "zh")
    started = time.perf_counter()
    print(f"Generating the {args.report_command} of plan {plan.pk} as .{fmt} …", file=sys.stderr)
    with translation.override("en" if language == "en" else "zh-hans"):
        result = document_generate(
            actor=actor,
            plan=plan,
            kind=args.report_command,
            fmt=fmt,
            period=getattr(args, "period", None),
            year=getattr(args, "year", None),
        )
    try:
        output.write_bytes(result.content)
    except OSError as error:
        raise Invalid(f"cannot write {output}: {error.strerror or error}") from None
    print(f"… {result.record.size} bytes in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    print(output)
    return 0


def run_plan(args: argparse.Namespace, actor: Any) -> int:
    from workplan.plans.selectors import plan_list_for_user

    if args.plan_command in publishing_cli.ACTIONS:
        return publishing_cli.run(args, actor)

    if args.plan_command == "show":
        return history_cli.run_show(args, actor)

    plans = [
        {
            "id": p.pk,
            "title": p.title,
            "year": p.year,
            "status": p.status,
            "items": getattr(p, "item_count", None),
        }
        for p in plan_list_for_user(user=actor)
    ]
    if args.format == "json":
        print(json.dumps(plans, ensure_ascii=False))
    else:
        for plan in plans:
            print(f"{plan['id']}\t{plan['year']}\t{plan['status']}\t{plan['title']}")
    return 0
