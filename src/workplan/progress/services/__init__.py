"""Writes of the supervision chain: 交办 → 签收 → 办理 → 反馈 → 审核 → 办结 (or carried over).

Each service takes the acting user first, checks ``workplan.permissions``, changes the
rows, appends the step to the item's timeline (``ItemEvent``) and writes the audit entry,
all in one transaction; messages to people go through ``progress.notify`` (e-mail after the
commit). Optimistic locking: pass the ``version`` you loaded as ``expected_version`` (``0``
for "I expect no report yet") and a stale save is refused with ``Conflict``.

Who may do what (see ``progress/policies.py``): reporters of the assigned unit (or a
parent unit) acknowledge, start, report, attach evidence and request completion;
planners of the plan's owner unit review, complete, carry over and reassign; leaders write
instructions (批示).

The package splits these by concern; every public service is importable from here.
"""

from workplan.progress.services._common import REPORTING_ROLES
from workplan.progress.services.alerts import (
    escalation_raise_due,
    reminder_send_due,
)
from workplan.progress.services.calendar import (
    calendar_configure,
    calendar_ensure,
    holiday_delete,
    holiday_set,
    period_close,
    period_reopen,
)
from workplan.progress.services.completion import (
    item_carry_over,
    item_complete,
    track_reassign,
    track_request_completion,
)
from workplan.progress.services.dispatch import (
    DispatchResult,
    item_dispatch,
    plan_dispatch,
    track_acknowledge,
    track_start,
)
from workplan.progress.services.evidence import (
    evidence_add,
    evidence_remove,
)
from workplan.progress.services.feeds import (
    feed_token_create,
    feed_token_revoke,
)
from workplan.progress.services.notifications import (
    notification_mark_all_read,
    notification_mark_read,
)
from workplan.progress.services.obligations import (
    obligation_generate,
    occurrence_mark_met,
    occurrence_unmark,
)
from workplan.progress.services.remarks import (
    comment_create,
    instruction_create,
)
from workplan.progress.services.reports import (
    report_accept,
    report_return,
    report_save,
    report_save_with_evidence,
)
from workplan.progress.services.rollups import rollups_repair
from workplan.progress.services.supervision import (
    extension_decide,
    extension_request,
    notice_answer,
    notice_issue,
    notice_lift,
    track_refuse,
)

__all__ = [
    "REPORTING_ROLES",
    "DispatchResult",
    "calendar_configure",
    "calendar_ensure",
    "comment_create",
    "escalation_raise_due",
    "evidence_add",
    "evidence_remove",
    "extension_decide",
    "extension_request",
    "feed_token_create",
    "feed_token_revoke",
    "holiday_delete",
    "holiday_set",
    "instruction_create",
    "item_carry_over",
    "item_complete",
    "item_dispatch",
    "notice_answer",
    "notice_issue",
    "notice_lift",
    "notification_mark_all_read",
    "notification_mark_read",
    "obligation_generate",
    "occurrence_mark_met",
    "occurrence_unmark",
    "period_close",
    "period_reopen",
    "plan_dispatch",
    "reminder_send_due",
    "report_accept",
    "report_return",
    "report_save",
    "report_save_with_evidence",
    "rollups_repair",
    "track_acknowledge",
    "track_reassign",
    "track_refuse",
    "track_request_completion",
    "track_start",
]
