"""Helpers for API tests: a token for a user, and a test client that sends it."""

from __future__ import annotations

from typing import Any

from django.test import Client

from workplan.accounts.services import system_actor
from workplan.api import services


def token_for(user: Any, *, name: str = "test") -> str:
    """A fresh API token's secret for ``user`` (made by the system actor)."""
    _, secret = services.token_create(actor=system_actor(), user=user, name=name)
    return secret


class TokenClient(Client):
    """A Django test client that sends ``Authorization: Bearer <token>`` with every request."""

    def __init__(self, token: str, **defaults: Any) -> None:
        super().__init__(HTTP_AUTHORIZATION=f"Bearer {token}", **defaults)


def client_for(user: Any) -> TokenClient:
    return TokenClient(token_for(user))
