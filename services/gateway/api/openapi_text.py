"""The gateway app's words for its OpenAPI: descriptions beyond the summaries, examples, areas.

Attached by ``shared.openapi.install_openapi``; tests/contract checks that every operation has a
description and every request body an example valid against its schema.
"""

from __future__ import annotations

from typing import Any

TAGS: list[dict[str, str]] = [
    {"name": "api keys", "description": "Partner systems' API keys, managed by admins"},
    {"name": "dev", "description": "The local token issuer (dev and test environments only)"},
    {"name": "events", "description": "The event catalogue: every Kafka topic as AsyncAPI 3.0 (public)"},
]

OPERATION_DOCS: dict[str, str] = {
    "gateway_create_api_key": "The answer holds the key (`eco_<id>_<secret>`) once: only its hash is "
    "stored. Scopes are `<service>:read` (GET) or `<service>:write` (the rest); the rate limit is one of "
    "the tiers (per minute, bursts of ten seconds' worth). `Location` names the new key.",
    "gateway_list_api_keys": "Keys with their scopes, limits and revocation, never their secrets; "
    "`active` filters. Pages of `limit`; pass `next_cursor` as `cursor` for the next.",
    "gateway_get_api_key": "One key's metadata (never its secret).",
    "gateway_revoke_api_key": "Revoking again keeps the first revocation. nginx may still accept the key "
    "from its cache for at most ECO_AUTH_CACHE_SECONDS.",
    "gateway_issue_dev_token": "A signed JWT as the configured issuer makes it, for any role: `ruc` is "
    "required for `company`, `body_id` for `certification_body`. Exists only when ECO_ENV is dev or "
    "test (404 elsewhere); never a production credential.",
}

SCHEMA_EXAMPLES: dict[str, Any] = {
    "ApiKeyCreate": {
        "name": "nightly enrollment sync",
        "organisation": "ProInnovate",
        "scopes": ["enrollment:read", "training:read"],
        "rate_limit_per_minute": 600,
    },
    "DevTokenCreate": {"role": "company", "ruc": "20100070970", "name": "María Huamán", "ttl_seconds": 3600},
}
