"""Stored cross-site scripting, probed in a real browser under the real Content-Security-Policy.

Every text a planner, a unit's reporter or an administrator can set (plan and item titles,
bodies, numbers and labels, targets, deadlines, milestones, unit names and aliases, people's
names, report narratives, reasons for return, instructions, comments, evidence file names, the
file name and headings of an uploaded document) holds payloads that would run if any page
let them out of their escaping: a ``</script>`` break-out, an ``<img onerror>``, an ``<svg
onload>``, quotes that close an attribute. Then each role opens every page it has.

The test fails on any execution (a payload sets ``window.__xss`` or opens a dialog) and on
any CSP violation the browser reports (zero allowed): an inline script or style, an eval, a
plug-in, a frame.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from workplan.accounts import services as accounts
from workplan.accounts.models import Role
from workplan.core import clock
from workplan.core.testing import make_organisation, make_user
from workplan.plans import drafts
from workplan.plans import services as plans
from workplan.progress import services as progress
from workplan.progress.models import Period, ProgressReport, Track
from workplan.progress.testing import moment

PASSWORD = "a-Long-Pass-2019"
BREAKOUT = "</script><script>window.__xss=(window.__xss||0)+1</script>"
ATTRIBUTE = '"\'><img src=x onerror="window.__xss=(window.__xss||0)+1">'
SVG = "<svg onload=window.__xss=(window.__xss||0)+1>"
HOSTILE = f"{BREAKOUT}{ATTRIBUTE}{SVG}"

# Before any page script: count what ran, what the policy refused, and every dialog.
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ''}`);
});
"""


def short(limit: int) -> str:
    """The payload cut to a field's length, still a whole attack where it fits."""
    for text in (HOSTILE, BREAKOUT, ATTRIBUTE, SVG):
        if len(text) <= limit:
            return text
    return SVG[:limit]


@dataclass
class Findings:
    executions: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pages: int = 0


@pytest.fixture
def hostile_world(actor):
    """A dispatched plan in which every settable text is hostile, with a returned and a
    submitted report, evidence, remarks, and an import draft waiting for review."""
    with clock.frozen(moment(2019, 3, 4)):
        org = make_organisation(actor)
        accounts.unit_update(actor=actor, unit=org.unit_a, name=short(200), short_name=short(100))
        accounts.unit_add_alias(actor=actor, unit=org.unit_a, alias=short(100))
        people = {
            "admin": make_user(actor, "admin", role=Role.ADMIN, unit=org.root),
            "planner": make_user(actor, "planner", role=Role.PLANNER, unit=org.root),
            "reporter": make_user(actor, "reporter", role=Role.REPORTER, unit=org.unit_a),
            "leader": make_user(actor, "leader", role=Role.LEADER, unit=org.root),
        }
        for user in people.values():
            accounts.user_update(actor=actor, user=user, first_name=short(150))
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        planner = people["planner"]
        plan = plans.plan_create(actor=planner, title=short(300), year=2019, owner_unit=org.root)
        part = plans.item_create(actor=planner, plan=plan, title=HOSTILE, number="1", label=short(40))
        tasks = [
            plans.item_create(
                actor=planner,
                plan=plan,
                parent=part,
                title=f"{HOSTILE} {n}",
                body=HOSTILE,
                number=short(30),
                label=short(40),
                due_date=dt.date(2019, 12, 31),
            )
            for n in range(2)
        ]
        for task in tasks:
            plans.target_create(actor=planner, item=task, text=HOSTILE, kind="percent", value=80)
            plans.deadline_create(actor=planner, item=task, text=HOSTILE, date=dt.date(2019, 6, 30))
            plans.milestone_create(actor=planner, item=task, title=short(300), due_date=dt.date(2019, 5, 1))
            plans.assignment_create(actor=planner, item=task, unit=org.unit_a, role="lead")
        progress.plan_dispatch(actor=planner, plan=plan, note=HOSTILE)
        progress.instruction_create(actor=people["leader"], item=tasks[0], text=HOSTILE)
        progress.comment_create(actor=people["reporter"], item=tasks[0], text=HOSTILE)
        period = Period.objects.filter(plan=plan).order_by("index").first()
        reports = []
        for task in tasks:
            track = Track.objects.get(item=task)
            progress.track_acknowledge(actor=people["reporter"], track=track, note=HOSTILE)
            reports.append(
                progress.report_save(
                    actor=people["reporter"], track=track, period=period, narrative=HOSTILE, percent=40
                )
            )
        progress.evidence_add(
            actor=people["reporter"], report=reports[0], filename=f"{short(200)}.txt", data=b"evidence"
        )
        progress.report_return(actor=planner, report=reports[1], reason=HOSTILE)
        document = f"一、{HOSTILE}\n（一）{HOSTILE}\n1. {HOSTILE}，2019年6月底前完成。\n".encode()
        draft = drafts.draft_create(
            actor=planner, data=document, filename=f"{short(200)}.txt", owner_unit=org.root
        )
    return org, people, plan, tasks, reports, draft


def _pages(org, plan, tasks, reports, draft) -> dict[str, list[str]]:
    track = Track.objects.get(item=tasks[0])
    period = Period.objects.filter(plan=plan).order_by("index").first()
    common = [
        reverse("web:home"),
        reverse("web:plan_list"),
        reverse("web:plan_detail", args=[plan.pk]),
        reverse("web:plan_detail", args=[plan.pk]) + "?q=script",
        reverse("web:plan_dashboard", args=[plan.pk]),
        *[reverse("web:item_detail", args=[t.pk]) for t in tasks],
        reverse("progress:my_tasks"),
        reverse("progress:review_queue"),
        reverse("progress:notifications"),
        reverse("web:units_list"),
        reverse("web:units_detail", args=[org.unit_a.code]),
        # The pages of this round: overview, level-by-level tree, the past, changes, sessions, mail.
        reverse("web:overview"),
        reverse("web:plan_tree", args=[plan.pk]),
        reverse("web:plan_dashboard", args=[plan.pk]) + "?as_of=2019-03-04",
        reverse("web:item_detail", args=[tasks[0].pk]) + "?as_of=2019-03-04",
        reverse("history:plan_changes", args=[plan.pk]) + "?since=2019-03-04&until=2019-03-05",
        reverse("security:session_list"),
        reverse("channels:mail"),
    ]
    planner = [
        *common,
        reverse("publishing:manage", args=[plan.pk]),
        reverse("plans:import_start"),
        reverse("plans:draft", args=[draft.pk]),
        reverse("plans:breakdown_upload", args=[plan.pk]),
    ]
    reporter = [*common, reverse("progress:report_edit", args=[track.pk, period.pk])]
    admin = [
        *common,
        reverse("web:user_list"),
        reverse("web:units_edit", args=[org.unit_a.code]),
        reverse("channels:list"),
        reverse("security:audit_list"),
        reverse("admin:index"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_unit_changelist"),
        reverse("admin:plans_plan_changelist"),
        reverse("admin:plans_planitem_change", args=[tasks[0].pk]),
        reverse("admin:progress_progressreport_changelist"),
        reverse("admin:core_auditentry_changelist"),
        "/api/v1/docs",
    ]
    return {"planner": planner, "reporter": reporter, "leader": common, "admin": admin}


def _visit(page, base: str, path: str, found: Findings) -> None:
    response = page.goto(base + path)
    page.wait_for_load_state("networkidle")
    found.pages += 1
    if response is None or response.status >= 400:
        found.errors.append(f"{path}: HTTP {response.status if response else '-'}")
    # Hover every chart so that ECharts draws its (HTML) tooltips with the hostile names.
    for chart in page.locator(".chart canvas").all():
        box = chart.bounding_box()
        if box:
            for fx in (0.3, 0.5, 0.7):
                page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * 0.3)
    count = page.evaluate("window.__xss || 0")
    if count:
        found.executions.append(f"{path}: {count}")
    found.violations += [f"{path}: {v}" for v in page.evaluate("window.__csp")]


@pytest.mark.django_db(transaction=True)
def test_no_payload_runs_and_the_policy_is_never_violated(browser, live_server, hostile_world):
    org, people, plan, tasks, reports, draft = hostile_world
    assert ProgressReport.objects.filter(narrative=HOSTILE).count() == 2
    found = Findings()
    with clock.frozen(moment(2019, 3, 5)):
        for role, paths in _pages(org, plan, tasks, reports, draft).items():
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_init_script(WATCH)
            page = context.new_page()
            page.on("dialog", lambda d: (found.dialogs.append(d.message), d.dismiss()))
            page.on(
                "console",
                lambda m: found.violations.append(m.text) if "Content Security Policy" in m.text else None,
            )
            page.goto(live_server.url + reverse("web:login"))
            page.fill("#id_username", people[role].username)
            page.fill("#id_password", PASSWORD)
            with page.expect_navigation():
                page.click("button[type=submit]")
            for path in paths:
                _visit(page, live_server.url, path, found)
            context.close()
    print(
        f"\nhostile input: {found.pages} page visits, {len(found.executions)} executions, "
        f"{len(found.violations)} CSP violations, {len(found.dialogs)} dialogs"
    )
    assert found.errors == []
    assert found.executions == []
    assert found.dialogs == []
    assert found.violations == []
