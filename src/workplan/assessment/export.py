"""The ranking as .xlsx, in the layout offices use: rank, unit, each criterion, deductions,
total, award — and a second sheet with every criterion's figures."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from workplan.assessment import selectors
from workplan.assessment.models import CAPPED_KINDS, CriterionKind, Run

_UNSAFE_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would read as a formula is written with a leading quote."""
    if isinstance(value, str) and value.startswith(_UNSAFE_START):
        try:
            return float(Decimal(value))
        except ArithmeticError:
            return "'" + value
    return value


def ranking_xlsx(*, user: Any, run: Run) -> bytes:
    """The workbook of ``run`` as the user may see it."""
    ranking = selectors.run_ranking(user=user, run=run)
    criteria = run.inputs.get("criteria", [])
    scored = [c for c in criteria if c["kind"] not in CAPPED_KINDS or c["kind"] == CriterionKind.BONUS]
    deductions = [c["code"] for c in criteria if c["kind"] == CriterionKind.DEDUCTION]
    book = Workbook()
    sheet = book.active
    sheet.title = gettext("Ranking")[:31]
    status = gettext("published") if run.is_published else gettext("draft")
    sheet.append([_cell(f"{run.rubric.name} · {run.period} · v{run.number} · {status}")])
    sheet["A1"].font = Font(bold=True, size=13)
    header = [gettext("Rank"), gettext("Unit")]
    header += [f"{c['name']} ({c['weight']})" for c in scored]
    header += [gettext("Deductions"), gettext("Total"), gettext("Award")]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in ranking.rows:
        result = row.result
        deducted = sum((Decimal(result.points.get(code, "0")) for code in deductions), Decimal("0"))
        rank = f"{result.rank}=" if result.tied else result.rank
        line: list[Any] = [rank, _cell(result.subject_label)]
        line += [float(Decimal(result.points.get(c["code"], "0"))) for c in scored]
        line += [float(deducted), float(result.total), _cell(result.band)]
        sheet.append(line)
    sheet.column_dimensions["B"].width = 28
    figures = book.create_sheet(gettext("Figures")[:31])
    figures.append([gettext("Unit"), gettext("Criterion"), gettext("Points"), gettext("Figures")])
    for row in ranking.rows:
        for c in criteria:
            outcome = row.result.detail.get(c["code"], {})
            text = ", ".join(f"{k}={v}" for k, v in outcome.get("figures", {}).items())
            figures.append(
                [
                    _cell(row.result.subject_label),
                    _cell(c["name"]),
                    float(Decimal(outcome.get("points", "0"))),
                    _cell(text),
                ]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
