"""Sending the micro-course provider's messages as the provider would: recorded bodies, signed
(Standard Webhooks, the reference library) at send time, with a learner's number put in."""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from standardwebhooks.webhooks import Webhook

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "microcourse"
WEBHOOK_PATH = "/api/v1/circular/microcourse/webhooks"


def recorded(name: str) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads((RECORDED / name).read_text())
    return payload


def as_learner(payload: dict[str, Any], number: str, **changes: Any) -> dict[str, Any]:
    """The recorded message for another learner (and other answers, module or time)."""
    body = json.loads(json.dumps(payload))
    body["data"]["learner"]["wa_id"] = number
    for key, value in changes.items():
        if key == "timestamp":
            body["timestamp"] = value
        elif key in ("region", "gender", "ruc"):
            body["data"].setdefault("answers", {})[key] = value
        elif key == "module":
            body["data"]["module"]["number"] = value
        else:
            raise KeyError(key)
    return body


def signed_headers(
    secret: str, body: bytes, *, message_id: str | None = None, at: datetime | None = None
) -> dict[str, str]:
    msg_id = message_id or f"msg_{uuid.uuid4().hex}"
    when = at or datetime.now(UTC)
    return {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, when, body.decode()),
    }


async def deliver(
    client: httpx.AsyncClient,
    secret: str,
    payload: dict[str, Any] | bytes,
    *,
    message_id: str | None = None,
    path: str = WEBHOOK_PATH,
) -> httpx.Response:
    body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    return await client.post(path, content=body, headers=signed_headers(secret, body, message_id=message_id))


def new_number(*, long: bool = False) -> str:
    """A mobile number nobody else's test uses: Peruvian (51 9xx xxx xxx), or with ``long`` 13
    digits (still E.164) so that hundreds per run never meet a previous run's learner."""
    digits = random.SystemRandom().randrange(10**10 if long else 10**8)
    return "519" + str(digits).zfill(10 if long else 8)
