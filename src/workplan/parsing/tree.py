"""A plan as an indented outline a person reads at a glance, promises under each item."""

from __future__ import annotations

from workplan.parsing.result import ParsedItem, ParsedPlan, Target

_SYMBOLS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "="}


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _target_detail(target: Target) -> str:
    if target.value is None:
        return f"{target.kind}, no number"
    if target.comparator == "between" and target.value_max is not None:
        amount = f"{_number(target.value)}–{_number(target.value_max)}"
    else:
        symbol = _SYMBOLS.get(target.comparator or "", "≈")
        amount = f"{symbol} {_number(target.value)}"
    unit = f" {target.unit}" if target.unit else ""
    return f"{target.kind} {amount}{unit}"


def _item_lines(item: ParsedItem, out: list[str]) -> None:
    indent = "  " * (item.level - 1)
    label = item.label or f"{item.number}."
    out.append(f"{indent}{label} {item.title}".rstrip())
    out.extend(f"{indent}    ◦ target: {t.text} ({_target_detail(t)})" for t in item.targets)
    out.extend(
        f"{indent}    ◦ deadline: {d.text} → {d.date.isoformat() if d.date else 'no fixed date'}"
        for d in item.deadlines
    )
    out.extend(f"{indent}    ◦ {u.role}: {u.text}" for u in item.units)
    for child in item.children:
        _item_lines(child, out)


def render_tree(plan: ParsedPlan) -> str:
    """The outline: title, a one-line summary, then each item with its promises."""
    flat = plan.flat_items()
    lines = [plan.title or "(untitled plan)"]
    facts: list[str] = [plan.language]
    if plan.year:
        facts.append(f"year {plan.year}")
    facts.append(f"{len(plan.items)} parts, {len(flat)} items")
    counted = sum(1 for i in flat for t in i.targets if t.value is not None)
    facts.append(f"{counted} quantified targets")
    facts.append(f"{sum(len(i.deadlines) for i in flat)} deadlines")
    facts.append(f"{sum(len(i.units) for i in flat)} units")
    lines.append("(" + " · ".join(facts) + ")")
    lines.append("")
    for item in plan.items:
        _item_lines(item, lines)
    return "\n".join(lines)
