"""``workplan token create|list|revoke``: the secret printed once, the token usable, then revoked."""

from __future__ import annotations

import pytest

from workplan import cli
from workplan.api.models import ApiToken
from workplan.api.testing import TokenClient


def test_create_list_revoke(personas, capsys):
    assert (
        cli.main(["token", "create", "--user", "reporter-a", "--name", "OA sync", "--expires-days", "30"])
        == 0
    )
    out, err = capsys.readouterr()
    secret = out.strip()
    assert secret.startswith("wp_") and "shown only now" in err
    token = ApiToken.objects.get(user=personas.reporter_a)
    assert token.name == "OA sync" and token.expires_at is not None
    assert secret not in (token.token_hash, token.prefix)  # only the hash is stored
    assert TokenClient(secret).get("/api/v1/me").json()["username"] == "reporter-a"

    assert cli.main(["token", "list", "--user", "reporter-a"]) == 0
    listing = capsys.readouterr().out
    assert token.prefix in listing and "active" in listing and secret not in listing

    assert cli.main(["token", "revoke", f"wp_{token.prefix}"]) == 0
    assert "Revoked" in capsys.readouterr().out
    assert TokenClient(secret).get("/api/v1/me").status_code == 401


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["token", "create", "--user", "nobody"], "no active user 'nobody'"),
        (["token", "create", "--user", "admin", "--expires-days", "0"], "expires after 1 to"),
        (["token", "revoke", "zzzz"], "no API token 'zzzz'"),
        (["token"], "required"),
    ],
)
def test_mistakes_are_one_line(personas, capsys, args, message):
    assert cli.main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err
