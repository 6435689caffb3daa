"""Reads of the API app's own model, personal API tokens (always scoped to the user).

Everything else the endpoints read comes from the domain apps' selectors. Missing and
forbidden tokens both raise ``NotFound``.
"""

from __future__ import annotations

from typing import Any

from workplan.api.models import ApiToken, ApiTokenQuerySet
from workplan.core.errors import NotFound, pk_or_not_found

# --- tokens ---------------------------------------------------------------------------------


def token_list_for_user(*, user: Any) -> ApiTokenQuerySet:
    """The user's own API tokens (administrators: everyone's), newest first."""
    return ApiToken.objects.visible_to(user).select_related("user")


def token_get_for_user(*, user: Any, token_id: Any) -> ApiToken:
    token = token_list_for_user(user=user).filter(pk=pk_or_not_found(token_id)).first()
    if token is None:
        raise NotFound("no such API token")
    return token
