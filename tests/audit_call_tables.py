"""Call tables of the write services of the apps added after the core ones (tasks, ledgers,
reports, publishing, security, API tokens, assessment, operations), for tests/test_audit_every_write.py."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from workplan.accounts import services as accounts
from workplan.core.testing import make_plan_with_task


def _task_calls(actor):
    """Background tasks started and retried by hand (administrators)."""
    from workplan.tasks import services as tasks
    from workplan.tasks.models import TaskState

    def failed_then_retried():
        task = tasks.task_start(actor=actor, name="progress.tick")
        type(task).objects.filter(pk=task.pk).update(state=TaskState.FAILED)
        task.refresh_from_db()
        return tasks.task_retry(actor=actor, task=task)

    return {
        "task_start": lambda: tasks.task_start(actor=actor, name="progress.tick"),
        "task_retry": failed_then_retried,
    }


def _ledger_calls(actor, org, task):
    """Ledgers, fields, records and indicators (a fresh ledger per call)."""
    from workplan.ledgers import services as ledgers
    from workplan.ledgers.services.keeping import ImportRow

    made = {"n": 0}

    def ledger():
        made["n"] += 1
        return ledgers.ledger_create(
            actor=actor, code=f"L{made['n']}", name="台账", owner_unit=org.unit_a, keeping_units=[org.unit_a]
        )

    def field():
        return ledgers.field_add(actor=actor, ledger=ledger(), label="名称", kind="text", key="name")

    def record():
        return ledgers.record_create(
            actor=actor, ledger=field().ledger, unit=org.unit_a, values={"name": "x"}
        )

    def indicator(measure="count"):
        made["n"] += 1
        return ledgers.indicator_create(
            actor=actor,
            code=f"I{made['n']}",
            name="指标",
            owner_unit=org.unit_a,
            ledger=None if measure == "manual" else ledger(),
            measure=measure,
        )

    return {
        "ledger_create": ledger,
        "ledger_update": lambda: ledgers.ledger_update(actor=actor, ledger=ledger(), name="改名"),
        "ledger_delete": lambda: ledgers.ledger_delete(actor=actor, ledger=ledger()),
        "field_add": field,
        "field_update": lambda: ledgers.field_update(actor=actor, field=field(), label="新名"),
        "field_delete": lambda: ledgers.field_delete(actor=actor, field=field()),
        "record_create": record,
        "record_update": lambda: ledgers.record_update(actor=actor, record=record(), values={"name": "y"}),
        "record_delete": lambda: ledgers.record_delete(actor=actor, record=record()),
        "record_import": lambda: ledgers.record_import(
            actor=actor,
            ledger=field().ledger,
            rows=[ImportRow(record=None, unit=org.unit_a, values={"name": "z"})],
        ),
        "indicator_create": indicator,
        "indicator_update": lambda: ledgers.indicator_update(actor=actor, indicator=indicator(), name="改"),
        "indicator_delete": lambda: ledgers.indicator_delete(actor=actor, indicator=indicator()),
        "indicator_value_set": lambda: ledgers.indicator_value_set(
            actor=actor, indicator=indicator("manual"), as_of=dt.date(2019, 6, 30), value=1
        ),
    }


def _report_calls(actor, org):
    """Generating a document (recorded) and marking good practice on an accepted report."""
    from workplan.core import clock
    from workplan.progress import services as prog
    from workplan.progress.testing import dispatched_task, moment
    from workplan.reports import services as reports

    def accepted():
        d = dispatched_task(actor, owner=org.unit_b, assignee=org.unit_b, due=dt.date(2019, 3, 31))
        with clock.frozen(moment(2019, 1, 10)):
            report = prog.report_save(
                actor=actor, track=d.track, period=d.period(1), narrative="经验", percent=20, submit=True
            )
        return prog.report_accept(actor=actor, report=report)

    def summary():
        plan = make_plan_with_task(actor, owner=org.unit_b, assignee=org.unit_b).plan
        return reports.document_generate(actor=actor, plan=plan, kind="summary", fmt="html")

    def requested():
        plan = make_plan_with_task(actor, owner=org.unit_b, assignee=org.unit_b).plan
        return reports.document_request(actor=actor, plan=plan, kind="summary", fmt="html")

    return {
        "document_generate": summary,
        "document_request": requested,
        "document_make": lambda: reports.document_make(document_id=requested().pk),
        "wording_update": lambda: reports.wording_update(
            actor=actor,
            plan=make_plan_with_task(actor, owner=org.unit_b, assignee=org.unit_b).plan,
            values={"number": "统发〔2019〕1号"},
        ),
        "good_practice_mark": lambda: reports.good_practice_mark(actor=actor, report=accepted()),
        "good_practice_unmark": lambda: reports.good_practice_unmark(
            actor=actor, mark=reports.good_practice_mark(actor=actor, report=accepted())
        ),
        **_publishing_calls(actor, org, accepted),
    }


def _publishing_calls(actor, org, accepted):
    """Publishing a plan (whole or a part), taking it down, and making a narrative or an evidence
    file public."""
    from workplan.core import clock
    from workplan.progress import services as prog
    from workplan.progress.testing import dispatched_task, moment
    from workplan.publishing import services as publishing

    def accepted_file():
        """A file of an accepted report (attached while the report was submitted)."""
        d = dispatched_task(actor, owner=org.unit_b, assignee=org.unit_b, due=dt.date(2019, 3, 31))
        with clock.frozen(moment(2019, 1, 10)):
            report = prog.report_save(
                actor=actor, track=d.track, period=d.period(1), narrative="材料", percent=20, submit=True
            )
            evidence = prog.evidence_add(actor=actor, report=report, filename="a.txt", data=b"public file")
        prog.report_accept(actor=actor, report=report)
        evidence.refresh_from_db()
        return evidence

    def plan():
        return make_plan_with_task(actor, owner=org.unit_b, assignee=org.unit_b).plan

    def published():
        p = plan()
        return publishing.publication_publish(actor=actor, plan=p, part_ids=[p.items.get(depth=1).pk]).plan

    return {
        "publication_publish": published,
        "publication_unpublish": lambda: publishing.publication_unpublish(actor=actor, plan=published()),
        "narrative_publish": lambda: publishing.narrative_publish(actor=actor, report=accepted()),
        "narrative_unpublish": lambda: publishing.narrative_unpublish(
            actor=actor, narrative=publishing.narrative_publish(actor=actor, report=accepted())
        ),
        "evidence_publish": lambda: publishing.evidence_publish(actor=actor, evidence=accepted_file()),
        "evidence_unpublish": lambda: publishing.evidence_unpublish(
            actor=actor, public_evidence=publishing.evidence_publish(actor=actor, evidence=accepted_file())
        ),
    }


def _otp_enrol(security, actor):
    from django_otp.oath import totp

    device = security.otp_enrol_start(actor=actor)
    return security.otp_enrol_confirm(actor=actor, code=f"{totp(device.bin_key):06d}")


def _security_calls(actor, user):
    """Sign-in events and unlocking (the actor is an administrator)."""
    from workplan.security import services as security

    return {
        "auth_event_record": lambda: security.auth_event_record(actor=actor, event="login", target=actor),
        "auth_lockout_reset": lambda: security.auth_lockout_reset(actor=actor, username=user.username),
        "otp_enrol_start": lambda: security.otp_enrol_start(actor=actor),
        "otp_enrol_confirm": lambda: _otp_enrol(security, actor),
        "otp_recovery_codes_renew": lambda: security.otp_recovery_codes_renew(actor=actor),
        "otp_verify": lambda: security.otp_verify(actor=actor, code=_otp_enrol(security, actor)[0]),
        "otp_reset": lambda: security.otp_reset(actor=actor, user=user),
        "audit_export_record": lambda: security.audit_export_record(actor=actor, filters={}, count=0),
        "permission_refusal_record": lambda: security.permission_refusal_record(
            actor=actor, method="POST", path="/plans/1/", message="no"
        ),
        "session_revoke": lambda: security.session_revoke(actor=actor, user=user, ref="0" * 16),
        "session_revoke_all": lambda: security.session_revoke_all(actor=actor, user=user),
    }


def _api_calls(actor, user):
    """Personal API tokens (made for another user: administrators may)."""
    from workplan.api import services as api

    return {
        "token_create": lambda: api.token_create(actor=actor, user=user, name="OA", expires_days=30),
        "token_revoke": lambda: api.token_revoke(
            actor=actor, token=api.token_create(actor=actor, user=user)[0]
        ),
    }


def _assessment_calls(actor, org):
    """Rubrics, judgement, runs and objections, on the small scored world (built on first use)."""
    from workplan.assessment import services as assess
    from workplan.assessment.testing import build_world
    from workplan.core import clock
    from workplan.progress.testing import moment

    cache = {}

    def world():
        if not cache:
            cache["w"] = build_world(actor, org, one_actor=True)
        return cache["w"]

    def rubric():
        return assess.rubric_create(actor=actor, plan=world().rubric.plan, code="audit-r", name="考核")

    def score():
        return assess.score_enter(
            actor=actor,
            criterion=world().criterion("quality"),
            period="2019-H1",
            unit=org.unit_a,
            points=10,
            reason="一般",
        )

    def entered_by_another():
        from workplan.assessment.models import ManualScore

        quality = world().criterion("quality")
        return ManualScore.objects.create(
            criterion=quality,
            rubric=quality.rubric,
            period="2019-H1",
            subject_key=f"unit:{org.unit_b.pk}",
            unit=org.unit_b,
            points=5,
            reason="他人录入",
            entered_by=world().assessor,
        )

    def bonus():
        return assess.bonus_add(
            actor=actor,
            criterion=world().criterion("awards"),
            period="2019-H1",
            unit=org.unit_a,
            points=1,
            reason="表彰",
            evidence="文件",
        )

    def run(publish=False):
        with clock.frozen(moment(2019, 7, 5)):
            return assess.run_compute(actor=actor, rubric=world().rubric, period="2019-H1", publish=publish)

    def objection():
        result = run(publish=True).results.get(unit=org.unit_a)
        with clock.frozen(moment(2019, 7, 6)):
            return assess.objection_file(actor=actor, result=result, reason="有异议")

    return {
        "rubric_create": rubric,
        "rubric_update": lambda: assess.rubric_update(actor=actor, rubric=rubric(), name="改名"),
        "rubric_delete": lambda: assess.rubric_delete(actor=actor, rubric=rubric()),
        "rubric_set_criteria": lambda: assess.rubric_set_criteria(
            actor=actor,
            rubric=rubric(),
            criteria=[{"code": "c", "name": "完成", "kind": "completion", "weight": 100}],
        ),
        "score_enter": score,
        "score_review": lambda: assess.score_review(actor=actor, score=entered_by_another(), confirm=True),
        "bonus_add": bonus,
        "bonus_remove": lambda: assess.bonus_remove(actor=actor, bonus=bonus()),
        "run_compute": run,
        "run_publish": lambda: assess.run_publish(actor=actor, run=run()),
        "objection_file": objection,
        "objection_answer": lambda: assess.objection_answer(
            actor=actor, objection=objection(), answer="维持"
        ),
    }


def _operations_calls(actor, user):
    """First run, passwords and the organisation workbook (on a site that has units already,
    so the first run is tried on an emptied tree inside a savepoint)."""
    from workplan.operations import services as ops
    from workplan.operations.testing import org_workbook

    def initialise():
        from workplan.accounts.models import Unit
        from workplan.plans.models import Plan

        with transaction.atomic():
            Plan.objects.all().delete()
            Unit.objects.all().delete()
            ops.site_initialise(
                actor=actor, organisation="新单位", code="NEW", admin_username="boss", admin_password=None
            )

    def change_own_password():
        actor.set_password("Old-secret-91")
        actor.save(update_fields=["password"])
        return ops.user_password_change(
            actor=actor, current_password="Old-secret-91", new_password="New-secret-92"
        )

    def user_unit():
        from workplan.accounts.models import Unit

        return Unit.objects.get(code="ROOT")

    def review():
        from workplan.plans import drafts

        text = "2019年要点\n一、基层\n（一）完善机制。（东山镇负责）\n".encode()
        return drafts.draft_create(actor=actor, data=text, filename="d.txt", owner_unit=user_unit())

    sheet = org_workbook(
        [["S1", "办公室", "", "ROOT", "", "", ""]], [["zhang", "", "S1", "viewer", "", "", ""]]
    )
    return {
        "site_initialise": initialise,
        "user_password_reset": lambda: ops.user_password_reset(actor=actor, user=user),
        "user_password_change": change_own_password,
        "organisation_import": lambda: ops.organisation_import(actor=actor, data=sheet, apply=True),
        "draft_units_create": lambda: ops.draft_units_create(
            actor=actor, draft=review(), names=["东山镇"], parent=user_unit()
        ),
        "draft_units_map": lambda: ops.draft_units_map(
            actor=actor, draft=review(), names=["东山镇"], unit=user_unit()
        ),
        "user_add": lambda: ops.user_add(actor=actor, username="li", unit=user_unit(), role="viewer"),
        "user_change": lambda: ops.user_change(actor=actor, user=user, phone="0571-1"),
        "membership_withdraw": lambda: ops.membership_withdraw(
            actor=actor,
            membership=accounts.membership_create(actor=actor, user=user, unit=user_unit(), role="viewer"),
        ),
    }


def _channel_calls(actor, org):
    """Group robots (administrators), a test message, mail preferences and the digest."""
    from django.test import override_settings

    from workplan.channels import services as channels
    from workplan.channels.models import MailPreference

    def endpoint():
        with override_settings(WORKPLAN_WEBHOOK_ALLOWED_HOSTS=["127.0.0.1"]):
            return channels.endpoint_create(
                actor=actor, name="群", platform="wecom", url="http://127.0.0.1:9/send?key=k", unit=org.unit_a
            )

    def digest_due():
        channels.mail_preference_set(actor=actor, frequency="daily")
        MailPreference.objects.filter(user=actor).update(
            last_digest_at=dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
        )
        return channels.digest_send_due(actor=actor)

    return {
        "endpoint_create": endpoint,
        "endpoint_update": lambda: channels.endpoint_update(actor=actor, endpoint=endpoint(), active=False),
        "endpoint_delete": lambda: channels.endpoint_delete(actor=actor, endpoint=endpoint()),
        "endpoint_test": lambda: channels.endpoint_test(actor=actor, endpoint=endpoint()),
        "mail_preference_set": lambda: channels.mail_preference_set(actor=actor, frequency="weekly"),
        "digest_send_due": digest_due,
    }
