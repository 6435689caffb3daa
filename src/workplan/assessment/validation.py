"""Checks of rubric definitions: criteria, their options, and award bands."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext

from workplan.assessment.models import CAPPED_KINDS, CriterionKind
from workplan.core.errors import Invalid

# The options each kind accepts: name → (lowest, highest).
OPTIONS: dict[str, dict[str, tuple[float, float]]] = {
    CriterionKind.COMPLETION: {},
    CriterionKind.TIMELINESS: {"ack_days": (0, 60)},
    CriterionKind.INDICATOR: {},
    CriterionKind.OBLIGATIONS: {},
    CriterionKind.INTEGRITY: {},
    CriterionKind.MANUAL: {"review": (0, 1)},
    CriterionKind.DEDUCTION: {"blue": (0, 100), "yellow": (0, 100), "red": (0, 100), "returned": (0, 100)},
    CriterionKind.BONUS: {},
}
MAX_CRITERIA = 30
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def _number(raw: Any, what: str) -> Decimal:
    if isinstance(raw, bool):
        raise Invalid(gettext("%(what)s must be a number.") % {"what": what})
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise Invalid(gettext("%(what)s must be a number.") % {"what": what}) from None
    if not value.is_finite():
        raise Invalid(gettext("%(what)s must be a number.") % {"what": what})
    return value


def parse_options(kind: str, raw: Any) -> dict[str, Any]:
    """A criterion's options from a dict or from text like ``yellow=1, red=2``."""
    if isinstance(raw, str):
        pairs: dict[str, Any] = {}
        for part in re.split(r"[,;，；\s]+", raw.strip()):
            if not part:
                continue
            name, sep, value = part.partition("=")
            if not sep:
                raise Invalid(gettext("Write options as name=value, e.g. red=2."))
            pairs[name.strip()] = value.strip()
        raw = pairs
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise Invalid(gettext("Write options as name=value, e.g. red=2."))
    allowed = OPTIONS.get(kind, {})
    options: dict[str, Any] = {}
    if kind == CriterionKind.INDICATOR:
        codes = raw.get("indicators", "")
        if not isinstance(codes, str) or len(codes) > 500 or set(raw) - {"indicators"}:
            raise Invalid(gettext("An indicator criterion takes indicators=CODE,CODE."))
        return {"indicators": codes} if codes else {}
    for name, value in raw.items():
        if name not in allowed:
            raise Invalid(
                gettext("%(kind)s criteria have no option %(name)s (they take: %(allowed)s).")
                % {"kind": kind, "name": str(name)[:40], "allowed": ", ".join(allowed) or "—"}
            )
        number = _number(value, str(name))
        low, high = allowed[name]
        if not low <= number <= high:
            raise Invalid(
                gettext("%(name)s must be between %(low)s and %(high)s.")
                % {"name": name, "low": low, "high": high}
            )
        options[name] = int(number) if number == number.to_integral() else float(number)
    return options


def clean_criteria(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Checked criteria in order; weights of the scored kinds must sum to 100 (the sum is
    shown when they do not); deductions and bonus points have a cap instead."""
    if not isinstance(rows, list) or not rows:
        raise Invalid(gettext("A rubric needs at least one criterion."))
    if len(rows) > MAX_CRITERIA:
        raise Invalid(gettext("A rubric has at most %(n)s criteria.") % {"n": MAX_CRITERIA})
    cleaned, codes, total = [], set(), Decimal("0")
    for position, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise Invalid(gettext("Criterion %(n)s is not readable.") % {"n": position})
        code = str(row.get("code", "")).strip().lower()
        name = str(row.get("name", "")).strip()
        kind = str(row.get("kind", ""))
        if not _CODE.match(code):
            raise Invalid(
                gettext("Criterion %(n)s needs a code of letters, digits, - or _.") % {"n": position}
            )
        if code in codes:
            raise Invalid(gettext("Two criteria have the code %(code)s.") % {"code": code})
        if not name or len(name) > 200 or "\x00" in name:
            raise Invalid(gettext("Criterion %(n)s needs a name (at most 200 characters).") % {"n": position})
        if kind not in CriterionKind.values:
            raise Invalid(gettext("Criterion %(n)s has an unknown kind.") % {"n": position})
        weight = _number(row.get("weight"), gettext("The weight"))
        if not Decimal("0") <= weight <= Decimal("100") or weight != weight.quantize(Decimal("0.01")):
            raise Invalid(gettext("Weights are between 0 and 100 points, with at most two decimals."))
        codes.add(code)
        if kind not in CAPPED_KINDS:
            total += weight
        cleaned.append(
            {
                "position": position,
                "code": code,
                "name": name,
                "kind": kind,
                "weight": weight,
                "params": parse_options(kind, row.get("params", row.get("options"))),
            }
        )
    if total != Decimal("100"):
        raise Invalid(
            gettext("The weights sum to %(sum)s%%, not 100%% (deductions and bonus points excluded).")
            % {"sum": f"{total.normalize():f}"},
            details={"weights": [str(total)]},
        )
    return cleaned


def clean_bands(raw: Any) -> list[dict[str, Any]]:
    """Award bands, best first: ``[{"name": "优秀", "top_percent": 20}, …]`` or text
    ``优秀=20, 良好=50`` (cumulative shares of the ranking)."""
    if isinstance(raw, str):
        pairs = []
        for part in re.split(r"[,;，；\n]+", raw.strip()):
            if part.strip():
                name, sep, value = part.partition("=")
                if not sep:
                    raise Invalid(gettext("Write award bands as name=top percent, e.g. excellent=20."))
                pairs.append({"name": name.strip(), "top_percent": value.strip()})
        raw = pairs
    if not isinstance(raw, list) or len(raw) > 10:
        raise Invalid(gettext("Write award bands as name=top percent, e.g. excellent=20."))
    bands, last = [], Decimal("0")
    for band in raw:
        if not isinstance(band, dict):
            raise Invalid(gettext("Write award bands as name=top percent, e.g. excellent=20."))
        name = str(band.get("name", "")).strip()
        share = _number(band.get("top_percent"), gettext("The top percent"))
        if not name or len(name) > 50 or "\x00" in name or not last < share <= 100:
            raise Invalid(
                gettext("Each band needs a name and a top percent above the previous band's, up to 100.")
            )
        last = share
        bands.append({"name": name, "top_percent": float(share)})
    return bands
