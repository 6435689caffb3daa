"""The `workplan` console script (temporary: parse only; the full CLI follows)."""

from __future__ import annotations

import argparse
import json
import sys

from workplan.parsing import ParseError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="workplan")
    sub = parser.add_subparsers(dest="command", required=True)
    parse = sub.add_parser("parse")
    parse.add_argument("file")
    parse.add_argument("--year", type=int)
    parse.add_argument("--format", choices=["json", "tree"], default="tree")
    args = parser.parse_args(argv)
    from workplan.parsing import parse_file, render_tree  # type: ignore[attr-defined]

    try:
        plan = parse_file(args.file, year=args.year)
    except ParseError as error:
        print(f"workplan: error: {error}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(plan.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_tree(plan))
    return 0


if __name__ == "__main__":
    sys.exit(main())
