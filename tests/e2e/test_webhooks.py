"""Webhooks through nginx: a partner key subscribes, pings its endpoint, reads the public feed."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from tests.support.testing import wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture
def endpoint():
    received: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(204)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/in", received
    finally:
        server.shutdown()
        server.server_close()


def test_a_partner_key_subscribes_and_receives_a_signed_ping(stack, new_api_key, endpoint):
    url, received = endpoint
    key, _ = new_api_key(["webhooks:read", "webhooks:write", "audit:read"])
    headers = {"X-API-Key": key}
    base = f"{stack.gateway_url}/api/v1/webhooks"
    created = httpx.post(
        f"{base}/subscriptions", json={"url": url, "event_types": ["certificate.issued"]}, headers=headers
    )
    assert created.status_code == 201, created.text
    subscription = created.json()
    try:
        ping = httpx.post(f"{base}/subscriptions/{subscription['id']}/ping", headers=headers)
        assert ping.status_code == 202, ping.text
        wait_until(lambda: received, timeout=30, message="ping received")
        request_headers, body = received[0]
        assert Webhook(subscription["secret"]).verify(body, request_headers)["type"] == "webhook.ping"
        assert request_headers["webhook-id"] == ping.json()["message_id"]
        # A key without audit:read may not subscribe to certificates.
        narrow, _ = new_api_key(["webhooks:write"])
        refused = httpx.post(
            f"{base}/subscriptions",
            json={"url": url, "event_types": ["certificate.issued"]},
            headers={"X-API-Key": narrow},
        )
        assert refused.status_code == 403
    finally:
        httpx.delete(f"{base}/subscriptions/{subscription['id']}", headers=headers)


def test_the_status_feed_is_public_through_nginx(stack):
    response = httpx.get(f"{stack.gateway_url}/api/v1/webhooks/feed/certificates")
    assert response.status_code == 200 and "next_cursor" in response.json()
    feed = httpx.get(f"{stack.gateway_url}/api/v1/webhooks/feed/certificates.json")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/feed+json")
