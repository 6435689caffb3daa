"""Where a robot may point: https to a public address, or a host the site's administrator listed.

A webhook URL is checked when it is saved and again before every send (the name is resolved
each time, and the connection goes to the address that was checked, so a name that later
resolves to 127.0.0.1 or 169.254.169.254 is refused then too). Hosts in
``WORKPLAN_WEBHOOK_ALLOWED_HOSTS`` (an intranet robot gateway) skip the address check and may
use plain http.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPSConnection
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from workplan.core.errors import Invalid

MAX_URL_LENGTH = 2000
MAX_RESPONSE_BYTES = 64 * 1024


def _refuse(message: str) -> Invalid:
    return Invalid(message, details={"url": [message]})


def allowed_hosts() -> set[str]:
    return {h.lower() for h in getattr(settings, "WORKPLAN_WEBHOOK_ALLOWED_HOSTS", [])}


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (``address``) and what to ask for."""

    scheme: str
    host: str
    port: int
    path: str  # path and query
    address: str


def check_url(url: str, *, resolve: bool = True) -> Target:
    """The URL as a :class:`Target`, or :class:`Invalid` with the reason it is refused."""
    if not isinstance(url, str) or not url.strip():
        raise _refuse(_("Enter the robot's webhook URL."))
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise _refuse(_("The webhook URL is too long (at most %(n)d characters).") % {"n": MAX_URL_LENGTH})
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise _refuse(_("The webhook URL contains spaces or control characters."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _refuse(_("The webhook URL cannot be read.")) from None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise _refuse(_("The webhook URL must start with https:// and name a host."))
    if parts.username is not None or parts.password is not None:
        raise _refuse(_("The webhook URL must not contain a user name or password."))
    listed = host in allowed_hosts()
    if parts.scheme != "https" and not listed:
        raise _refuse(_("The webhook URL must use https (plain http only for a listed intranet host)."))
    port = port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if not resolve:
        return Target(scheme=parts.scheme, host=host, port=port, path=path, address="")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise _refuse(_("The host %(host)s of the webhook URL cannot be found.") % {"host": host}) from None
    # IPv4 first: a name such as localhost answers ::1 first where the receiver listens on IPv4.
    addresses = sorted({str(info[4][0]) for info in infos}, key=lambda a: (":" in a, a))
    if not listed:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not ip.is_global or ip.is_multicast:
                raise _refuse(
                    _(
                        "The webhook URL points at a private, loopback or link-local address (%(address)s); "
                        "an administrator may list an intranet host in WORKPLAN_WEBHOOK_ALLOWED_HOSTS."
                    )
                    % {"address": address}
                )
    return Target(scheme=parts.scheme, host=host, port=port, path=path, address=addresses[0])


class _PinnedHTTPS(HTTPSConnection):
    """HTTPS to the checked address, with the certificate checked against the host name."""

    def __init__(self, target: Target, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self._address = target.address
        self._ssl_context = context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._ssl_context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTP(HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def ssl_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    extra = getattr(settings, "WORKPLAN_WEBHOOK_CA_FILE", "")
    if extra:
        context.load_verify_locations(cafile=str(extra))
    return context


def post_json(url: str, body: bytes, *, timeout: float | None = None) -> tuple[int, bytes]:
    """POST ``body`` to ``url`` after checking it; (status, the first 64 KiB of the answer).

    Raises :class:`Invalid` for a refused URL and ``OSError`` for network failures (timeouts
    included); no redirect is followed.
    """
    target = check_url(url)
    seconds = float(timeout if timeout is not None else getattr(settings, "WORKPLAN_WEBHOOK_TIMEOUT", 5))
    connection: Any = (
        _PinnedHTTPS(target, seconds, ssl_context())
        if target.scheme == "https"
        else _PinnedHTTP(target, seconds)
    )
    try:
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "workplan"},
        )
        response = connection.getresponse()
        return response.status, response.read(MAX_RESPONSE_BYTES)
    finally:
        connection.close()
