"""The webhooks service's words for its OpenAPI: what each operation does beyond its summary,
request-body examples and its areas (tags).

Attached to the document by ``shared.openapi`` (``ServiceSpec.operation_docs`` /
``schema_examples``); tests/contract checks that every operation has a description and every
request body an example valid against its schema. Operations that carry their own ``description=``
in routes.py (subscribing, the status feed) keep it: those words are shared with the OpenAPI
``webhooks`` section.
"""

from __future__ import annotations

from typing import Any

SIGNING = (
    "Every delivery is a `POST` of JSON `{type, timestamp, data}` signed per "
    "[Standard Webhooks](https://www.standardwebhooks.com): headers `webhook-id` (the same on every retry "
    "of a message: deduplicate on it), `webhook-timestamp` (unix seconds) and `webhook-signature` "
    "(`v1,<base64 HMAC-SHA256 of '{id}.{timestamp}.{body}'>` with the subscription's `whsec_` secret). "
    "Answer 2xx within 10 s; anything else is retried with exponential backoff and jitter for 24 h, "
    "then the delivery is marked failed. Deliveries for one RUC arrive in order (the next waits until the "
    "previous one is delivered or failed for good)."
)

_PAGE = (
    "Pages of `limit` items; pass the answer's `next_cursor` as `cursor` for the next page (null: last page)."
)
_MINE = (
    "A partner sees only its own subscriptions (another partner's id is a 404, as if it did not exist); "
    "an admin sees every partner's."
)

TAGS: list[dict[str, str]] = [
    {"name": "webhooks", "description": "Subscriptions, delivery logs, redelivery and pings"},
    {"name": "status feed", "description": "Certificate status changes since a cursor (public)"},
]

OPERATION_DOCS: dict[str, str] = {
    "webhooks_list_subscriptions": "Subscriptions oldest first, with their health and never their "
    "secrets; `owner` (admins) keeps one partner's. " + _MINE + " " + _PAGE,
    "webhooks_get_subscription": "The subscription's filters (event types, RUCs, regions), the scopes it "
    "was created with and its health: `failing_since`, last success and failure, and when and why "
    "deliveries stopped (`disabled_at`, `disabled_reason`). " + _MINE,
    "webhooks_update_subscription": "Send only the fields to change. A new `url` is checked as on "
    "creation (absolute, no credentials; https and a public host outside dev/test: 422 `webhooks.target`); "
    "new `event_types` "
    "must be allowed by the scopes the subscription holds (403 naming the missing scopes). `active: false` "
    "pauses deliveries; `active: true` re-enables a paused or automatically disabled endpoint and makes "
    "its waiting retries due now. " + _MINE,
    "webhooks_delete_subscription": "Deletes the subscription with its delivery log and open "
    "deliveries: nothing more is sent to the endpoint. The secret is gone; subscribe again for a new "
    "one. " + _MINE,
    "webhooks_list_deliveries": "The subscription's deliveries newest first, each with its state "
    "(queued, pending, delivered, failed), number of attempts, last status code or error, next retry and "
    "its latest attempts with latency; `state` filters. " + _PAGE,
    "webhooks_get_delivery": "One delivery of the subscription with every attempt (newest first): when, "
    "the endpoint's status code (null when it gave none), latency and error. A delivery of another "
    "subscription is a 404.",
    "webhooks_redeliver": "Queues the same message again with the same `webhook-id` (the endpoint "
    "deduplicates on it) as a manual delivery, behind the open deliveries of the same RUC so the order "
    "per RUC holds; the answer is the new delivery (202). Works on delivered and failed messages alike.",
    "webhooks_ping": "Queues a signed `webhook.ping` to the endpoint now, whatever its event types, to "
    "test reachability and the signature check; follow it in the delivery log (202 with the new "
    "delivery).",
    "webhooks_stats": "Across every subscription: deliveries pending, queued behind their RUC, in the "
    "retry backlog (failed at least once), delivered and failed, the age of the oldest pending one, and "
    "active and disabled subscriptions. Admins only.",
    "webhooks_certificate_json_feed": "The newest `limit` certificate status changes, newest first, as a "
    "[JSON Feed 1.1](https://jsonfeed.org/version/1.1) (`application/feed+json`) for feed readers; "
    "each item links the public verification page and carries the certificate number, RUC, status and "
    "dates under `_ecoeficiencia`. Systems that must not miss a change use the cursor feed instead.",
}

SCHEMA_EXAMPLES: dict[str, Any] = {
    "SubscriptionCreate": {
        "url": "https://hooks.proinnovate.gob.pe/ecoeficiencia",
        "event_types": ["certificate.issued", "certificate.suspended", "certificate.withdrawn"],
        "regions": ["Arequipa", "La Libertad"],
        "description": "Certificados de empresas del nodo sur y norte",
    },
    "SubscriptionUpdate": {
        "event_types": ["certificate.issued", "certificate.expired", "mark_licence.revoked"],
        "rucs": ["20100070970", "20601234567"],
        "active": True,
    },
}
