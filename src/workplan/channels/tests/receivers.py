"""Local stand-ins for the three platforms' webhooks, started by the tests (nothing leaves the
machine). Each checks the request the way the platform does: DingTalk's signed query string,
WeCom's key in the URL, Feishu's signed body; and the message format."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

PATHS = {
    "dingtalk": "/robot/send?access_token=ding-token",
    "wecom": "/cgi-bin/webhook/send?key=wecom-key-0001",
    "feishu": "/open-apis/bot/v2/hook/feishu-hook-0001",
}
OK_ANSWERS = {
    "dingtalk": {"errcode": 0, "errmsg": "ok"},
    "wecom": {"errcode": 0, "errmsg": "ok"},
    "feishu": {"code": 0, "msg": "success", "data": {}},
}
BAD_SIGNATURE = {
    "dingtalk": {"errcode": 310000, "errmsg": "sign not match"},
    "wecom": {"errcode": 93000, "errmsg": "invalid webhook url"},
    "feishu": {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"},
}


def _problems(platform: str, secret: str, path: str, body: dict[str, Any]) -> list[str]:
    """What the platform would refuse in this request (empty: it is taken)."""
    query = parse_qs(urlsplit(path).query)
    problems: list[str] = []
    if platform == "dingtalk":
        if query.get("access_token") != ["ding-token"]:
            problems.append("access_token")
        ts, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
        expected = base64.b64encode(
            hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
        ).decode()
        if not ts.isdigit() or abs(int(ts) - time.time() * 1000) > 3600_000 or sign != expected:
            problems.append("sign")
        kind = body.get("msgtype")
        card = body.get(kind or "", {})
        if kind == "actionCard":
            if not (
                card.get("title") and card.get("text") and card.get("singleTitle") and card.get("singleURL")
            ):
                problems.append("actionCard")
        elif kind == "markdown":
            if not (card.get("title") and card.get("text")):
                problems.append("markdown")
        else:
            problems.append("msgtype")
    elif platform == "wecom":
        if query.get("key") != ["wecom-key-0001"]:
            problems.append("key")
        content = body.get("markdown", {}).get("content", "")
        if body.get("msgtype") != "markdown" or not content or len(content.encode()) > 4096:
            problems.append("markdown")
    else:
        ts, sign = str(body.get("timestamp", "")), body.get("sign", "")
        expected = base64.b64encode(
            hmac.new(f"{ts}\n{secret}".encode(), b"", hashlib.sha256).digest()
        ).decode()
        if not ts.isdigit() or abs(int(ts) - time.time()) > 3600 or sign != expected:
            problems.append("sign")
        card = body.get("card", {})
        if body.get("msg_type") != "interactive" or not card.get("header", {}).get("title", {}).get(
            "content"
        ):
            problems.append("card")
    return problems


class Receiver:
    """An HTTP(S) server on 127.0.0.1 that answers like ``platform``.

    ``behaviour``: "ok", "500" (every answer), "fail_once" (500, then ok), "slow" (sleeps
    ``delay`` seconds before answering), "errcode" (200 with the platform's error code).
    """

    def __init__(
        self,
        platform: str,
        *,
        secret: str = "SECtest-secret",  # noqa: S107 (a test receiver's own secret)
        behaviour: str = "ok",
        delay: float = 0,
        tls: tuple[Path, Path] | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        self.platform, self.secret, self.behaviour, self.delay = platform, secret, behaviour, delay
        self.requests: list[dict[str, Any]] = []
        self.host = host
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = {}
                problems = _problems(receiver.platform, receiver.secret, self.path, body)
                receiver.requests.append({"path": self.path, "body": body, "problems": problems})
                if receiver.behaviour == "slow":
                    time.sleep(receiver.delay)
                if receiver.behaviour == "500" or (
                    receiver.behaviour == "fail_once" and len(receiver.requests) == 1
                ):
                    self._answer(500, b"internal error")
                    return
                answer = (
                    BAD_SIGNATURE[receiver.platform]
                    if problems or receiver.behaviour == "errcode"
                    else OK_ANSWERS[receiver.platform]
                )
                self._answer(200, json.dumps(answer).encode())

            def _answer(self, status: int, data: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up (a timeout test)
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.server.server_address[1]}{PATHS[self.platform]}"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def self_signed(folder: Path, host: str = "localhost") -> tuple[Path, Path]:
    """A certificate for ``host`` (and 127.0.0.1) made now, and its key: (cert, key) paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(host), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path
