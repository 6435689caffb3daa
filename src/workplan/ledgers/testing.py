"""Test and benchmark helpers: a ledger of sites with every kind of numeric, choice and date
field, and records spread over units (seeded, so tests can count by hand)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from workplan.accounts.models import Unit
from workplan.ledgers import services
from workplan.ledgers.models import Ledger

SITE_FIELDS: list[dict[str, Any]] = [
    {"key": "name", "label": "场所名称", "kind": "text", "required": True},
    {
        "key": "religion",
        "label": "宗教",
        "kind": "choice",
        "choices": ["佛教", "道教", "天主教", "基督教", "伊斯兰教"],
    },
    {"key": "civilised", "label": "文明场所", "kind": "boolean"},
    {"key": "area", "label": "面积", "kind": "number", "measure_unit": "m²"},
    {"key": "staff", "label": "教职人员", "kind": "integer"},
    {"key": "checked_on", "label": "检查日期", "kind": "date"},
    {"key": "notes", "label": "备注", "kind": "long_text"},
]


def make_site_ledger(actor: Any, owner: Unit, keeping: list[Unit], code: str = "SITES") -> Ledger:
    ledger = services.ledger_create(
        actor=actor, code=code, name="宗教活动场所台账", owner_unit=owner, keeping_units=keeping
    )
    for field in SITE_FIELDS:
        services.field_add(actor=actor, ledger=ledger, **field)
    return ledger


def site_values(rng: random.Random, index: int) -> dict[str, Any]:
    values: dict[str, Any] = {"name": f"场所{index}"}
    if rng.random() < 0.9:
        values["religion"] = rng.choice(["佛教", "道教", "天主教", "基督教", "伊斯兰教"])
    if rng.random() < 0.95:
        values["civilised"] = rng.random() < 0.7
    if rng.random() < 0.85:
        values["area"] = round(rng.uniform(20, 2000), 2)
    if rng.random() < 0.9:
        values["staff"] = rng.randint(0, 12)
    if rng.random() < 0.9:
        values["checked_on"] = (dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 364))).isoformat()
    return values


def fill_sites(actor: Any, ledger: Ledger, units: list[Unit], count: int, seed: int = 7) -> None:
    rng = random.Random(seed)  # noqa: S311 - test data
    for index in range(count):
        services.record_create(
            actor=actor, ledger=ledger, unit=units[index % len(units)], values=site_values(rng, index)
        )
