"""Writes of the API app: personal API tokens, made and revoked (each audited).

The secret of a token is returned once by :func:`token_create` and never stored: the
row keeps its SHA-256 and a short public prefix to find it by.
"""

from __future__ import annotations

import datetime as dt
import secrets
import string
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from workplan import permissions
from workplan.api.models import ApiToken
from workplan.core import audit, clock
from workplan.core.errors import Invalid, NotFound
from workplan.core.policy import Action

TOKEN_SCHEME = "wp"  # noqa: S105 - the token format's prefix, not a secret
PREFIX_ALPHABET = string.ascii_lowercase + string.digits
PREFIX_LENGTH = 8
MAX_EXPIRY_DAYS = 3660


def _new_prefix() -> str:
    return "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))


def token_create(
    *, actor: Any, user: Any, name: str = "", expires_days: int | None = None
) -> tuple[ApiToken, str]:
    """A new personal API token for ``user``: returns the row and the secret, shown only now.

    Anyone may make tokens for themselves; administrators (and the CLI's system actor) for
    anyone. ``expires_days`` (1 to 3660) sets an expiry; without it the token lasts until revoked.
    """
    if getattr(user, "pk", None) is None or not getattr(user, "is_active", False):
        raise Invalid("tokens are made for active users only")
    permissions.require(
        actor, Action.ACT_AS, user, gettext("Only administrators may make API tokens for other users.")
    )
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRY_DAYS:
        raise Invalid(
            f"a token expires after 1 to {MAX_EXPIRY_DAYS} days, not {expires_days}",
            details={"expires_days": [f"between 1 and {MAX_EXPIRY_DAYS}"]},
        )
    name = name.strip()
    if len(name) > 100:
        raise Invalid("a token name is at most 100 characters", details={"name": ["too long"]})
    now = clock.now()
    for attempt in range(5):
        prefix = _new_prefix()
        raw = f"{TOKEN_SCHEME}_{prefix}.{secrets.token_urlsafe(32)}"
        token = ApiToken(
            user=user,
            name=name,
            prefix=prefix,
            token_hash=ApiToken.hash_of(raw),
            created_at=now,
            created_by=actor if getattr(actor, "pk", None) is not None else None,
            expires_at=now + dt.timedelta(days=expires_days) if expires_days else None,
        )
        try:
            with transaction.atomic():
                token.save(force_insert=True)
                audit.record(
                    actor=actor,
                    action="token.created",
                    target=token,
                    after=audit.snapshot(token, ["user", "name", "prefix", "expires_at"]),
                )
        except IntegrityError:  # the prefix was taken: draw another
            if attempt == 4:
                raise
            continue
        return token, raw
    raise AssertionError("unreachable")


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke a token: requests carrying it are refused from now on (revoking twice is harmless)."""
    locked = ApiToken.objects.visible_to(actor).select_for_update().filter(pk=token.pk).first()
    if locked is None:
        raise NotFound("no such API token")
    if locked.revoked_at is None:
        locked.revoked_at = clock.now()
        locked.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="token.revoked", target=locked, after={"prefix": locked.prefix})
    return locked
