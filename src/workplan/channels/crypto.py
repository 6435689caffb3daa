"""Robot URLs and signing secrets at rest: Fernet (AES-128-CBC + HMAC) under a key derived
from the site's SECRET_KEY, so a copy of the database alone does not post to anyone's group.

Rotating SECRET_KEY makes the stored values unreadable: the robots must be entered again
(their deliveries fail with a message that says so).
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class SecretUnreadable(Exception):
    """The stored value was encrypted under another SECRET_KEY."""


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"workplan.channels\n" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def unseal(value: str) -> str:
    if not value:
        return ""
    try:
        return _fernet().decrypt(value.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable("the stored webhook URL or secret cannot be read: enter it again") from None


def hint(value: str, *, keep: int = 4) -> str:
    """The last ``keep`` characters, the rest hidden: enough to recognise, not to use."""
    return f"…{value[-keep:]}" if len(value) > keep else "…"
