"""Every page rendered in Chinese carries no English word from our own catalogue.

The words come from the msgids of the zh_Hans catalogue (so a string that escaped gettext,
or a service message passed through untranslated, shows up); the words that the Chinese
translations themselves use (API, Excel, PDF…) and the test data's own names are allowed.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import polib
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from workplan.core import clock
from workplan.core.translations import catalogue_path
from workplan.plans import drafts
from workplan.plans import services as plans
from workplan.progress import services as progress
from workplan.progress.testing import dispatched_task, moment

DRAFT = "2019年要点\n一、加强组织领导\n（一）完善机制。6月底前完成，覆盖率达到80%。（县民政局牵头，县财政局配合，各区负责）\n".encode()
WORD = re.compile(r"[A-Za-z]{4,}")
TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.DOTALL | re.IGNORECASE)


def _catalogue_words() -> set[str]:
    po = polib.pofile(str(catalogue_path("zh_Hans")))
    words: set[str] = set()
    allowed: set[str] = set()
    for entry in po:
        words |= {w.lower() for w in WORD.findall(re.sub(r"%\(\w+\)[sd]|\{\{.*?\}\}", "", entry.msgid))}
        translated = entry.msgstr or " ".join(entry.msgstr_plural.values())
        allowed |= {w.lower() for w in WORD.findall(translated)}
    return words - allowed


ENGLISH = _catalogue_words()


@pytest.fixture
def world(actor, org, personas, settings):
    """The objects are made in Chinese, as on the site (stored texts: notifications, warnings)."""
    settings.LANGUAGE_CODE = "zh-hans"
    d = dispatched_task(actor, owner=org.root, assignee=org.unit_a, due=dt.date(2019, 6, 30))
    with clock.frozen(moment(2019, 3, 4)), translation.override("zh-hans"):
        plans.target_create(
            actor=actor, item=d.task, text="每月1次", kind="frequency", value=1, unit="per month"
        )
        progress.obligation_generate(actor=actor, plan=d.plan)
        report = progress.report_save(
            actor=personas.reporter_a,
            track=d.track,
            period=d.period(2),
            narrative="进展",
            percent=20,
            submit=True,
        )
        progress.evidence_add(actor=personas.reporter_a, report=report, filename="纪要.txt", data=b"x")
        progress.notice_issue(
            actor=personas.planner, track=d.track, reason="请说明", reply_due=dt.date(2019, 3, 11)
        )
        progress.extension_request(
            actor=personas.reporter_a, track=d.track, reason="延期", requested_due=dt.date(2019, 8, 31)
        )
        progress.instruction_create(actor=personas.leader, item=d.task, text="抓紧落实")
        progress.escalation_raise_due(actor=actor, today=dt.date(2019, 6, 20))
        d.draft = drafts.draft_create(
            actor=personas.planner, data=DRAFT, filename="要点.txt", owner_unit=org.root
        )
    return d


def _pages(d) -> list[str]:
    plan, track = d.plan, d.track
    return [
        reverse("web:plan_list"),
        reverse("web:plan_detail", args=[plan.pk]),
        reverse("web:plan_dashboard", args=[plan.pk]),
        reverse("web:item_detail", args=[d.task.pk]),
        reverse("progress:my_tasks"),
        reverse("progress:review_queue"),
        reverse("progress:notifications"),
        reverse("plans:import_start"),
        reverse("plans:breakdown_upload", args=[plan.pk]),
        reverse("plans:revision_upload", args=[plan.pk]),
        reverse("progress:report_edit", args=[track.pk, d.period(3).pk]),
        reverse("web:units_list"),
        reverse("plans:draft", args=[d.draft.pk]),
        reverse("channels:mail"),
    ]


def _english_words(body: str, allowed: set[str]) -> set[str]:
    text = html.unescape(TAGS.sub(" ", body))
    return {w for w in WORD.findall(text) if w.lower() in ENGLISH and w.lower() not in allowed}


@pytest.mark.parametrize("who", ["planner", "reporter_a", "leader"])
def test_no_english_word_of_our_catalogue_on_a_chinese_page(actor, personas, world, who):
    user = getattr(personas, who)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    client.cookies["django_language"] = "zh-hans"
    # Data, not our words: the users' names (also the system actor's), and the language's own name.
    names = [p.username for p in vars(personas).values()] + [actor.username]
    allowed = {w.lower() for name in names for w in WORD.findall(name)} | {"english"}
    found = {}
    with clock.frozen(moment(2019, 3, 5)):
        for url in _pages(world):
            response = client.get(url)
            if response.status_code != 200:
                continue
            assert 'lang="zh' in response.content.decode()[:200], url
            words = _english_words(response.content.decode(), allowed)
            if words:
                found[url] = sorted(words)
    assert found == {}, "\n".join(f"{url}: {words}" for url, words in found.items())
