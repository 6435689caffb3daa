"""Links proposed between a plan's quantified targets and ledgers: a target whose wording
(or its item's) names a ledger's subject — its name, description or field names — is
proposed to be measured by that ledger. The planner confirms by defining the indicator."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from workplan.ledgers.models import Ledger
from workplan.plans.models import Plan, Target

WORD = re.compile(r"[A-Za-z]{4,}")
CJK = re.compile(r"[\u4e00-\u9fff]+")
# Words that name no subject (台账 "ledger", 情况 "situation", English function words).
STOP = {
    "台账",
    "情况",
    "工作",
    "记录",
    "名称",
    "日期",
    "with",
    "that",
    "this",
    "from",
    "their",
    "will",
    "more",
    "than",
}
MIN_SCORE = 2
# The plan dashboard scores at most this many targets (in plan order) and lists at most
# :data:`SHOWN` proposals, so its cost does not grow with the plan; an item's page scores its own.
SCANNED = 400
SHOWN = 20


@dataclass(frozen=True)
class Proposal:
    target_id: int
    item_id: int
    target_text: str
    ledger_id: int
    ledger_code: str
    ledger_name: str
    score: int


def _stem(word: str) -> str:
    word = word.lower().replace("iz", "is")
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def terms(text: str) -> set[str]:
    """Latin words (stemmed crudely) and CJK character pairs of ``text``."""
    found = {_stem(w) for w in WORD.findall(text)}
    for run in CJK.findall(text):
        found |= {run[i : i + 2] for i in range(len(run) - 1)}
    return found - STOP


def _ledger_terms(ledger: Ledger, labels: list[str]) -> set[str]:
    return terms(" ".join([ledger.name, ledger.description, *labels]))


def proposals_for(
    plan: Plan,
    *,
    ledgers: list[Ledger],
    labels: dict[int, list[str]],
    item_id: int | None = None,
    scanned: int | None = None,
) -> list[Proposal]:
    """For each quantified target of ``plan`` (or of its item ``item_id``) that no indicator
    measures yet, the ledgers whose subject its wording names (best first, at least
    :data:`MIN_SCORE` shared terms). ``scanned`` bounds how many targets are read (plan order)."""
    if not ledgers:
        return []
    targets: Any = (
        Target.objects.filter(item__plan=plan, value__isnull=False, indicator__isnull=True)
        .select_related("item")
        .order_by("item__path", "id")
    )
    if item_id is not None:
        targets = targets.filter(item_id=item_id)
    if scanned is not None:
        targets = targets[:scanned]
    vocabulary = {ledger.pk: _ledger_terms(ledger, labels.get(ledger.pk, [])) for ledger in ledgers}
    found: list[Proposal] = []
    for target in targets:
        wording = terms(f"{target.text} {target.item.title} {target.item.body}")
        scored = sorted(
            ((len(wording & vocabulary[ledger.pk]), ledger) for ledger in ledgers),
            key=lambda pair: (-pair[0], pair[1].code),
        )
        found += [
            Proposal(target.pk, target.item_id, target.text, ledger.pk, ledger.code, ledger.name, score)
            for score, ledger in scored[:3]
            if score >= MIN_SCORE
        ]
    return found
