"""A user's signed-in sessions (等保 2.0: concurrent sessions seen and ended by their owner).

Sessions live in Django's session table; each carries, from sign-in, the client's address and
user agent (security.receivers) and the start and last-seen stamps of the timeout middleware.
Reading them decodes the live sessions once per call: fine for an office's few hundred.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session

from workplan.core import clock

ADDRESS = "workplan_session_address"
USER_AGENT = "workplan_session_user_agent"
STARTED = "workplan_session_started"
SEEN = "workplan_session_seen"


@dataclass(frozen=True)
class SessionInfo:
    key: str
    address: str
    user_agent: str
    started: dt.datetime | None
    last_seen: dt.datetime | None
    expires: dt.datetime
    current: bool = False

    @property
    def ref(self) -> str:
        """What the pages and the API name a session by: not the key itself (a credential)."""
        return session_ref(self.key)


def session_ref(key: str) -> str:
    import hashlib

    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _stamp(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(float(value), tz=dt.UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def live_sessions_of(user: Any, *, current_key: str | None = None) -> list[SessionInfo]:
    """The user's unexpired sessions, most recently seen first."""
    found = []
    for row in Session.objects.filter(expire_date__gt=clock.now()).iterator():
        data = row.get_decoded()
        if str(data.get(SESSION_KEY)) != str(user.pk) or HASH_SESSION_KEY not in data:
            continue
        found.append(
            SessionInfo(
                key=row.session_key,
                address=str(data.get(ADDRESS, "")),
                user_agent=str(data.get(USER_AGENT, "")),
                started=_stamp(data.get(STARTED)),
                last_seen=_stamp(data.get(SEEN)),
                expires=row.expire_date,
                current=row.session_key == current_key,
            )
        )
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(found, key=lambda s: s.last_seen or s.started or epoch, reverse=True)
