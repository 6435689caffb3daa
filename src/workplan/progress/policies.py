"""Permission policies of supervision: calendars, tracks, reports, evidence, warnings, feeds.

Tracks, reports (with their evidence) and warnings are one unit's work on one item. They are
viewed like assignments — by readers of the plan's owner unit, and by reporters, leaders,
assessors and viewers of the reporting unit (or a parent unit) — and written (acknowledge,
report, attach evidence, request completion) by reporters of the unit or a parent unit.
Review, completion, carry-over, reassignment, period closing and the calendar are plan
edits (planners), checked on the plan.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Q

from workplan.accounts.models import Role
from workplan.core.policy import EVERYTHING, NOTHING, Action, policy_for, register
from workplan.permissions import ASSIGNED_READER_ROLES, READER_ROLES, Scope, ScopedPolicy, scope_for
from workplan.plans.models import Plan, PlanItem
from workplan.progress.models import (
    Escalation,
    Evidence,
    ExtensionRequest,
    FeedToken,
    ItemEvent,
    ItemProgress,
    Notification,
    Obligation,
    Occurrence,
    Period,
    ProgressReport,
    ReportingCalendar,
    SpecialDay,
    SupervisionNotice,
    Track,
)


@register
class SpecialDayPolicy(ScopedPolicy):
    """The holiday and make-up-day list: everyone signed in reads it; administrators change it."""

    model = SpecialDay
    user_administration = True

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        return EVERYTHING if action == Action.VIEW else NOTHING


class OfPlanPolicy(ScopedPolicy):
    """Rows of a plan (``plan``): viewed and changed as the plan is."""

    def rule(self, user: Any, action: Action) -> Q:
        return Q(plan__in=policy_for(Plan).visible(Plan.objects.all(), user, action).values("pk"))


@register
class ReportingCalendarPolicy(OfPlanPolicy):
    model = ReportingCalendar


@register
class PeriodPolicy(OfPlanPolicy):
    model = Period


class OfItemPolicy(ScopedPolicy):
    """Rows of an item (``item``): viewed and edited (reported on) as the item is."""

    def rule(self, user: Any, action: Action) -> Q:
        return Q(item__in=policy_for(PlanItem).visible(PlanItem.objects.all(), user, action).values("pk"))


@register
class ItemProgressPolicy(OfItemPolicy):
    model = ItemProgress


@register
class ItemEventPolicy(OfItemPolicy):
    model = ItemEvent


@register
class ObligationPolicy(OfItemPolicy):
    model = Obligation


@register
class OccurrencePolicy(OfItemPolicy):
    model = Occurrence


def track_rule(scope: Scope, action: Action, prefix: str = "") -> Q:
    """One unit's work on one item; ``prefix`` reaches the track-like row from another model."""
    if action == Action.EDIT:
        return Q(**{f"{prefix}unit_id__in": scope.units(Role.REPORTER)})
    return Q(**{f"{prefix}item__plan__owner_unit_id__in": scope.units(*READER_ROLES)}) | Q(
        **{f"{prefix}unit_id__in": scope.units(*ASSIGNED_READER_ROLES)}
    )


class UnitWorkPolicy(ScopedPolicy):
    prefix: ClassVar[str] = ""

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        return track_rule(scope, action, self.prefix)


@register
class TrackPolicy(UnitWorkPolicy):
    model = Track


@register
class ProgressReportPolicy(UnitWorkPolicy):
    model = ProgressReport


@register
class EscalationPolicy(UnitWorkPolicy):
    model = Escalation


@register
class SupervisionNoticePolicy(UnitWorkPolicy):
    """Seen like the unit's work; EDIT (answering) is the unit's reporters'. Issuing and
    lifting are plan edits (planners), checked on the plan by the services."""

    model = SupervisionNotice


@register
class ExtensionRequestPolicy(UnitWorkPolicy):
    """Seen like the unit's work; EDIT (asking) is the unit's reporters'. Deciding is a plan
    edit (planners), checked on the plan by the services."""

    model = ExtensionRequest


@register
class EvidencePolicy(UnitWorkPolicy):
    """Evidence files are served only to those who may see their report."""

    model = Evidence
    prefix = "report__"


@register
class NotificationPolicy(ScopedPolicy):
    """Notifications are personal: each user sees and marks only their own (admins included)."""

    model = Notification
    admin_passes = False

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        return Q(recipient_id=scope.user_id)


@register
class FeedTokenPolicy(ScopedPolicy):
    """A user manages the calendar-feed tokens they created, while they still act for the
    token's unit (or above); administrators manage all. A feed answers only while this holds
    for its creator."""

    model = FeedToken

    def scope_rule(self, scope: Scope, action: Action) -> Q:
        return Q(created_by_id=scope.user_id, unit_id__in=scope.all_units)


def feed_is_valid(token: FeedToken) -> bool:
    """The creator of ``token`` may still read their unit's calendar."""
    return policy_for(FeedToken).allows(token.created_by, Action.VIEW, token)


def sees_every_track(user: Any, plan: Plan) -> bool:
    """True when ``user`` sees every item and every unit's track of ``plan`` (an administrator, or a
    reader of its owner unit): roll-ups may then read the items' stored state as a whole."""
    scope = scope_for(user)
    return scope.is_admin or plan.owner_unit_id in scope.units(*READER_ROLES)


def plans_seen_whole(user: Any, plans: list[Plan]) -> set[int]:
    """The ids of ``plans`` whose every track ``user`` sees (see :func:`sees_every_track`)."""
    return {plan.pk for plan in plans if sees_every_track(user, plan)}
