"""Data a planner or a unit can set never leaves the page's escaping: the dashboard's chart
data goes through ``json_script`` (it was ``json.dumps(...)|safe`` and a ``</script>`` in a part
heading broke out), and no template marks data safe."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

from workplan.accounts import services as accounts
from workplan.core.testing import make_plan_with_task
from workplan.plans import services as plans
from workplan.progress import services as progress

BREAKOUT = "</script><script>window.__x=1//"
SRC = Path(__file__).resolve().parents[2]


@pytest.fixture
def hostile_plan(actor, org, personas):
    task = make_plan_with_task(actor, owner=org.root, assignee=org.unit_a)
    part = task.get_parent()
    plans.item_update(actor=actor, item=part, title=BREAKOUT)
    accounts.unit_update(
        actor=actor, unit=org.unit_a, name=BREAKOUT, short_name="<img src=x onerror=alert(1)>"
    )
    progress.plan_dispatch(actor=actor, plan=task.plan)
    return task.plan


def test_dashboard_chart_data_cannot_close_its_script_element(client, personas, hostile_plan):
    client.force_login(personas.planner)
    body = client.get(reverse("web:plan_dashboard", args=[hostile_plan.pk])).content.decode()
    assert "<script>window.__x" not in body
    assert "<img src=x" not in body
    data = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', body, re.S)
    assert data is not None
    chart = json.loads(data.group(1))
    assert chart["parts"]["labels"][0].startswith("一、</script><script>")
    assert "<img src=x onerror=alert(1)>" in chart["units"]["labels"]


def test_no_template_or_module_marks_data_safe():
    offenders = [
        f"{path.relative_to(SRC)}:{n}"
        for path in [*SRC.rglob("*.html"), *SRC.rglob("*.py")]
        if "/tests/" not in str(path)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\|\s*safe\b|mark_safe\(|\{% autoescape off", line)
    ]
    assert offenders == []


def test_every_response_carries_a_strict_content_security_policy(client, personas):
    client.force_login(personas.planner)
    for url in (reverse("web:plan_list"), reverse("web:login"), "/api/v1/docs"):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe" not in policy


def test_no_template_has_an_inline_script_or_handler():
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)|\son[a-z]+\s*=|\sstyle\s*=", re.I)
    offenders = [
        f"{path.relative_to(SRC)}:{n}"
        for path in SRC.rglob("*.html")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if inline.search(line)
    ]
    assert offenders == []
