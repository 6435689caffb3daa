"""What each platform's incoming webhook expects, and how it answers. Pure functions.

- **DingTalk** custom robot (自定义机器人): ``POST <webhook>&timestamp=<ms>&sign=<s>`` where
  ``s`` = urlencode(base64(HMAC-SHA256(key=secret, msg="<ms>\\n<secret>"))); an ``actionCard``
  (title, markdown text, one button to the item) or ``markdown`` message. It answers 200 with
  ``{"errcode": 0, "errmsg": "ok"}``; any other errcode is a failure (310000: bad signature).
- **WeCom** group robot (群机器人): the key is in the URL (``…/webhook/send?key=…``), no
  signature; a ``markdown`` message (at most 4096 bytes, links as ``[text](url)``); answers
  ``{"errcode": 0, "errmsg": "ok"}``.
- **Feishu/Lark** custom bot (自定义机器人): ``timestamp`` (seconds) and ``sign`` in the body, where
  ``sign`` = base64(HMAC-SHA256(key="<s>\\n<secret>", msg=b"")); an ``interactive`` card with a
  header, the text (lark_md) and a button to the item; answers ``{"code": 0, "msg": "success"}``
  (older bots: ``{"StatusCode": 0}``), e.g. code 19021 for a bad signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

WECOM_MAX_BYTES = 4096
TEXT_LIMIT = 3000


@dataclass(frozen=True)
class Message:
    """What a group is told: a title, a few lines, and where to read more."""

    title: str
    text: str
    link: str = ""
    link_label: str = "Open"


@dataclass(frozen=True)
class Outcome:
    ok: bool
    error_code: str = ""
    error: str = ""


def dingtalk_sign(timestamp_ms: int, secret: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def feishu_sign(timestamp_s: int, secret: str) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _clip(text: str, limit: int = TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _md_lines(message: Message) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in _clip(message.text).splitlines())


def dingtalk(url: str, secret: str, message: Message, *, now: float) -> tuple[str, dict[str, Any]]:
    if secret:
        ms = int(now * 1000)
        url = f"{url}{'&' if '?' in url else '?'}timestamp={ms}&sign={dingtalk_sign(ms, secret)}"
    text = f"### {message.title}\n\n{_md_lines(message)}" if message.text else f"### {message.title}"
    if message.link:
        return url, {
            "msgtype": "actionCard",
            "actionCard": {
                "title": message.title,
                "text": text,
                "btnOrientation": "0",
                "singleTitle": message.link_label,
                "singleURL": message.link,
            },
        }
    return url, {"msgtype": "markdown", "markdown": {"title": message.title, "text": text}}


def wecom(url: str, secret: str, message: Message, *, now: float) -> tuple[str, dict[str, Any]]:
    link = f"\n[{message.link_label}]({message.link})" if message.link else ""
    head = f"**{message.title}**\n"
    body = _md_lines(message)
    budget = WECOM_MAX_BYTES - len((head + link).encode()) - 8
    while len(body.encode()) > budget:
        body = body[: max(0, len(body) - 200)]
    return url, {"msgtype": "markdown", "markdown": {"content": head + body + link}}


def feishu(url: str, secret: str, message: Message, *, now: float) -> tuple[str, dict[str, Any]]:
    elements: list[dict[str, Any]] = []
    if message.text:
        elements.append({"tag": "div", "text": {"tag": "lark_md", "content": _clip(message.text)}})
    if message.link:
        elements.append(
            {
                "tag": "action",
                "actions": [
                    {
                        "tag": "button",
                        "text": {"tag": "plain_text", "content": message.link_label},
                        "type": "primary",
                        "url": message.link,
                    }
                ],
            }
        )
    payload: dict[str, Any] = {
        "msg_type": "interactive",
        "card": {
            "config": {"wide_screen_mode": True},
            "header": {"title": {"tag": "plain_text", "content": message.title}, "template": "blue"},
            "elements": elements,
        },
    }
    if secret:
        seconds = int(now)
        payload = {"timestamp": str(seconds), "sign": feishu_sign(seconds, secret), **payload}
    return url, payload


BUILDERS = {"dingtalk": dingtalk, "wecom": wecom, "feishu": feishu}


def build(platform: str, url: str, secret: str, message: Message, *, now: float) -> tuple[str, bytes]:
    """The URL to post to and the JSON body, for ``platform``."""
    final_url, payload = BUILDERS[platform](url, secret, message, now=now)
    return final_url, json.dumps(payload, ensure_ascii=False).encode()


def interpret(platform: str, status: int, body: bytes) -> Outcome:
    """Did the platform take the message? They answer 200 with an error code in the body."""
    if not 200 <= status < 300:
        return Outcome(False, "", f"HTTP {status}: {body[:300].decode(errors='replace')}")
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        return Outcome(False, "", f"not JSON: {body[:300].decode(errors='replace')}")
    if not isinstance(answer, dict):
        return Outcome(False, "", "unexpected answer")
    code = answer.get("code", answer.get("StatusCode")) if platform == "feishu" else answer.get("errcode")
    if code == 0:
        return Outcome(True)
    message = str(answer.get("errmsg") or answer.get("msg") or answer.get("StatusMessage") or "")
    return Outcome(False, str(code), message[:500] or "no error code in the answer")
