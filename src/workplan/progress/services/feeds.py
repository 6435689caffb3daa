"""Calendar feed tokens (.ics): created once with a secret, revocable."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from workplan import permissions
from workplan.accounts.models import Unit
from workplan.core import audit, clock
from workplan.core.errors import NotFound
from workplan.core.policy import Action
from workplan.progress.models import (
    FeedToken,
)


@transaction.atomic
def feed_token_create(*, actor: Any, unit: Unit, label: str = "") -> tuple[FeedToken, str]:
    """A new calendar-feed token for ``unit``: returns the row and the secret, shown only now.

    Only the token's SHA-256 is stored; anyone with the secret reads the unit's deadlines
    until the token is revoked. Members of the unit (or a parent unit) may create one.
    """
    permissions.require(
        actor,
        Action.MEMBER,
        unit,
        gettext("Only members of %(unit)s may create its calendar feed.") % {"unit": unit},
    )
    raw = secrets.token_urlsafe(32)
    token = FeedToken(
        unit=unit,
        token_hash=FeedToken.hash_of(raw),
        label=label.strip()[:100],
        created_by=actor,
        created_at=clock.now(),
    )
    token.save(force_insert=True)
    audit.record(
        actor=actor, action="feed.token_created", target=token, after={"unit": unit.pk, "label": token.label}
    )
    return token, raw


@transaction.atomic
def feed_token_revoke(*, actor: Any, token: FeedToken) -> FeedToken:
    """Revoke a calendar-feed token: its URL stops working at once."""
    if not FeedToken.objects.visible_to(actor).filter(pk=token.pk).exists():
        raise NotFound("no such calendar feed")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="feed.token_revoked", target=token)
    return token
