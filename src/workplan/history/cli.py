"""`workplan plan show PLAN --as-of DATE`: the plan's items as they stood at the end of that day."""

from __future__ import annotations

import argparse
import json
from typing import Any

from workplan.core import clock


def add_show_parser(plan_actions: Any) -> None:
    """The `show` action of the `plan` command group."""
    show = plan_actions.add_parser("show", help="the plan's items as they stood at the end of a day")
    show.add_argument("plan_id", type=int, metavar="PLAN")
    show.add_argument("--as-of", dest="as_of", metavar="DATE", help="YYYY-MM-DD (default: today)")
    show.add_argument("--format", choices=["json", "text"], default="text")
    show.add_argument("--as", dest="username", help="act as this user (default: the system actor)")


def run_show(args: argparse.Namespace, actor: Any) -> int:
    """Print the items (number, title, percent, status, …); a bad day is a one-line error (exit 1)."""
    from workplan.history.changes import plan_items_at
    from workplan.history.dates import check_past_day, parse_date
    from workplan.plans.selectors import plan_get_for_user

    plan = plan_get_for_user(user=actor, plan_id=args.plan_id)
    day = check_past_day(plan, parse_date(args.as_of, name="as-of")) if args.as_of else clock.today()
    items = plan_items_at(user=actor, plan=plan, day=day)
    if args.format == "json":
        print(json.dumps({"plan": plan.pk, "as_of": day.isoformat(), "items": items}, ensure_ascii=False))
    else:
        for item in items:
            percent = "—" if item["percent"] is None else f"{item['percent']}%"
            print(f"{item['number']}\t{percent}\t{item['status']}\t{item['title']}")
    return 0
