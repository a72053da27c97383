"""Verifying the micro-course provider's signed messages (Standard Webhooks, v1 HMAC-SHA256).

The provider signs every POST as https://www.standardwebhooks.com specifies: headers
``webhook-id`` (the message id, the same on every retry), ``webhook-timestamp`` (Unix
seconds of this delivery attempt) and ``webhook-signature`` (``v1,<base64 HMAC-SHA256>`` of
``{webhook-id}.{webhook-timestamp}.{raw body}`` under the shared ``whsec_`` secret; several
space-separated signatures while the provider rotates its secret). The check is the
reference ``standardwebhooks`` library's: a constant-time comparison, and a timestamp more
than five minutes from the wall clock refused (a captured message cannot be replayed later).

A request without the three headers (or with a timestamp that is not a number) is not a
Standard Webhooks message at all: 400 problem+json, ``reason: headers``. A wrong signature or a
stale timestamp is a 401 problem+json (``reason``: ``signature`` or ``timestamp``), never
saying which byte.
"""

from __future__ import annotations

import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from shared.errors import BadRequest, Unauthorized

TOLERANCE_SECONDS = 300  # the library's, stated here for the documentation
MAX_MESSAGE_ID = 200

Reason = Literal["signature", "timestamp"]


class NotSigned(BadRequest):
    def __init__(self) -> None:
        super().__init__(
            "The webhook-id, webhook-timestamp (Unix seconds) and webhook-signature headers are required.",
            detail_es="Se requieren las cabeceras webhook-id, webhook-timestamp (segundos Unix) y "
            "webhook-signature.",
            extra={
                "reason": "headers",
                "errors": [
                    {"field": name, "in": "header", "message": "required"}
                    for name in ("webhook-id", "webhook-timestamp", "webhook-signature")
                ],
            },
        )
        self.reason = "headers"


class SignatureRejected(Unauthorized):
    def __init__(self, reason: Reason) -> None:
        texts = {
            "signature": (
                "The webhook signature does not match the body.",
                "La firma del webhook no corresponde al contenido.",
            ),
            "timestamp": (
                f"The webhook timestamp is more than {TOLERANCE_SECONDS} s away from now: refused as stale.",
                f"La marca de tiempo del webhook difiere en más de {TOLERANCE_SECONDS} s: se rechaza.",
            ),
        }
        detail, detail_es = texts[reason]
        super().__init__(detail, detail_es=detail_es, extra={"reason": reason})
        self.reason = reason


@dataclass(frozen=True)
class Verified:
    message_id: str


def verify(secret: str, body: bytes, headers: Mapping[str, str]) -> Verified:
    """The message id of a correctly signed, fresh message; ``NotSigned`` (400) without the headers,
    ``SignatureRejected`` (401) for a wrong signature or a stale timestamp."""
    lowered = {k.lower(): v for k, v in headers.items()}
    message_id = lowered.get("webhook-id", "")
    wanted = ("webhook-id", "webhook-timestamp", "webhook-signature")
    if not all(lowered.get(name) for name in wanted) or len(message_id) > MAX_MESSAGE_ID:
        raise NotSigned()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SignatureRejected("signature") from exc
    try:
        Webhook(secret).verify(text, {name: lowered[name] for name in wanted}, json_parse=False)
    except WebhookVerificationError as exc:
        message = str(exc)
        if "timestamp too" in message:
            raise SignatureRejected("timestamp") from exc
        if "Invalid Signature Headers" in message:
            raise NotSigned() from exc
        raise SignatureRejected("signature") from exc
    except (ValueError, binascii.Error) as exc:  # a malformed "v1,..." list or base64
        raise SignatureRejected("signature") from exc
    return Verified(message_id=message_id)
