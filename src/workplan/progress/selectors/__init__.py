"""Reads of the supervision chain, always scoped to the user asking.

Lists are built in a fixed number of queries whatever their length (tracks, periods and
reports are fetched once each and joined in Python). Missing and forbidden objects both
raise ``NotFound``.
"""

from workplan.progress.selectors.calendar import (
    holiday_list,
    period_for_date,
    period_get_for_user,
    plan_periods,
    working_days,
)
from workplan.progress.selectors.evidence import (
    EvidenceFile,
    evidence_get_for_user,
    evidence_open,
)
from workplan.progress.selectors.feeds import (
    feed_ics,
    feed_token_list,
)
from workplan.progress.selectors.item_page import (
    ItemPage,
    default_as_of,
    item_page,
)
from workplan.progress.selectors.items import item_list_for_user
from workplan.progress.selectors.notifications import (
    notification_get_for_user,
    notification_list,
    notification_list_for_user,
    notification_unread,
    notification_unread_count,
)
from workplan.progress.selectors.obligations import (
    OccurrenceRow,
    occurrence_list,
    occurrence_state,
)
from workplan.progress.selectors.status import (
    ItemStatusRow,
    TrackStatus,
    item_status,
    plan_status_board,
)
from workplan.progress.selectors.supervision import (
    extension_get_for_user,
    extension_list,
    notice_get_for_user,
    notice_list,
    notices_to_answer,
    occurrence_get_for_user,
    reports_meeting_candidates,
)
from workplan.progress.selectors.tasks import (
    TaskRow,
    my_tasks,
)
from workplan.progress.selectors.timeline import (
    escalation_list,
    item_remarks,
    item_timeline,
    remark_get_for_user,
)
from workplan.progress.selectors.tracks import (
    item_reports,
    item_tracks,
    open_subitems,
    report_get_for_user,
    report_list_for_user,
    report_of,
    reports_to_review,
    track_facts,
    track_get_for_user,
    track_list_for_user,
    with_latest,
)

__all__ = [
    "EvidenceFile",
    "ItemPage",
    "ItemStatusRow",
    "OccurrenceRow",
    "TaskRow",
    "TrackStatus",
    "default_as_of",
    "escalation_list",
    "evidence_get_for_user",
    "evidence_open",
    "extension_get_for_user",
    "extension_list",
    "feed_ics",
    "feed_token_list",
    "holiday_list",
    "item_list_for_user",
    "item_page",
    "item_remarks",
    "item_reports",
    "item_status",
    "item_timeline",
    "item_tracks",
    "my_tasks",
    "notice_get_for_user",
    "notice_list",
    "notices_to_answer",
    "notification_get_for_user",
    "notification_list",
    "notification_list_for_user",
    "notification_unread",
    "notification_unread_count",
    "occurrence_get_for_user",
    "occurrence_list",
    "occurrence_state",
    "open_subitems",
    "period_for_date",
    "period_get_for_user",
    "plan_periods",
    "plan_status_board",
    "remark_get_for_user",
    "report_get_for_user",
    "report_list_for_user",
    "report_of",
    "reports_meeting_candidates",
    "reports_to_review",
    "track_facts",
    "track_get_for_user",
    "track_list_for_user",
    "with_latest",
    "working_days",
]
