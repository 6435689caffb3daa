"""Storing a checked organisation preview through the accounts services (each audited).

Called only by ``operations.services.organisation_import`` inside its transaction, after the
preview had no problem; a failure here rolls the whole import back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workplan.accounts import services as accounts
from workplan.accounts.models import Membership, Unit, User
from workplan.operations.orgsheet.preview import OrgPreview


def apply_preview(*, actor: Any, preview: OrgPreview, issue_password: Callable[..., str]) -> None:
    units: dict[str, Unit] = {u.code: u for u in Unit.objects.all()}
    users: dict[str, User] = {}
    for change in preview.changes:
        fields = dict(change.fields)
        if change.kind == "unit_create":
            parent = units.get(fields.pop("parent")) or None
            active = fields.pop("is_active")
            unit = accounts.unit_create(actor=actor, code=change.key, parent=parent, **fields)
            if not active:
                unit = accounts.unit_update(actor=actor, unit=unit, is_active=False)
            units[change.key] = unit
        elif change.kind == "unit_update":
            units[change.key] = accounts.unit_update(actor=actor, unit=units[change.key], **fields)
        elif change.kind == "user_create":
            user = accounts.user_create(
                actor=actor,
                username=change.key,
                password=None,
                email=fields["email"],
                full_name=fields["first_name"],
                phone=fields["phone"],
                is_active=fields["is_active"],
            )
            preview.passwords[change.key] = issue_password(actor=actor, user=user)
            users[change.key] = user
        else:
            user = users.get(change.key) or User.objects.get(username=change.key)
            users[change.key] = user
            _change_user(actor, user, change.kind, fields, units)


def _change_user(actor: Any, user: User, kind: str, fields: dict[str, Any], units: dict[str, Unit]) -> None:
    if kind == "user_update":
        accounts.user_update(actor=actor, user=user, **fields)
    elif kind == "role_add":
        accounts.membership_create(actor=actor, user=user, unit=units[fields["unit"]], role=fields["role"])
    elif kind == "role_remove":
        for membership in Membership.objects.filter(
            user=user, unit__code=fields["unit"], role=fields["role"]
        ):
            accounts.membership_delete(actor=actor, membership=membership)
