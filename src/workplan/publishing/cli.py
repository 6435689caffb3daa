"""`workplan plan publish PLAN` and `workplan plan unpublish PLAN` (hooked into the `plan` group of
``reports.cli``): the same services as the button on the plan's Public page."""

from __future__ import annotations

import argparse
import json
from typing import Any

ACTIONS = frozenset({"publish", "unpublish"})


def add_plan_actions(plan_actions: Any) -> None:
    """Add `publish` and `unpublish` to the `plan` command's subparsers."""
    publish = plan_actions.add_parser("publish", help="publish the plan's public page (/public/plans/ID/)")
    publish.add_argument("plan_id", type=int, metavar="PLAN")
    publish.add_argument(
        "--part",
        dest="parts",
        type=int,
        action="append",
        metavar="ITEM",
        help="publish only this top-level part (an item id; repeat for more; default: the whole plan)",
    )
    unpublish = plan_actions.add_parser("unpublish", help="take the plan's public page down")
    unpublish.add_argument("plan_id", type=int, metavar="PLAN")
    for command in (publish, unpublish):
        command.add_argument("--format", choices=["json", "text"], default="text")
        command.add_argument("--as", dest="username", help="act as this user (default: the system actor)")


def run(args: argparse.Namespace, actor: Any) -> int:
    from workplan.permissions import Action
    from workplan.plans.selectors import plan_get_for_user
    from workplan.publishing import services

    plan = plan_get_for_user(user=actor, plan_id=args.plan_id, action=Action.EDIT)
    if args.plan_command == "publish":
        publication = services.publication_publish(actor=actor, plan=plan, part_ids=args.parts or [])
    else:
        publication = services.publication_unpublish(actor=actor, plan=plan)
    parts = sorted(p.pk for p in publication.parts.all())
    result = {
        "plan": plan.pk,
        "published": publication.is_active,
        "parts": parts,
        "url": f"/public/plans/{plan.pk}/",
    }
    if args.format == "json":
        print(json.dumps(result))
    elif publication.is_active:
        what = f"parts {', '.join(map(str, parts))}" if parts else "the whole plan"
        print(f"Plan {plan.pk} is published ({what}) at {result['url']}")
    else:
        print(f"Plan {plan.pk} is no longer published")
    return 0
