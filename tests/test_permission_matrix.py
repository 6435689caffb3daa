"""Generated permission matrix: every role × (own unit, sub-unit, other unit) × action, for
EVERY model that has a permission policy, checked through querysets, the policy's boolean and
the services.

Unit-scoped models (plans, items and everything hanging off them) run through the full
matrix; organisation-wide and personal models (units, the holiday list, users, memberships,
notifications, tokens, drafts, the audit log) have their own tests below. A model with a
policy that this file does not place in either group fails
``test_every_scoped_model_is_in_the_matrix``, and so does a scoped model without a policy.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.apps import apps

from workplan import permissions
from workplan.accounts.models import Role
from workplan.core import clock
from workplan.core.errors import Forbidden
from workplan.core.policy import Action, registered_policies
from workplan.core.testing import assignment_of, make_plan_with_task, make_user
from workplan.plans import services as plan_services
from workplan.plans.models import Assignment, Plan, PlanItem

RELATIONS = ("own", "sub", "other")
GROUPS = ("plan", "item", "item_part", "assignment", "report")

# The policy, stated once: which (group, action) each role has over its own unit's subtree.
# Admins have everything everywhere; nobody has anything over an unrelated unit.
# item_part: targets, deadlines, milestones — seen with the item, changed by planners only.
POLICY: dict[str, set[tuple[str, str]]] = {
    Role.ADMIN: {(o, a) for o in GROUPS for a in ("view", "edit")},
    # Planners review reports (a plan edit) but never write a unit's report for it.
    Role.PLANNER: {(o, a) for o in GROUPS for a in ("view", "edit")} - {("report", "edit")},
    Role.REPORTER: {
        ("plan", "view"),
        ("item", "view"),
        ("item", "edit"),
        ("item_part", "view"),
        ("assignment", "view"),
        ("report", "view"),
        ("report", "edit"),
    },
    Role.LEADER: {(o, "view") for o in GROUPS},
    Role.ASSESSOR: {(o, "view") for o in GROUPS},
    Role.VIEWER: {(o, "view") for o in GROUPS},
    # The audit administrator reads the audit log and no plan data (separation of duties).
    Role.AUDITOR: set(),
}

# Which group each unit-scoped model follows.
MODEL_GROUP: dict[str, str] = {
    "plans.Plan": "plan",
    "progress.ReportingCalendar": "plan",
    "progress.Period": "plan",
    "plans.PlanItem": "item",
    "progress.ItemProgress": "item",
    "progress.ItemEvent": "item",
    "progress.Obligation": "item",
    "progress.Occurrence": "item",
    "plans.Target": "item_part",
    "plans.Deadline": "item_part",
    "plans.Milestone": "item_part",
    "plans.Assignment": "assignment",
    "progress.Track": "report",
    "progress.ProgressReport": "report",
    "progress.Evidence": "report",
    "progress.Escalation": "report",
    "progress.SupervisionNotice": "report",
    "progress.ExtensionRequest": "report",
    "reports.GoodPractice": "plan",
    "reports.GeneratedDocument": "plan",
    "reports.ReportWording": "plan",
    "publishing.Publication": "plan",
    "publishing.PublicNarrative": "plan",
    "publishing.PublicEvidence": "plan",
}
# Organisation-wide or personal models, each with its own test in this file.
OTHER_MODELS = {
    "accounts.Unit",
    "accounts.User",
    "accounts.Membership",
    "progress.SpecialDay",
    "progress.Notification",
    "progress.FeedToken",
    "api.ApiToken",
    "plans.ImportDraft",
    "core.AuditEntry",
    "tasks.Task",
    "channels.WebhookEndpoint",
    "channels.Delivery",
    "channels.MailPreference",
    "ledgers.Ledger",
    "ledgers.LedgerField",
    "ledgers.LedgerRecord",
    "ledgers.Indicator",
    "ledgers.IndicatorValue",
    # Assessment: tested in src/workplan/assessment/tests/test_permissions.py.
    "assessment.Rubric",
    "assessment.Criterion",
    "assessment.ManualScore",
    "assessment.Bonus",
    "assessment.Run",
    "assessment.Result",
    "assessment.Objection",
}


def expected(role: str, relation: str, obj: str, action: str) -> bool:
    if role == Role.ADMIN:
        return True
    return relation != "other" and (obj, action) in POLICY[role]


def test_every_scoped_model_is_in_the_matrix():
    with_policy = {model._meta.label for model in registered_policies()}
    assert with_policy == set(MODEL_GROUP) | OTHER_MODELS
    # …and every model whose queryset offers visible_to has a policy behind it.
    scoped = {
        model._meta.label
        for model in apps.get_models()
        if hasattr(model._default_manager, "visible_to")
        and model._meta.app_config.name.startswith("workplan.")
    }
    assert scoped <= with_policy


@pytest.fixture
def world(actor, org):
    """One plan per relation: owned by, and with its task assigned to, that unit, with one row
    of every unit-scoped model hanging off it."""
    units = {"own": org.unit_a, "sub": org.unit_a1, "other": org.unit_b}
    return {rel: _rows_of(actor, unit, rel) for rel, unit in units.items()}


def _rows_of(actor, unit, relation: str) -> dict[str, object]:
    from workplan.progress import services as progress
    from workplan.progress.models import (
        Escalation,
        ItemEvent,
        ItemProgress,
        Obligation,
        Occurrence,
        Period,
        ReportingCalendar,
        Track,
    )

    task = make_plan_with_task(actor, owner=unit, assignee=unit, title=f"plan {relation}")
    target = plan_services.target_create(actor=actor, item=task, text="每年1次", kind="frequency", value=1)
    deadline = plan_services.deadline_create(
        actor=actor, item=task, text="6月底前", date=dt.date(2019, 6, 30)
    )
    milestone = plan_services.milestone_create(
        actor=actor, item=task, title="中期检查", due_date=dt.date(2019, 6, 30)
    )
    progress.plan_dispatch(actor=actor, plan=task.plan)
    track = Track.objects.get(item=task)
    period = Period.objects.get(plan=task.plan, index=1)
    report = progress.report_save(actor=actor, track=track, period=period, narrative="进展", percent=10)
    evidence = progress.evidence_add(actor=actor, report=report, filename="a.txt", data=b"evidence")
    with clock.frozen(clock.now().replace(year=2019, month=12, day=20)):
        progress.escalation_raise_due(actor=actor, today=dt.date(2019, 12, 20))
    return {
        "plans.Plan": task.plan,
        "progress.ReportingCalendar": ReportingCalendar.objects.get(plan=task.plan),
        "progress.Period": period,
        "plans.PlanItem": task,
        "progress.ItemProgress": ItemProgress.objects.get(item=task),
        "progress.ItemEvent": ItemEvent.objects.filter(item=task).first(),
        "progress.Obligation": Obligation.objects.get(target=target),
        "progress.Occurrence": Occurrence.objects.filter(item=task).first(),
        "plans.Target": target,
        "plans.Deadline": deadline,
        "plans.Milestone": milestone,
        "plans.Assignment": assignment_of(task),
        "progress.Track": track,
        "progress.ProgressReport": report,
        "progress.Evidence": evidence,
        "progress.Escalation": Escalation.objects.filter(track=track).first(),
        "progress.SupervisionNotice": progress.notice_issue(
            actor=actor, track=track, reason="进度滞后", reply_due=clock.today() + dt.timedelta(days=7)
        ),
        "progress.ExtensionRequest": progress.extension_request(
            actor=actor, track=track, reason="资金未到位", requested_due=dt.date(2020, 3, 31)
        ),
        **_report_rows(task.plan, report, evidence),
    }


def _report_rows(plan, report, evidence) -> dict[str, object]:
    """A good-practice mark, a generation record, a publication, a public narrative and a public
    evidence file of the plan (rows, not the services' rules: those are tested in reports/ and
    publishing/tests)."""
    from workplan.reports.models import GeneratedDocument, GoodPractice, ReportWording

    now = clock.now()
    mark = GoodPractice.objects.create(report=report, plan=plan, marked_at=now)
    record = GeneratedDocument.objects.create(
        plan=plan, kind="summary", format="docx", year=plan.year, created_at=now, sha256="0" * 64, size=1
    )
    wording = ReportWording.objects.create(plan=plan, values={"number": "统发〔2019〕1号"})
    from workplan.publishing.models import Publication, PublicEvidence, PublicNarrative

    return {
        "reports.GoodPractice": mark,
        "reports.GeneratedDocument": record,
        "reports.ReportWording": wording,
        "publishing.Publication": Publication.objects.create(plan=plan, published_at=now),
        "publishing.PublicNarrative": PublicNarrative.objects.create(
            report=report, plan=plan, published_at=now
        ),
        "publishing.PublicEvidence": PublicEvidence.objects.create(
            evidence=evidence, plan=plan, published_at=now
        ),
    }


@pytest.mark.parametrize("role", Role.values)
def test_permission_matrix(actor, org, world, role):
    """Every relation × unit-scoped model × action for one role: the queryset and the
    policy's boolean both give what POLICY says (one world per role keeps this quick)."""
    user = make_user(actor, f"user-{role}", role=role, unit=org.unit_a)
    wrong = []
    for relation, model, action in itertools.product(RELATIONS, sorted(MODEL_GROUP), ("view", "edit")):
        target = world[relation][model]
        assert target is not None, f"the world has no {model}"
        want = expected(role, relation, MODEL_GROUP[model], action)
        in_queryset = type(target).objects.visible_to(user, Action(action)).filter(pk=target.pk).exists()
        if in_queryset is not want or permissions.can(user, Action(action), target) is not want:
            wrong.append(f"{relation} {model} {action}: want {want}")
    assert not wrong, wrong


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("relation", RELATIONS)
def test_plan_edit_service_follows_the_matrix(actor, org, world, role, relation):
    user = make_user(actor, f"svc-{role}", role=role, unit=org.unit_a)
    plan = world[relation]["plans.Plan"]
    if expected(role, relation, "plan", "edit"):
        plan_services.plan_update(actor=user, plan=plan, title="renamed")
        assert Plan.objects.get(pk=plan.pk).title == "renamed"
    else:
        with pytest.raises(Forbidden):
            plan_services.plan_update(actor=user, plan=plan, title="renamed")
        assert Plan.objects.get(pk=plan.pk).title != "renamed"


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("relation", RELATIONS)
def test_assignment_edit_service_follows_the_matrix(actor, org, world, role, relation):
    user = make_user(actor, f"asg-{role}", role=role, unit=org.unit_a)
    assignment = world[relation]["plans.Assignment"]
    if expected(role, relation, "assignment", "edit"):
        plan_services.assignment_update(actor=user, assignment=assignment, role="responsible")
        assert Assignment.objects.get(pk=assignment.pk).role == "responsible"
    else:
        with pytest.raises(Forbidden):
            plan_services.assignment_update(actor=user, assignment=assignment, role="responsible")


def test_outsider_and_anonymous_see_nothing(actor, world, personas):
    from django.contrib.auth.models import AnonymousUser

    for user in (personas.outsider, AnonymousUser(), None):
        assert not Plan.objects.visible_to(user).exists()
        assert not PlanItem.objects.visible_to(user).exists()
        assert not Assignment.objects.visible_to(user).exists()


def test_inactive_user_loses_access(actor, org, world):
    user = make_user(actor, "gone", role=Role.PLANNER, unit=org.root)
    assert Plan.objects.visible_to(user).count() == 3
    user.is_active = False
    permissions.forget_scope(user)
    assert not Plan.objects.visible_to(user).exists()


def test_visible_lists_have_no_duplicates_with_many_assignments(actor, org, personas):
    task = make_plan_with_task(actor, owner=org.unit_b, assignee=org.unit_a)
    plan_services.assignment_create(actor=actor, item=task, unit=org.unit_a1, role="responsible")
    plans = list(Plan.objects.visible_to(personas.reporter_a))
    assert plans == [task.plan]
    assert list(PlanItem.objects.visible_to(personas.reporter_a)) == [task]


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("relation", RELATIONS)
def test_report_edit_service_follows_the_matrix(actor, org, world, role, relation):
    from workplan.progress import services as progress
    from workplan.progress.models import ProgressReport

    user = make_user(actor, f"rep-{role}", role=role, unit=org.unit_a)
    report = world[relation]["progress.ProgressReport"]
    save = {"track": report.track, "period": report.period, "narrative": "改过", "percent": 30}
    if expected(role, relation, "report", "edit"):
        progress.report_save(actor=user, **save)
        assert ProgressReport.objects.get(pk=report.pk).percent == 30
    else:
        with pytest.raises(Forbidden):
            progress.report_save(actor=user, **save)
        assert ProgressReport.objects.get(pk=report.pk).percent == 10


# --- organisation-wide and personal models --------------------------------------------------


def test_units_and_the_holiday_list_are_read_by_everyone_signed_in_and_changed_by_admins(
    actor, org, personas
):
    from workplan.accounts.models import Unit
    from workplan.progress import services as progress
    from workplan.progress.models import SpecialDay

    day = progress.holiday_set(
        actor=personas.admin, date=dt.date(2019, 10, 1), is_working=False, name="国庆节"
    )
    for model, row in ((Unit, org.unit_b), (SpecialDay, day)):
        for user in (personas.planner, personas.reporter_a, personas.leader, personas.outsider):
            assert model.objects.visible_to(user).filter(pk=row.pk).exists()
            assert not permissions.can(user, Action.EDIT, row)
        assert permissions.can(personas.admin, Action.EDIT, row)
        assert not model.objects.visible_to(None).exists()


def test_units_a_user_plans_for_are_the_subtrees_of_their_planner_roles(actor, org, personas):
    from workplan.accounts.models import Unit

    planner_a = make_user(actor, "planner-a", role=Role.PLANNER, unit=org.unit_a)
    assert set(Unit.objects.visible_to(planner_a, Action.PLAN)) == {org.unit_a, org.unit_a1}
    assert set(Unit.objects.visible_to(personas.reporter_a, Action.PLAN)) == set()
    assert set(Unit.objects.visible_to(personas.reporter_a, Action.REPORT)) == {org.unit_a, org.unit_a1}
    # Reporting is personal: an administrator reports only where they hold the reporter role.
    assert set(Unit.objects.visible_to(personas.admin, Action.REPORT)) == set()


def test_people_and_roles_are_seen_by_themselves_and_managed_by_admins(actor, org, personas):
    from workplan.accounts.models import Membership, User

    for user in (personas.planner, personas.reporter_a):
        assert set(User.objects.visible_to(user)) == {user}
        assert set(Membership.objects.visible_to(user)) == set(Membership.objects.filter(user=user))
        assert not permissions.can(user, Action.EDIT, personas.reporter_b)
        assert permissions.can(user, Action.ACT_AS, user)
        assert not permissions.can(user, Action.ACT_AS, personas.reporter_b)
    assert permissions.can(personas.admin, Action.EDIT, personas.reporter_b)


def test_notifications_tokens_feeds_and_drafts_are_personal(actor, org, personas):
    from workplan.api.models import ApiToken
    from workplan.api.services import token_create
    from workplan.plans import drafts
    from workplan.progress import services as progress
    from workplan.progress.models import FeedToken, Notification

    make_plan_with_task(actor, owner=org.unit_a, assignee=org.unit_a)
    planner_a = make_user(actor, "planner-a", role=Role.PLANNER, unit=org.unit_a)
    progress.plan_dispatch(actor=actor, plan=Plan.objects.get())
    note = Notification.objects.filter(recipient=personas.reporter_a).first()
    assert note is not None
    token, _ = token_create(actor=personas.reporter_a, user=personas.reporter_a)
    feed, _ = progress.feed_token_create(actor=personas.reporter_a, unit=org.unit_a)
    draft = drafts.draft_create(
        actor=planner_a, data="一、总体要求".encode(), filename="p.txt", owner_unit=org.unit_a
    )
    from workplan.tasks.models import Task
    from workplan.tasks.queue import enqueue

    task = enqueue("progress.tick", {}, created_by=personas.reporter_a)
    for model, row, owner in (
        (Task, task, personas.reporter_a),
        (Notification, note, personas.reporter_a),
        (ApiToken, token, personas.reporter_a),
        (FeedToken, feed, personas.reporter_a),
        (type(draft), draft, planner_a),
    ):
        assert model.objects.visible_to(owner).filter(pk=row.pk).exists(), model
        assert not model.objects.visible_to(personas.reporter_b).filter(pk=row.pk).exists(), model
        assert not model.objects.visible_to(personas.planner).filter(pk=row.pk).exists(), model
    # Administrators manage every token, feed and draft, but read only their own notifications.
    assert ApiToken.objects.visible_to(personas.admin).filter(pk=token.pk).exists()
    assert not Notification.objects.visible_to(personas.admin).filter(pk=note.pk).exists()


def test_the_audit_log_is_read_about_what_one_sees_and_edited_by_nobody(actor, org, personas):
    from workplan.core.models import AuditEntry

    make_plan_with_task(actor, owner=org.unit_b, assignee=org.unit_b, title="B 的计划")
    entries_of_b = AuditEntry.objects.filter(target_repr__contains="B 的计划")
    assert entries_of_b.exists()
    assert not AuditEntry.objects.visible_to(personas.reporter_a).filter(pk__in=entries_of_b).exists()
    assert AuditEntry.objects.visible_to(personas.reporter_b).filter(pk__in=entries_of_b).exists()
    assert (
        AuditEntry.objects.visible_to(personas.admin).filter(pk__in=entries_of_b).count()
        == entries_of_b.count()
    )
    entry = entries_of_b.first()
    for user in (personas.admin, personas.reporter_b):
        assert not permissions.can(user, Action.EDIT, entry)


@pytest.mark.parametrize("role", Role.values)
def test_ledgers_records_and_indicators_by_role(actor, org, role):
    """A ledger owned by A and kept by A and B: planners of A define it and see every record;
    A's readers see all of them; a unit's reporters keep its own and its sub-units' records;
    B's people see only B's records. Indicators follow their owner unit."""
    from workplan.ledgers import services as ledgers
    from workplan.ledgers.models import Indicator, IndicatorValue, Ledger, LedgerField, LedgerRecord

    ledger = ledgers.ledger_create(
        actor=actor, code="L", name="台账", owner_unit=org.unit_a, keeping_units=[org.unit_a, org.unit_b]
    )
    field = ledgers.field_add(actor=actor, ledger=ledger, label="名称", kind="text")
    rec = {
        unit.code: ledgers.record_create(actor=actor, ledger=ledger, unit=unit, values={field.key: unit.code})
        for unit in (org.unit_a, org.unit_a1, org.unit_b)
    }
    indicator = ledgers.indicator_create(
        actor=actor, code="I", name="手填", owner_unit=org.unit_a, measure="manual"
    )
    value = ledgers.indicator_value_set(actor=actor, indicator=indicator, as_of=dt.date(2019, 6, 30), value=3)
    for unit, relation in ((org.unit_a, "own"), (org.unit_b, "other")):
        user = make_user(actor, f"{role}-{relation}", role=role, unit=unit)
        if role == Role.AUDITOR:  # reads the audit log only
            for model in (Ledger, LedgerField, LedgerRecord, Indicator, IndicatorValue):
                assert not model.objects.visible_to(user).exists()
            continue
        reads_all = role == Role.ADMIN or (relation == "own" and role != Role.REPORTER)
        plans_here = role == Role.ADMIN or (relation == "own" and role == Role.PLANNER)
        own_codes = {"A", "A1"} if relation == "own" else {"B"}
        want_view = set(rec) if reads_all else own_codes
        keeps = role in (Role.REPORTER, Role.PLANNER)
        want_edit = set(rec) if plans_here else (own_codes if keeps else set())
        seen = set(LedgerRecord.objects.visible_to(user).values_list("unit__code", flat=True))
        edits = set(LedgerRecord.objects.visible_to(user, Action.EDIT).values_list("unit__code", flat=True))
        assert (seen, edits) == (want_view, want_edit), (relation, seen, edits)
        for model, row in ((Ledger, ledger), (LedgerField, field)):
            assert model.objects.visible_to(user).filter(pk=row.pk).exists()  # own unit or a keeping unit
            assert permissions.can(user, Action.EDIT, row) is plans_here
        for model, row in ((Indicator, indicator), (IndicatorValue, value)):
            assert model.objects.visible_to(user).filter(pk=row.pk).exists() is reads_all
            assert permissions.can(user, Action.EDIT, row) is plans_here
    outsider = make_user(actor, "nobody")
    for model in (Ledger, LedgerField, LedgerRecord, Indicator, IndicatorValue):
        assert not model.objects.visible_to(outsider).exists()
        assert not model.objects.visible_to(None).exists()


def test_group_robots_are_for_administrators_and_mail_preferences_are_personal(actor, org, personas):
    from workplan.channels import services as channels
    from workplan.channels.models import Delivery, MailPreference, WebhookEndpoint

    endpoint = channels.endpoint_create(
        actor=personas.admin,
        name="群",
        platform="wecom",
        url="https://93.184.216.34/send?key=k",
        unit=org.unit_a,
    )
    delivery = channels.endpoint_test(actor=personas.admin, endpoint=endpoint)
    preference = channels.mail_preference_set(actor=personas.reporter_a, frequency="daily")
    for model, row in ((WebhookEndpoint, endpoint), (Delivery, delivery)):
        assert model.objects.visible_to(personas.admin).filter(pk=row.pk).exists()
        for user in (personas.planner, personas.reporter_a, personas.leader, personas.outsider):
            assert not model.objects.visible_to(user).filter(pk=row.pk).exists()
            assert not model.objects.visible_to(user, Action.EDIT).filter(pk=row.pk).exists()
    assert MailPreference.objects.visible_to(personas.reporter_a).filter(pk=preference.pk).exists()
    for user in (personas.admin, personas.reporter_b, personas.planner):
        assert not MailPreference.objects.visible_to(user).filter(pk=preference.pk).exists()
