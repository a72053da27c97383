"""Standard Webhooks signatures (https://www.standardwebhooks.com, v1 = HMAC-SHA256).

The signed content is ``{webhook-id}.{webhook-timestamp}.{body}``; the secret is shared with
the receiver as ``whsec_<base64 of 24-64 random bytes>``; ``webhook-signature`` is
``v1,<base64 HMAC>``. The tests verify our headers with the reference ``standardwebhooks``
package, so receivers can use any Standard Webhooks library.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    raw = secret.removeprefix(SECRET_PREFIX)
    return base64.b64decode(raw + "=" * (-len(raw) % 4))


def signature(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    digest = hmac.new(_key(secret), f"{msg_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, msg_id: str, timestamp: int, body: str) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, msg_id, timestamp, body),
        "content-type": "application/json",
        "user-agent": "Ecoeficiencia-Webhooks/1.0",
    }
