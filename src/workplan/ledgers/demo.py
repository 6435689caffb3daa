"""The demo's ledgers: records for the first half of 2019, kept by the demo's units, and the
indicators that measure the seed plan's four quantified targets. Idempotent.

Hand counts (the tests check them): 27 of 33 religious sites are civilised (81.8% against
"more than 80%"); 2 minority enterprises supported ("1-2"); 6 grassroots chambers with
8 legal consultants (1.33 on average, "1-2"); 1 research topic conference ("once a year").
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from workplan.accounts.models import Unit
from workplan.ledgers import services
from workplan.ledgers.models import Indicator, Ledger
from workplan.plans.models import Plan, Target
from workplan.progress.models import Occurrence

SITES = "RELIGIOUS-SITES"
ENTERPRISES = "MINORITY-ENTERPRISES"
CHAMBERS = "CHAMBERS"
MEETINGS = "MEETINGS"
TRAININGS = "TRAININGS"
TOWNS = ("TOWN-CG", "TOWN-XH", "TOWN-DS")
RELIGIONS = ("佛教", "道教", "天主教", "基督教", "伊斯兰教")


def _day(rng: random.Random, first: int = 1, last: int = 181) -> str:
    return (dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(first, last) - 1)).isoformat()


def _ledger(
    actor: Any, code: str, name: str, owner: Unit, keeping: list[Unit], fields: list[dict[str, Any]]
) -> Ledger:
    ledger = services.ledger_create(
        actor=actor, code=code, name=name, owner_unit=owner, keeping_units=keeping
    )
    for field in fields:
        services.field_add(actor=actor, ledger=ledger, **field)
    return ledger


def _sites(actor: Any, owner: Unit, towns: list[Unit], rng: random.Random) -> Ledger:
    ledger = _ledger(
        actor,
        SITES,
        "宗教活动场所台账",
        owner,
        towns,
        [
            {"key": "name", "label": "场所名称", "kind": "text", "required": True},
            {"key": "religion", "label": "宗教", "kind": "choice", "choices": list(RELIGIONS)},
            {"key": "civilised", "label": "创建为和谐寺观教堂（文明场所）", "kind": "boolean"},
            {
                "key": "checklist",
                "label": "创建检查项",
                "kind": "multi_choice",
                "choices": ["场所管理", "人员管理", "活动管理", "财务管理", "安全管理"],
            },
            {"key": "checked_on", "label": "检查日期", "kind": "date", "required": True},
            {"key": "inspector", "label": "检查人", "kind": "person"},
        ],
    )
    civilised = [True] * 27 + [False] * 6
    rng.shuffle(civilised)
    for index, is_civilised in enumerate(civilised):
        unit = towns[index % len(towns)]
        checklist = (
            ["场所管理", "人员管理", "活动管理", "财务管理", "安全管理"]
            if is_civilised
            else ["场所管理", "人员管理"]
        )
        services.record_create(
            actor=actor,
            ledger=ledger,
            unit=unit,
            values={
                "name": f"{unit.aliases[0] if unit.aliases else unit.name}第{index + 1}号活动场所",
                "religion": RELIGIONS[index % len(RELIGIONS)],
                "civilised": is_civilised,
                "checklist": checklist,
                "checked_on": _day(rng),
                "inspector": rng.choice(["王明", "李红", "张伟", "刘芳"]),
            },
        )
    return ledger


def _enterprises(actor: Any, owner: Unit, section: Unit, rng: random.Random) -> Ledger:
    ledger = _ledger(
        actor,
        ENTERPRISES,
        "扶持少数民族企业台账",
        owner,
        [section],
        [
            {"key": "name", "label": "企业名称", "kind": "text", "required": True},
            {
                "key": "support",
                "label": "扶持方式",
                "kind": "choice",
                "choices": ["资金", "项目", "培训", "结对帮扶"],
            },
            {"key": "amount", "label": "扶持资金", "kind": "number", "measure_unit": "万元"},
            {"key": "demonstration", "label": "典型示范", "kind": "boolean"},
            {"key": "supported_on", "label": "扶持日期", "kind": "date", "required": True},
        ],
    )
    for name, support, amount in (("民族食品有限公司", "资金", 20.0), ("民族服饰合作社", "结对帮扶", 8.5)):
        services.record_create(
            actor=actor,
            ledger=ledger,
            unit=section,
            values={
                "name": name,
                "support": support,
                "amount": amount,
                "demonstration": True,
                "supported_on": _day(rng),
            },
        )
    return ledger


def _chambers(actor: Any, owner: Unit, section: Unit, towns: list[Unit], rng: random.Random) -> Ledger:
    ledger = _ledger(
        actor,
        CHAMBERS,
        "基层商会台账",
        owner,
        [section, *towns],
        [
            {"key": "name", "label": "商会名称", "kind": "text", "required": True},
            {"key": "members", "label": "会员企业数", "kind": "integer"},
            {"key": "consultants", "label": "法律顾问人数", "kind": "integer", "measure_unit": "名"},
            {"key": "recorded_on", "label": "登记日期", "kind": "date", "required": True},
            {"key": "consultant_names", "label": "法律顾问", "kind": "long_text"},
        ],
    )
    for index, consultants in enumerate((1, 2, 1, 2, 1, 1)):
        unit = towns[index % len(towns)]
        services.record_create(
            actor=actor,
            ledger=ledger,
            unit=unit,
            values={
                "name": f"{unit.aliases[0] if unit.aliases else unit.name}商会{index + 1}",
                "members": rng.randint(20, 120),
                "consultants": consultants,
                "recorded_on": _day(rng),
                "consultant_names": "、".join(f"律师{index}{n}" for n in range(consultants)),
            },
        )
    return ledger


def _meetings(actor: Any, owner: Unit, section: Unit, plan: Plan, rng: random.Random) -> Ledger:
    ledger = _ledger(
        actor,
        MEETINGS,
        "调研课题会及会议台账",
        owner,
        [section],
        [
            {"key": "title", "label": "会议名称", "kind": "text", "required": True},
            {
                "key": "kind",
                "label": "类型",
                "kind": "choice",
                "choices": ["调研课题会", "座谈会", "经验交流会"],
            },
            {"key": "held_on", "label": "召开日期", "kind": "date", "required": True},
            {"key": "attendees", "label": "参会人数", "kind": "integer", "measure_unit": "人"},
            {"key": "minutes", "label": "会议纪要", "kind": "long_text"},
        ],
    )
    target = _target(plan, "once a year")
    occurrence = (
        Occurrence.objects.filter(item=target.item, met_at__isnull=True).order_by("index").first()
        if target
        else None
    )
    services.record_create(
        actor=actor,
        ledger=ledger,
        unit=section,
        values={
            "title": "2019年度统战理论调研课题会",
            "kind": "调研课题会",
            "held_on": "2019-05-16",
            "attendees": 45,
            "minutes": "部署年度调研课题，评选优秀调研成果。",
        },
        item=target.item if target else None,
        occurrence=occurrence,
    )
    for index, kind in enumerate(("座谈会", "经验交流会", "座谈会")):
        services.record_create(
            actor=actor,
            ledger=ledger,
            unit=section,
            values={
                "title": f"{kind}（第{index + 1}次）",
                "kind": kind,
                "held_on": _day(rng),
                "attendees": rng.randint(15, 60),
            },
        )
    return ledger


def _trainings(actor: Any, owner: Unit, college: Unit, rng: random.Random) -> Ledger:
    ledger = _ledger(
        actor,
        TRAININGS,
        "培训台账",
        owner,
        [college],
        [
            {"key": "topic", "label": "培训主题", "kind": "text", "required": True},
            {"key": "held_on", "label": "培训日期", "kind": "date", "required": True},
            {"key": "trainees", "label": "参训人数", "kind": "integer", "measure_unit": "人"},
            {"key": "online", "label": "线上", "kind": "boolean"},
        ],
    )
    for topic in ("宗教界代表人士培训", "非公经济人士理想信念培训", "党外干部培训", "信息员培训"):
        services.record_create(
            actor=actor,
            ledger=ledger,
            unit=college,
            values={
                "topic": topic,
                "held_on": _day(rng),
                "trainees": rng.randint(30, 120),
                "online": rng.random() < 0.3,
            },
        )
    return ledger


def _target(plan: Plan, text: str) -> Target | None:
    return Target.objects.filter(item__plan=plan, text__icontains=text).select_related("item").first()


def _indicator(
    actor: Any, plan: Plan, owner: Unit, text: str, code: str, name: str, **definition: Any
) -> None:
    target = _target(plan, text)
    services.indicator_create(
        actor=actor,
        code=code,
        name=name,
        owner_unit=owner,
        item=target.item if target else None,
        target=target,
        **definition,
    )


def seed_ledgers(actor: Any, plan: Plan) -> bool:
    """Create the demo ledgers, records and indicators once (False when they exist)."""
    if Ledger.objects.filter(code=SITES).exists():
        return False
    rng = random.Random(2019)  # noqa: S311 - demo data
    owner = Unit.objects.get(code="UFWD")
    towns = [Unit.objects.get(code=code) for code in TOWNS]
    ethnic, economy, publicity = (Unit.objects.get(code=c) for c in ("UFWD-ETHREL", "UFWD-ECON", "UFWD-PUB"))
    sites = _sites(actor, owner, towns, rng)
    enterprises = _enterprises(actor, owner, ethnic, rng)
    chambers = _chambers(actor, owner, economy, towns, rng)
    meetings = _meetings(actor, owner, publicity, plan, rng)
    _trainings(actor, owner, Unit.objects.get(code="UFWD-COLLEGE"), rng)
    _indicator(
        actor,
        plan,
        owner,
        "more than 80%",
        "CIVILISED-SITES",
        "文明宗教活动场所占比",
        ledger=sites,
        measure="ratio",
        measure_unit="%",
        date_field="checked_on",
        filters=[{"field": "civilised", "op": "not_empty"}],
        condition=[{"field": "civilised", "op": "eq", "value": True}],
    )
    _indicator(
        actor,
        plan,
        owner,
        "1-2 developments",
        "MINORITY-ENTERPRISES",
        "扶持发展少数民族企业数",
        ledger=enterprises,
        measure="count",
        measure_unit="家",
        date_field="supported_on",
    )
    _indicator(
        actor,
        plan,
        owner,
        "legal consultants",
        "CHAMBER-CONSULTANTS",
        "基层商会平均聘请法律顾问数",
        ledger=chambers,
        measure="avg",
        field_key="consultants",
        measure_unit="名",
        date_field="recorded_on",
    )
    _indicator(
        actor,
        plan,
        owner,
        "once a year",
        "RESEARCH-CONFERENCES",
        "调研课题会召开次数",
        ledger=meetings,
        measure="count",
        measure_unit="次",
        date_field="held_on",
        filters=[{"field": "kind", "op": "eq", "value": "调研课题会"}],
    )
    return Indicator.objects.exists()
