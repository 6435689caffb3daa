"""WORKPLAN_ENV=production turns on HTTPS-only settings and refuses unsafe ones at start."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

GOOD_KEY = "k3Y-" + "".join(chr(ord("a") + n % 26) + str(n % 10) for n in range(30))
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); print(json.dumps({"
    "'hsts': settings.SECURE_HSTS_SECONDS, 'subdomains': settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
    "'redirect': settings.SECURE_SSL_REDIRECT, 'session_secure': settings.SESSION_COOKIE_SECURE,"
    "'csrf_secure': settings.CSRF_COOKIE_SECURE, 'httponly': settings.SESSION_COOKIE_HTTPONLY,"
    "'proxy': settings.SECURE_PROXY_SSL_HEADER, 'debug': settings.DEBUG}))"
)


def run(tmp_path, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}}
    env.update(
        {
            "WORKPLAN_DATA_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "workplan.config.settings",
            **environment,
        }
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120, check=False
    )


PRODUCTION = {"WORKPLAN_ENV": "production", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "plan.example.gov.cn"}


def test_production_is_https_only(tmp_path):
    result = run(tmp_path, **PRODUCTION, WORKPLAN_TRUSTED_PROXIES="1")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "hsts": 31536000,
        "subdomains": True,
        "redirect": True,
        "session_secure": True,
        "csrf_secure": True,
        "httponly": True,
        "proxy": ["HTTP_X_FORWARDED_PROTO", "https"],
        "debug": False,
    }


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"DEBUG": "true"}, "refuses DEBUG=true"),
        ({"SECRET_KEY": ""}, "needs SECRET_KEY"),
        ({"SECRET_KEY": "a" * 60}, "too weak"),
        ({"SECRET_KEY": "django-insecure-" + GOOD_KEY}, "too weak"),
        ({"SECRET_KEY": GOOD_KEY[:40]}, "too weak"),
        ({"ALLOWED_HOSTS": ""}, "needs ALLOWED_HOSTS"),
        ({"WORKPLAN_ENV": "prod"}, "WORKPLAN_ENV must be one of"),
    ],
    ids=["debug", "no-key", "one-letter-key", "insecure-key", "short-key", "no-hosts", "typo"],
)
def test_production_refuses_to_start_unsafe(tmp_path, change, complaint):
    result = run(tmp_path, **{**PRODUCTION, **change})
    assert result.returncode != 0
    assert complaint in result.stderr


def test_development_keeps_plain_http(tmp_path):
    result = run(tmp_path)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["hsts"] == 0 and values["redirect"] is False and values["session_secure"] is False
