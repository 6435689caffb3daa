"""Benchmark: a plan's indicator roll-up over 100,000 ledger records, against raw SQL.

Builds one ledger of religious sites kept by 30 units (100,000 records with a yes/no, a
number, an integer, a choice and a date), four indicators on a plan (a ratio, a sum, a
filtered average, a filtered count as of a date), then times
``ledgers.selectors.indicator_attainments(plan)`` — value, per-unit breakdown and record
count of each — against the same figures from hand-written SQL, and counts the queries of
the filtered record list page at two depths. Prints medians.
Run: ``.venv/bin/python bench/bench_ledgers.py [--records 100000] [--runs 9]``
(DATABASE_URL=postgres://… for PostgreSQL).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from django_env import setup_django

RELIGIONS = ["佛教", "道教", "天主教", "基督教", "伊斯兰教"]


def _build(records: int) -> tuple[Any, list[Any], Any]:
    from workplan.accounts import services as accounts
    from workplan.accounts.models import Role
    from workplan.core.testing import make_plan_with_task, make_user
    from workplan.ledgers import services
    from workplan.ledgers.models import LedgerRecord
    from workplan.ledgers.testing import make_site_ledger

    actor = accounts.system_actor()
    root = accounts.unit_create(actor=actor, code="ROOT", name="县")
    towns = [accounts.unit_create(actor=actor, code=f"T{i}", name=f"镇{i}", parent=root) for i in range(10)]
    units = [*towns]
    for town in towns:
        units += [
            accounts.unit_create(actor=actor, code=f"{town.code}V{j}", name=f"{town.name}村{j}", parent=town)
            for j in range(2)
        ]
    ledger = make_site_ledger(actor, root, towns)
    rng = random.Random(1)
    start = dt.date(2019, 1, 1)
    rows = []
    for index in range(records):
        values: dict[str, Any] = {"name": f"场所{index}", "religion": rng.choice(RELIGIONS)}
        if rng.random() < 0.95:
            values["civilised"] = rng.random() < 0.8
        if rng.random() < 0.9:
            values["area"] = round(rng.uniform(20, 2000), 2)
        values["staff"] = rng.randint(0, 12)
        values["checked_on"] = (start + dt.timedelta(days=rng.randint(0, 364))).isoformat()
        rows.append(LedgerRecord(ledger=ledger, unit=units[index % len(units)], values=values))
    LedgerRecord.objects.bulk_create(rows, batch_size=5000)
    task = make_plan_with_task(actor, owner=root, assignee=towns[0])
    definitions = [
        {
            "code": "RATIO",
            "measure": "ratio",
            "filters": [{"field": "civilised", "op": "not_empty"}],
            "condition": [{"field": "civilised", "op": "eq", "value": True}],
            "target_value": 80,
            "comparator": ">",
        },
        {"code": "SUM", "measure": "sum", "field_key": "area"},
        {
            "code": "AVG",
            "measure": "avg",
            "field_key": "staff",
            "filters": [{"field": "religion", "op": "eq", "value": "佛教"}],
        },
        {
            "code": "COUNT",
            "measure": "count",
            "date_field": "checked_on",
            "filters": [{"field": "checked_on", "op": "lte", "value": "2019-06-30"}],
        },
    ]
    for definition in definitions:
        services.indicator_create(
            actor=actor, name=definition["code"], owner_unit=root, ledger=ledger, item=task, **definition
        )
    planner = make_user(actor, "bench-planner", role=Role.PLANNER, unit=root)
    return task.plan, towns, (ledger, planner)


def _raw_sql(ledger_id: int) -> list[Any]:
    """The same figures as the roll-up (value, per-unit breakdown and record count of each
    indicator), by hand: one GROUP BY query per indicator, totals added up in Python."""
    from django.db import connection

    pg = connection.vendor == "postgresql"

    def text(key: str) -> str:
        return f"(\"values\" ->> '{key}')" if pg else f"json_extract(\"values\", '$.{key}')"

    def number(key: str) -> str:
        return f"CAST({text(key)} AS {'double precision' if pg else 'REAL'})"

    true = f"{text('civilised')} = 'true'" if pg else f"{text('civilised')} = 1"
    figures = [
        (f"SUM(CASE WHEN {true} THEN 1 ELSE 0 END), COUNT(*)", f"{text('civilised')} IS NOT NULL"),
        (f"SUM({number('area')}), COUNT({number('area')})", "1=1"),
        (f"SUM({number('staff')}), COUNT({number('staff')})", f"{text('religion')} = '佛教'"),
        ("COUNT(*), COUNT(*)", f"{text('checked_on')} <= '2019-06-30'"),
    ]
    results = []
    with connection.cursor() as cursor:
        for select, where in figures:
            cursor.execute(
                f"SELECT unit_id, {select}, COUNT(*) FROM ledgers_ledgerrecord "  # noqa: S608 - fixed text
                f"WHERE ledger_id = %s AND {where} GROUP BY unit_id",
                [ledger_id],
            )
            rows = cursor.fetchall()
            total = (sum(r[1] or 0 for r in rows), sum(r[2] or 0 for r in rows), sum(r[3] for r in rows))
            results.append((rows, total))
    return results


def _median(function: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    backend = setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from workplan.ledgers.selectors import indicator_attainments

    settings.ALLOWED_HOSTS = ["testserver"]
    started = time.perf_counter()
    plan, towns, (ledger, planner) = _build(args.records)
    print(f"built {args.records} records, {backend}: {time.perf_counter() - started:.1f} s")
    if backend == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    rows = indicator_attainments(plan)  # warm
    _raw_sql(ledger.pk)
    ours = _median(lambda: indicator_attainments(plan), args.runs)
    raw = _median(lambda: _raw_sql(ledger.pk), args.runs)
    with CaptureQueriesContext(connection) as queries:
        indicator_attainments(plan)
    print(
        f"roll-up of {len(rows)} indicators: {ours * 1000:.0f} ms ({len(queries)} queries); "
        f"raw SQL: {raw * 1000:.0f} ms; ratio {ours / raw:.2f}x"
    )
    for row in rows:
        print(
            f"  {row.code:<6} value {row.value:.3f}  units {len(row.breakdown)}  records {row.records}  {row.status}"
        )
    web = Client()
    web.force_login(planner)
    base = f"/ledgers/{ledger.code}/records/?unit={towns[3].pk}&indicator=RATIO"
    deep_cursor = ledger.records.order_by("id").values_list("id", flat=True)[args.records // 2]
    counts = []
    for url in (base, f"{base}&cursor={deep_cursor}"):
        web.get(url)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            assert web.get(url).status_code == 200
            elapsed = time.perf_counter() - started
        counts.append((len(queries), elapsed))
    print(
        "filtered record list page (a town, an indicator's records): "
        + "; ".join(
            f"{label} {n} queries, {t * 1000:.0f} ms"
            for label, (n, t) in zip(("first", "deep"), counts, strict=True)
        )
    )


if __name__ == "__main__":
    main()
