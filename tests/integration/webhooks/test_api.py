"""The subscriptions API, ping and redelivery, metrics, the status feed and the OpenAPI document."""

from __future__ import annotations

import asyncio

from shared.migrations import drift
from tests.integration.webhooks.events import Certificate
from tests.support.testing import eventually, publish_event

SUBSCRIPTIONS = "/api/v1/webhooks/subscriptions"


async def test_models_and_migrations_do_not_drift(webhooks_settings):
    assert await drift(webhooks_settings) == []


async def test_secret_is_shown_once_and_a_partner_sees_only_its_own(harness, receiver, partner, admin):
    client = harness.client
    mine = partner("webhooks:read", "webhooks:write", "audit:read")
    created = await client.post(
        SUBSCRIPTIONS,
        json={"url": receiver.url("/hooks/x"), "event_types": ["certificate.issued"], "regions": ["Cusco"]},
        headers=mine,
    )
    assert created.status_code == 201, created.text
    assert created.headers["cache-control"] == "no-store"
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["scopes"] == [
        "audit:read",
        "webhooks:read",
        "webhooks:write",
    ]
    url = f"{SUBSCRIPTIONS}/{body['id']}"
    try:
        read = await client.get(url, headers=mine)
        assert read.status_code == 200 and "secret" not in read.json()
        assert "secret" not in (await client.get(SUBSCRIPTIONS, headers=mine)).json()["data"][0]
        other = partner("webhooks:read", "webhooks:write", "audit:read")
        assert (await client.get(url, headers=other)).status_code == 404
        assert (await client.get(SUBSCRIPTIONS, headers=other)).json()["data"] == []
        assert (await client.delete(url, headers=other)).status_code == 404
        listed = (await client.get(SUBSCRIPTIONS, params={"owner": body["owner"]}, headers=admin)).json()[
            "data"
        ]
        assert [s["id"] for s in listed] == [body["id"]]
    finally:
        assert (await client.delete(url, headers=mine)).status_code == 204
    assert (await client.get(url, headers=mine)).status_code == 404


async def test_an_admin_subscribes_for_a_partner_within_its_scopes(harness, receiver, admin):
    client = harness.client
    base = {"url": receiver.url("/hooks/admin"), "event_types": ["participant.admitted"]}
    missing = await client.post(SUBSCRIPTIONS, json=base, headers=admin)
    assert missing.status_code == 422 and missing.json()["rule"] == "webhooks.owner"
    beyond = await client.post(
        SUBSCRIPTIONS,
        json=base | {"owner": "apikey:0123456789abcdef", "scopes": ["audit:read"]},
        headers=admin,
    )
    assert beyond.status_code == 403 and beyond.json()["required_scopes"] == ["enrollment:read"]
    made = await client.post(
        SUBSCRIPTIONS,
        json=base
        | {"owner": "apikey:0123456789abcdef", "scopes": ["enrollment:read"], "organisation": "ITP"},
        headers=admin,
    )
    assert made.status_code == 201 and made.json()["owner"] == "apikey:0123456789abcdef"
    assert made.json()["created_at"] and made.json()["organisation"] == "ITP"
    await client.delete(f"{SUBSCRIPTIONS}/{made.json()['id']}", headers=admin)


async def test_bad_input_is_a_problem_not_a_500(harness, receiver, partner):
    client = harness.client
    headers = partner("webhooks:read", "webhooks:write", "audit:read")
    cases = [
        {"url": "ftp://x.pe/h", "event_types": ["certificate.issued"]},
        {"url": receiver.url("/h"), "event_types": []},
        {"url": receiver.url("/h"), "event_types": ["certificate.exploded"]},
        {"url": receiver.url("/h"), "event_types": ["certificate.issued"], "rucs": ["123"]},
        {"url": receiver.url("/h"), "event_types": ["certificate.issued"], "scopes": ["audit:read"]},
    ]
    for body in cases:
        response = await client.post(SUBSCRIPTIONS, json=body, headers=headers)
        assert response.status_code in (403, 422), (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    unknown = await client.get(f"{SUBSCRIPTIONS}/00000000-0000-0000-0000-000000000000", headers=headers)
    assert unknown.status_code == 404
    anonymous = await client.get(SUBSCRIPTIONS)
    assert anonymous.status_code == 401


async def test_ping_and_redelivery_are_signed_and_logged(harness, receiver, subscribe, webhooks_settings):
    client = harness.client
    certificate = Certificate()
    subscription, path, headers = await subscribe(["certificate.issued"], rucs=[certificate.ruc])
    url = f"{SUBSCRIPTIONS}/{subscription['id']}"

    pinged = await client.post(f"{url}/ping", headers=headers)
    assert pinged.status_code == 202 and pinged.json()["event_type"] == "webhook.ping"
    await eventually(lambda: receiver.on(path, answered=200), timeout=30, message="ping received")
    ping = receiver.on(path)[0]
    assert ping.verified and ping.json()["type"] == "webhook.ping"
    assert ping.webhook_id == pinged.json()["message_id"]

    await asyncio.to_thread(publish_event, webhooks_settings, certificate.issued())
    await eventually(lambda: len(receiver.on(path, answered=200)) == 2, timeout=30, message="event received")
    delivery = await eventually(
        lambda: _delivered(client, url, headers, "certificate.issued"), timeout=30, message="logged"
    )
    assert delivery["attempt_log"][0]["status_code"] == 200 and delivery["attempts"] == 1

    again = await client.post(f"{url}/deliveries/{delivery['id']}/redeliver", headers=headers)
    assert again.status_code == 202 and again.json()["manual"] is True
    assert again.json()["message_id"] == delivery["message_id"] and again.json()["id"] != delivery["id"]
    await eventually(lambda: len(receiver.on(path, answered=200)) == 3, timeout=30, message="redelivered")
    ids = [r.webhook_id for r in receiver.on(path) if r.json()["type"] == "certificate.issued"]
    assert ids == [delivery["message_id"]] * 2
    assert (await client.post(f"{url}/deliveries/999999999/redeliver", headers=headers)).status_code == 404

    metrics = (await client.get("/metrics")).text
    for name in (
        'eco_webhook_deliveries_total{outcome="delivered"}',
        "eco_webhook_retry_backlog",
        "eco_webhook_oldest_pending_age_seconds",
        "eco_webhook_attempt_failures_total",
    ):
        assert name in metrics, name


async def _delivered(client, url, headers, event_type):
    log = (await client.get(f"{url}/deliveries", params={"state": "delivered"}, headers=headers)).json()[
        "data"
    ]
    return next((d for d in log if d["event_type"] == event_type), None)


async def test_stats_are_for_admins(harness, admin, partner):
    client = harness.client
    stats = await client.get("/api/v1/webhooks/stats", headers=admin)
    assert stats.status_code == 200
    assert {"pending", "retry_backlog", "oldest_pending_age_seconds", "delivered", "failed"} <= set(
        stats.json()
    )
    refused = await client.get("/api/v1/webhooks/stats", headers=partner("webhooks:read"))
    assert refused.status_code == 403


async def test_status_feed_is_public_and_resumes_from_its_cursor(harness, webhooks_settings):
    client = harness.client
    certificate = Certificate()
    first = await client.get("/api/v1/webhooks/feed/certificates", params={"ruc": certificate.ruc})
    assert first.status_code == 200 and first.json()["data"] == []
    # The feed is in the order changes were recorded: publish each after the previous one is in.
    for n, event in enumerate((certificate.issued(), certificate.suspended(), certificate.reinstated()), 1):
        await asyncio.to_thread(publish_event, webhooks_settings, event)
        await eventually(
            lambda n=n: _count(client, certificate.ruc, n), timeout=30, message=f"{n} in the feed"
        )

    page = (
        await client.get("/api/v1/webhooks/feed/certificates", params={"ruc": certificate.ruc, "limit": 2})
    ).json()
    assert page["has_more"] is True
    resumed = await eventually(
        lambda: _page(client, certificate.ruc, page["next_cursor"]), timeout=30, message="third change"
    )
    statuses = [c["status"] for c in page["data"] + resumed["data"]]
    assert statuses == ["valid", "suspended", "valid"]
    assert resumed["has_more"] is False
    caught_up = await client.get(
        "/api/v1/webhooks/feed/certificates", params={"ruc": certificate.ruc, "since": resumed["next_cursor"]}
    )
    assert caught_up.json()["data"] == [] and caught_up.json()["next_cursor"] == resumed["next_cursor"]
    bad = await client.get("/api/v1/webhooks/feed/certificates", params={"since": "not-a-cursor"})
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")

    feed = await client.get("/api/v1/webhooks/feed/certificates.json")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/feed+json")
    document = feed.json()
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    mine = [i for i in document["items"] if i["_ecoeficiencia"]["ruc"] == certificate.ruc]
    assert [i["_ecoeficiencia"]["status"] for i in mine] == ["valid", "suspended", "valid"]
    assert all(i["id"] and i["date_published"] and i["url"].endswith("/verification") for i in mine)


async def _count(client, ruc, n):
    page = await client.get("/api/v1/webhooks/feed/certificates", params={"ruc": ruc})
    return len(page.json()["data"]) == n


async def _page(client, ruc, since):
    page = (
        await client.get(
            "/api/v1/webhooks/feed/certificates", params={"ruc": ruc, "since": since, "limit": 2}
        )
    ).json()
    return page if page["data"] else None


async def test_openapi_documents_the_receiving_side_as_webhooks(harness):
    document = (await harness.client.get("/openapi.json")).json()
    assert document["openapi"].startswith("3.1")
    assert {"certificate", "mark_licence", "participant", "webhook.ping"} <= set(document["webhooks"])
    certificate = document["webhooks"]["certificate"]["post"]
    assert "webhook-signature" in certificate["description"]
    assert "/api/v1/webhooks/feed/certificates" in document["paths"]
    assert document["paths"]["/api/v1/webhooks/feed/certificates"]["get"].get("x-public") is True
