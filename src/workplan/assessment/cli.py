"""``workplan assess list|run|export``: rubrics, scoring runs and the ranking workbook."""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from pathlib import Path
from typing import Any


def add_parser(sub: Any, parser_class: Any) -> None:
    assess = sub.add_parser("assess", help="assessment of units: rubrics, scoring runs, the ranking (.xlsx)")
    actions = assess.add_subparsers(
        dest="assess_command", metavar="ACTION", parser_class=parser_class, required=True
    )
    listing = actions.add_parser("list", help="the rubrics and the periods each can score")
    listing.add_argument("--format", choices=["json", "text"], default="text")
    listing.add_argument("--as", dest="username", help="act as this user (default: the system actor)")
    run = actions.add_parser("run", help="score a rubric for a period (a new version) and print the ranking")
    run.add_argument("rubric", help="the rubric's code")
    run.add_argument("--period", required=True, help="e.g. 2019-H1, 2019-Q2, 2019-06, 2019")
    run.add_argument(
        "--publish", action="store_true", help="publish the run (only for a period that has ended)"
    )
    run.add_argument("--format", choices=["json", "text"], default="text")
    run.add_argument("--as", dest="username", help="act as this user (default: the system actor)")
    export = actions.add_parser(
        "export", help="write the ranking of the newest run (published first) as .xlsx"
    )
    export.add_argument("rubric")
    export.add_argument("--period", required=True)
    export.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
    export.add_argument("--as", dest="username", help="act as this user (default: the system actor)")


def _number(value: Any) -> float:
    return float(Decimal(str(value)))


def _rows(run: Any, user: Any) -> list[dict[str, Any]]:
    from workplan.assessment import selectors

    names = {c["code"]: c["name"] for c in run.inputs.get("criteria", [])}
    return [
        {
            "unit": result.subject_label,
            "unit_code": result.unit.code if result.unit else None,
            "score": _number(result.total),
            "rank": result.rank,
            "tied": result.tied,
            "award": result.band,
            "criteria": {names.get(code, code): _number(points) for code, points in result.points.items()},
        }
        for result in selectors.results_for_user(user=user, run=run).select_related("unit")
    ]


def handle(args: argparse.Namespace, actor: Any, error: Any) -> int:
    """Run one ``assess`` action as ``actor``; ``error`` builds the CLI's usage error."""
    from workplan.assessment import selectors, services
    from workplan.assessment.export import ranking_xlsx

    if args.assess_command == "list":
        rubrics: list[dict[str, Any]] = [
            {"code": r.code, "name": r.name, "plan_id": r.plan_id, "periods": selectors.rubric_periods(r)}
            for r in selectors.rubric_list_for_user(user=actor)
        ]
        if args.format == "json":
            print(json.dumps(rubrics, ensure_ascii=False, indent=2))
        else:
            for r in rubrics:
                print(f"{r['code']:<24} {' '.join(r['periods']):<40} {r['name']}")
        return 0
    rubric = selectors.rubric_get_for_user(user=actor, code=args.rubric)
    if args.assess_command == "run":
        run = services.run_compute(actor=actor, rubric=rubric, period=args.period, publish=args.publish)
        rows = _rows(run, actor)
        if args.format == "json":
            print(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            state = (
                "published"
                if run.is_published
                else ("draft (period not ended)" if run.provisional else "draft")
            )
            print(f"{rubric.code} {run.period} v{run.number}: {state}")
            for row in rows:
                tie = "=" if row["tied"] else " "
                print(f"{row['rank']:>4}{tie} {row['score']:>8.2f}  {row['unit']}  {row['award']}")
        return 0
    run = selectors.latest_run(
        user=actor, rubric=rubric, period=selectors.rubric_period(rubric, args.period).code
    )
    output = Path(args.output)
    try:
        output.write_bytes(ranking_xlsx(user=actor, run=run))
    except OSError as problem:
        raise error(f"cannot write {output}: {problem.strerror or problem}") from None
    print(f"Wrote {output}")
    return 0
