"""Supervision of the work: reporting periods, the 交办→办结 chain, reports, warnings, reminders.

The chain is kept per item × responsible unit in a :class:`Track` (linked to the plans app's
``Assignment``, which this app never changes itself), and per item overall in
:class:`ItemProgress`. Every step is stamped on those rows *and* appended to
:class:`ItemEvent`, which is what the timeline shows. Reads go through ``visible_to(user)``,
which applies the rules of ``workplan.permissions``.
"""

from workplan.progress.models.alerts import (
    LEVEL_ORDER,
    Escalation,
    EscalationQuerySet,
    Level,
    Notification,
    NotificationKind,
    NotificationQuerySet,
    Reminder,
    ReminderKind,
)
from workplan.progress.models.calendar import (
    Frequency,
    Period,
    PeriodQuerySet,
    ReportingCalendar,
    ReportingCalendarQuerySet,
)
from workplan.progress.models.chain import (
    CLOSED_STATES,
    REPORTING_STATES,
    WRITABLE_STATES,
    ItemProgress,
    ItemProgressQuerySet,
    ItemState,
    Track,
    TrackQuerySet,
    TrackState,
)
from workplan.progress.models.feeds import (
    FeedToken,
    FeedTokenQuerySet,
)
from workplan.progress.models.obligations import (
    Obligation,
    ObligationQuerySet,
    Occurrence,
    OccurrenceQuerySet,
)
from workplan.progress.models.reports import (
    Evidence,
    EvidenceQuerySet,
    ProgressReport,
    ProgressReportQuerySet,
    ReportStatus,
    ReportTally,
    SelfStatus,
)
from workplan.progress.models.supervision import (
    ExtensionRequest,
    ExtensionRequestQuerySet,
    ExtensionState,
    NoticeKind,
    NoticeState,
    SupervisionNotice,
    SupervisionNoticeQuerySet,
)
from workplan.progress.models.timeline import (
    EventKind,
    ItemEvent,
    ItemEventQuerySet,
)
from workplan.progress.models.workdays import (
    SpecialDay,
    SpecialDayQuerySet,
)

__all__ = [
    "CLOSED_STATES",
    "LEVEL_ORDER",
    "REPORTING_STATES",
    "WRITABLE_STATES",
    "Escalation",
    "EscalationQuerySet",
    "EventKind",
    "Evidence",
    "EvidenceQuerySet",
    "ExtensionRequest",
    "ExtensionRequestQuerySet",
    "ExtensionState",
    "FeedToken",
    "FeedTokenQuerySet",
    "Frequency",
    "ItemEvent",
    "ItemEventQuerySet",
    "ItemProgress",
    "ItemProgressQuerySet",
    "ItemState",
    "Level",
    "NoticeKind",
    "NoticeState",
    "Notification",
    "NotificationKind",
    "NotificationQuerySet",
    "Obligation",
    "ObligationQuerySet",
    "Occurrence",
    "OccurrenceQuerySet",
    "Period",
    "PeriodQuerySet",
    "ProgressReport",
    "ProgressReportQuerySet",
    "Reminder",
    "ReminderKind",
    "ReportStatus",
    "ReportTally",
    "ReportingCalendar",
    "ReportingCalendarQuerySet",
    "SelfStatus",
    "SpecialDay",
    "SpecialDayQuerySet",
    "SupervisionNotice",
    "SupervisionNoticeQuerySet",
    "Track",
    "TrackQuerySet",
    "TrackState",
]
