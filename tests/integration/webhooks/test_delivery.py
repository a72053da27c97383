"""Deliveries on the real parts: Kafka events in, signed POSTs to a real receiver out."""

from __future__ import annotations

import asyncio
import threading
import uuid
from datetime import timedelta

import sqlalchemy as sa

from services.webhooks.db.tables import companies
from shared.events.contracts import enrollment
from tests.integration.webhooks.events import Certificate, admitted
from tests.support.testing import eventually, publish_event

CERTIFICATE_TYPES = [
    "certificate.issued",
    "certificate.suspended",
    "certificate.reinstated",
    "certificate.withdrawn",
]


async def publish(settings, *events) -> None:
    for event in events:
        await asyncio.to_thread(publish_event, settings, event, producer="audit")


async def deliveries(client, subscription_id: str, headers, **params) -> list[dict]:
    response = await client.get(
        f"/api/v1/webhooks/subscriptions/{subscription_id}/deliveries",
        params={"limit": 500, **params},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def test_failing_then_healthy_endpoint_gets_every_event_signed_in_order_with_retries_logged(
    harness, webhooks_settings, receiver, subscribe
):
    certificates = [Certificate() for _ in range(3)]
    subscription, path, headers = await subscribe(
        CERTIFICATE_TYPES, rucs=[c.ruc for c in certificates], status=500
    )
    client = harness.client
    # The first event of each company first: it becomes the head of its RUC's chain, and fails.
    await publish(webhooks_settings, *[c.issued() for c in certificates])
    await eventually(
        lambda: (
            len({r.webhook_id for r in receiver.on(path, answered=500)}) >= 3
            and len(receiver.on(path, answered=500)) >= 6
        ),
        timeout=30,
        message="every head retried at least once",
    )
    # The rest arrive while the endpoint keeps failing: they wait behind each company's head.
    for c in certificates:
        await publish(webhooks_settings, c.suspended(), c.reinstated(), c.withdrawn())
    await eventually(
        lambda: deliveries(client, subscription["id"], headers, state="queued"),
        timeout=30,
        message="later events queued behind the failing head",
    )
    queued = await deliveries(client, subscription["id"], headers, state="queued")
    assert queued and all(d["attempts"] == 0 for d in queued)

    receiver.endpoints[path].status = 200

    def delivered() -> list:
        return receiver.on(path, answered=200)

    await eventually(lambda: len(delivered()) >= 12, timeout=30, message="12 deliveries received")
    ok = delivered()
    assert len(ok) == 12, [r.json()["type"] for r in ok]
    assert all(r.verified for r in receiver.on(path)), (
        "every request carries a valid Standard Webhooks signature"
    )
    for c in certificates:
        types = [r.json()["type"] for r in ok if r.json()["data"]["ruc"] == c.ruc]
        assert types == CERTIFICATE_TYPES, (c.ruc, types)
    # A retry keeps the message's webhook-id: each id refused earlier was delivered under the same id.
    failed_ids = {r.webhook_id for r in receiver.on(path, answered=500)}
    assert failed_ids and failed_ids <= {r.webhook_id for r in ok}
    assert len({r.webhook_id for r in ok}) == 12

    log = await eventually(
        lambda: _all_delivered(client, subscription["id"], headers), timeout=10, message="log says delivered"
    )
    retried = [d for d in log if d["attempts"] > 1]
    assert retried, "the heads were retried"
    for d in retried:
        codes = [a["status_code"] for a in reversed(d["attempt_log"])]
        assert codes[:-1] == [500] * (len(codes) - 1) and codes[-1] == 200, codes
        assert all(a["latency_ms"] >= 0 for a in d["attempt_log"])
        assert d["next_attempt_at"] is None and d["completed_at"] is not None


async def _all_delivered(client, subscription_id, headers):
    log = await deliveries(client, subscription_id, headers)
    return log if len(log) == 12 and all(d["state"] == "delivered" for d in log) else None


async def test_payload_has_ids_status_and_links_but_no_personal_data(
    harness, webhooks_settings, receiver, subscribe
):
    certificate = Certificate()
    _, path, _ = await subscribe(["certificate.suspended", "mark_licence.suspended"], rucs=[certificate.ruc])
    await publish(webhooks_settings, certificate.suspended())
    await eventually(lambda: len(receiver.on(path, answered=200)) == 2, timeout=30, message="two messages")
    bodies = {r.json()["type"]: r.json() for r in receiver.on(path, answered=200)}
    data = bodies["certificate.suspended"]["data"]
    assert data["certificate_number"] == certificate.number and data["status"] == "suspended"
    assert data["links"]["verification"].endswith(
        f"/api/v1/catalog/certificates/{certificate.number}/verification"
    )
    assert bodies["mark_licence.suspended"]["data"]["mark_licence"] == "suspended"
    raw = b"".join(r.body for r in receiver.on(path))
    for personal in (b"Juan", b"P\\u00e9rez", "Pérez".encode(), b"holder_name", b"reason"):
        assert personal not in raw


async def test_slow_receiver_does_not_hold_back_other_subscriptions(
    harness, webhooks_settings, receiver, subscribe
):
    certificates = [Certificate() for _ in range(6)]
    rucs = [c.ruc for c in certificates]
    gate = threading.Event()
    _, slow_path, _ = await subscribe(["certificate.issued"], rucs=rucs, gate=gate)
    _, fast_path, _ = await subscribe(["certificate.issued"], rucs=rucs)
    await publish(webhooks_settings, *[c.issued() for c in certificates])
    await eventually(
        lambda: len(receiver.on(fast_path, answered=200)) == 6, timeout=30, message="fast endpoint"
    )
    # The slow endpoint holds at most its share of the worker's concurrency, and has answered nothing.
    assert receiver.on(slow_path) == []
    assert harness.worker.per_subscription < len(certificates)
    gate.set()
    await eventually(
        lambda: len(receiver.on(slow_path, answered=200)) == 6, timeout=30, message="slow one too"
    )


async def test_disabled_subscription_stops_receiving(harness, webhooks_settings, receiver, subscribe):
    client = harness.client
    certificate = Certificate()
    paused, paused_path, headers = await subscribe(
        ["certificate.issued", "certificate.suspended"], rucs=[certificate.ruc]
    )
    _, control_path, _ = await subscribe(
        ["certificate.issued", "certificate.suspended"], rucs=[certificate.ruc]
    )
    await publish(webhooks_settings, certificate.issued())
    await eventually(
        lambda: len(receiver.on(paused_path, answered=200)) == 1, timeout=30, message="first event"
    )

    response = await client.patch(
        f"/api/v1/webhooks/subscriptions/{paused['id']}", json={"active": False}, headers=headers
    )
    assert response.status_code == 200 and response.json()["active"] is False
    assert response.json()["disabled_reason"].startswith("Disabled by apikey:")
    await publish(webhooks_settings, certificate.suspended())
    await eventually(lambda: len(receiver.on(control_path, answered=200)) == 2, timeout=30, message="control")
    assert len(receiver.on(paused_path)) == 1
    assert len(await deliveries(client, paused["id"], headers)) == 1


async def test_retries_give_up_after_the_window_and_a_long_failing_endpoint_is_disabled(
    harness, webhooks_settings, receiver, subscribe, clock
):
    client = harness.client
    certificate = Certificate()
    subscription, path, headers = await subscribe(
        ["certificate.issued", "certificate.suspended", "certificate.withdrawn"],
        rucs=[certificate.ruc],
        status=503,
    )
    url = f"/api/v1/webhooks/subscriptions/{subscription['id']}"
    moved = timedelta(0)
    try:
        await publish(webhooks_settings, certificate.issued(), certificate.suspended())
        await eventually(lambda: len(receiver.on(path)) >= 2, timeout=30, message="first failures")
        assert {r.json()["type"] for r in receiver.on(path)} == {"certificate.issued"}, "the second waits"

        # A day later (on the injected clock) the next failure is the last: failed, and the next one goes.
        step = timedelta(seconds=webhooks_settings.webhook_retry_window_seconds + 60)
        clock.advance(step)
        moved += step
        log = await eventually(
            lambda: _states(client, subscription["id"], headers, {"failed": 2}),
            timeout=30,
            message="both failed",
        )
        assert all(d["attempts"] >= 1 and d["last_status"] == 503 for d in log)
        assert (await client.get(url, headers=headers)).json()["active"] is True

        # Days of failures: the next failing attempt disables the endpoint, with the reason shown.
        step = timedelta(seconds=webhooks_settings.webhook_disable_after_seconds)
        clock.advance(step)
        moved += step
        await publish(webhooks_settings, certificate.withdrawn())
        body = await eventually(
            lambda: _disabled(client, url, headers), timeout=30, message="endpoint disabled automatically"
        )
        assert "Disabled automatically" in body["disabled_reason"] and "HTTP 503" in body["disabled_reason"]
        assert body["failing_since"] is not None and body["disabled_at"] is not None

        # Re-enabled by its owner: the waiting delivery goes out again.
        receiver.endpoints[path].status = 200
        enabled = await client.patch(url, json={"active": True}, headers=headers)
        assert enabled.status_code == 200 and enabled.json()["disabled_reason"] is None
        await eventually(
            lambda: receiver.on(path, answered=200), timeout=30, message="delivered after re-enabling"
        )
        assert receiver.on(path, answered=200)[0].json()["type"] == "certificate.withdrawn"
    finally:
        clock.advance(-moved)


async def _states(client, subscription_id, headers, expected: dict[str, int]):
    log = await deliveries(client, subscription_id, headers)
    counts: dict[str, int] = {}
    for d in log:
        counts[d["state"]] = counts.get(d["state"], 0) + 1
    return log if counts == expected else None


async def _disabled(client, url, headers):
    body = (await client.get(url, headers=headers)).json()
    return body if body["active"] is False else None


async def test_a_key_without_the_scope_gets_nothing(harness, webhooks_settings, receiver, partner, subscribe):
    client = harness.client
    certificate = Certificate()
    # No audit:read: certificate events are refused at subscription time, and never delivered.
    refused = await client.post(
        "/api/v1/webhooks/subscriptions",
        json={"url": receiver.url("/hooks/none"), "event_types": ["certificate.issued"]},
        headers=partner("webhooks:write", "enrollment:read"),
    )
    assert refused.status_code == 403 and refused.json()["required_scopes"] == ["audit:read"]
    # No webhooks:write: cannot subscribe at all.
    no_write = await client.post(
        "/api/v1/webhooks/subscriptions",
        json={"url": receiver.url("/hooks/none"), "event_types": ["participant.admitted"]},
        headers=partner("webhooks:read", "enrollment:read"),
    )
    assert no_write.status_code == 403 and no_write.json()["required_scope"] == "webhooks:write"
    # A key with enrollment:read only receives enrollment milestones, not certificates of the same company.
    _, path, headers = await subscribe(
        ["participant.admitted"],
        scopes=("webhooks:write", "webhooks:read", "enrollment:read"),
        rucs=[certificate.ruc],
    )
    _, control_path, _ = await subscribe(["certificate.issued"], rucs=[certificate.ruc])
    await publish(webhooks_settings, certificate.issued(), admitted(certificate.ruc))
    await eventually(lambda: receiver.on(control_path, answered=200), timeout=30, message="control received")
    await eventually(lambda: receiver.on(path, answered=200), timeout=30, message="admission received")
    assert [r.json()["type"] for r in receiver.on(path)] == ["participant.admitted"]
    # And it cannot widen its subscription to what its key may not read.
    mine = (await client.get("/api/v1/webhooks/subscriptions", headers=headers)).json()["data"]
    assert len(mine) == 1
    widened = await client.patch(
        f"/api/v1/webhooks/subscriptions/{mine[0]['id']}",
        json={"event_types": ["participant.admitted", "certificate.issued"]},
        headers=headers,
    )
    assert widened.status_code == 403


async def test_worker_stopped_and_restarted_loses_nothing_and_keeps_the_webhook_id(
    harness, webhooks_settings, receiver, subscribe
):
    certificate = Certificate()
    gate = threading.Event()
    subscription, path, headers = await subscribe(
        ["certificate.issued", "certificate.suspended", "certificate.withdrawn"],
        rucs=[certificate.ruc],
        gate=gate,
    )
    await publish(webhooks_settings, certificate.issued())
    await eventually(lambda: harness.worker.stats.in_flight >= 1, timeout=30, message="a delivery in flight")

    await harness.stop()  # mid-send: the answer never reaches this worker
    gate.set()
    await publish(webhooks_settings, certificate.suspended(), certificate.withdrawn())  # while it is down
    await harness.start()

    await eventually(
        lambda: (
            {r.json()["type"] for r in receiver.on(path, answered=200)}
            >= {"certificate.issued", "certificate.suspended", "certificate.withdrawn"}
        ),
        timeout=60,
        message="every event delivered after the restart",
    )
    received = receiver.on(path)
    by_type: dict[str, set[str]] = {}
    for r in received:
        by_type.setdefault(r.json()["type"], set()).add(r.webhook_id)
    # The interrupted message was sent again under the same id; no message got a second id.
    assert all(len(ids) == 1 for ids in by_type.values()), by_type
    log = await deliveries(harness.client, subscription["id"], headers)
    assert sum(1 for r in received if r.json()["type"] == "certificate.issued") >= 2, (
        [(r.json()["type"], r.status, round(r.at, 2)) for r in received],
        [(d["event_type"], d["attempts"], d["attempt_log"]) for d in log],
    )
    ok_types = [r.json()["type"] for r in receiver.on(path, answered=200)]
    assert ok_types[-2:] == ["certificate.suspended", "certificate.withdrawn"], [
        (r.json()["type"], r.status, round(r.at, 2)) for r in received
    ]
    # One delivery per (message, subscription): the restart added none, the retry reused its row.
    log = await eventually(
        lambda: _states(harness.client, subscription["id"], headers, {"delivered": 3}),
        timeout=30,
        message="the log says three delivered",
    )
    # (An attempt cut off by the stop is not in the log when its outcome never reached the database.)
    issued = next(d for d in log if d["event_type"] == "certificate.issued")
    assert issued["message_id"] == by_type["certificate.issued"].pop()


async def test_events_of_one_company_read_from_different_topics_go_out_in_the_order_they_happened(
    harness, webhooks_settings, receiver, subscribe
):
    certificates = [Certificate() for _ in range(3)]
    _, path, _ = await subscribe(CERTIFICATE_TYPES, rucs=[c.ruc for c in certificates])
    # All at once, interleaved: the consumer may read them in another order (four topics).
    events = [[c.issued(), c.suspended(), c.reinstated(), c.withdrawn()] for c in certificates]
    await publish(webhooks_settings, *[e for round_ in zip(*events, strict=True) for e in round_])
    await eventually(lambda: len(receiver.on(path, answered=200)) == 12, timeout=30, message="12 received")
    for c in certificates:
        types = [
            r.json()["type"] for r in receiver.on(path, answered=200) if r.json()["data"]["ruc"] == c.ruc
        ]
        assert types == CERTIFICATE_TYPES, (c.ruc, types)


async def test_region_filter_uses_the_companies_regions(harness, webhooks_settings, receiver, subscribe):
    cusco, lima = Certificate(), Certificate()
    _, path, _ = await subscribe(["certificate.issued"], regions=["Cusco"], rucs=[cusco.ruc, lima.ruc])
    _, control_path, _ = await subscribe(["certificate.issued"], rucs=[cusco.ruc, lima.ruc])
    for certificate, region in ((cusco, "Cusco"), (lima, "Lima")):
        company = enrollment.CompanyRegistered(
            company_id=uuid.uuid4(), ruc=certificate.ruc, legal_name="S.A.C.", region=region
        )
        await publish(webhooks_settings, company)
    await eventually(lambda: _regions_known(harness, cusco.ruc, lima.ruc), timeout=30, message="regions")
    await publish(webhooks_settings, cusco.issued(), lima.issued())
    await eventually(lambda: len(receiver.on(control_path, answered=200)) == 2, timeout=30, message="control")
    await eventually(lambda: receiver.on(path, answered=200), timeout=30, message="Cusco received")
    assert [r.json()["data"]["ruc"] for r in receiver.on(path)] == [cusco.ruc]


async def _regions_known(harness, *rucs):
    async with harness.app.state.engine.connect() as conn:
        found = (await conn.execute(sa.select(sa.func.count()).where(companies.c.ruc.in_(rucs)))).scalar()
    return found == len(rucs)
