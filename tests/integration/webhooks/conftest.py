"""The webhooks app with its real lifespan (Kafka consumer + delivery worker), a real HTTP
receiver on 127.0.0.1 that checks every signature with the reference ``standardwebhooks``
package, and helpers to publish events and create subscriptions.

The app consumes in its own Kafka namespace (``test.webhooks.``) and retries on a schedule of
tens of milliseconds (the production one is seconds to an hour); hours and days pass on the
injected clock, never in real time.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from services.webhooks.main import create_app
from shared.events.kafka import create_topics
from shared.settings import Settings
from tests.support.testing import TestClock, eventually, identity_headers

NAMESPACE = "test.webhooks."


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    status: int
    at: float

    @property
    def webhook_id(self) -> str:
        return self.headers.get("webhook-id", "")

    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Endpoint:
    """How one path answers: a status, optionally after a delay or held until a gate opens."""

    status: int = 200
    delay: float = 0.0
    gate: threading.Event | None = None
    secret: str | None = None


@dataclass
class Receiver:
    base_url: str
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def endpoint(self, secret: str | None = None, **kw: Any) -> tuple[str, Endpoint]:
        path = f"/hooks/{uuid.uuid4().hex[:12]}"
        self.endpoints[path] = Endpoint(secret=secret, **kw)
        return path, self.endpoints[path]

    def url(self, path: str) -> str:
        return self.base_url + path

    def on(self, path: str, *, answered: int | None = None) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.path == path and (answered is None or r.status == answered)]


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            endpoint = receiver.endpoints.get(self.path, Endpoint(status=404))
            headers = {k.lower(): v for k, v in self.headers.items()}
            verified = False
            if endpoint.secret:
                try:
                    Webhook(endpoint.secret).verify(body, headers)
                    verified = True
                except WebhookVerificationError:
                    verified = False
            if endpoint.gate is not None:
                endpoint.gate.wait(timeout=30)
            if endpoint.delay:
                time.sleep(endpoint.delay)  # the slow partner being simulated
            status = endpoint.status if verified or not endpoint.secret else 401
            with receiver.lock:
                receiver.requests.append(
                    Received(self.path, headers, body, verified, status, time.monotonic())
                )
            self.send_response(status)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    return Handler


@pytest.fixture(scope="session")
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(Receiver("")))
    handler_receiver = Receiver(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(handler_receiver)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="webhook-receiver", daemon=True)
    thread.start()
    try:
        yield handler_receiver
    finally:
        for endpoint in handler_receiver.endpoints.values():
            if endpoint.gate is not None:
                endpoint.gate.set()
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def webhooks_settings(settings_for) -> Settings:
    settings = settings_for(
        "webhooks",
        kafka_namespace=NAMESPACE,
        webhook_retry_base_seconds=0.05,
        webhook_retry_max_seconds=0.2,
        webhook_poll_seconds=0.05,
        webhook_timeout_seconds=2.0,
        webhook_lease_seconds=3.0,
        webhook_concurrency=16,
        webhook_order_settle_seconds=0.3,
    )
    create_topics(settings)
    return settings


@pytest.fixture(scope="session")
def clock() -> TestClock:
    """Real time; a test may move it (it is put back after every test)."""
    return TestClock()


class Harness:
    """The app, stoppable and restartable like a process (the restart test needs that)."""

    def __init__(self, settings: Settings, clock: TestClock) -> None:
        self.settings = settings
        self.clock = clock
        self.app = None
        self.client: httpx.AsyncClient | None = None
        self._stack: contextlib.AsyncExitStack | None = None

    async def start(self) -> None:
        self.app = create_app(self.settings, clock=self.clock)
        self._stack = contextlib.AsyncExitStack()
        await self._stack.enter_async_context(self.app.router.lifespan_context(self.app))
        self.client = await self._stack.enter_async_context(
            httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://test")
        )
        await eventually(
            self.app.state.consumer.assigned.is_set, timeout=60, message="webhooks consumer assigned"
        )

    async def stop(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
        self._stack = None

    @property
    def worker(self):
        return self.app.state.webhook_worker


@pytest.fixture(scope="session")
async def harness(webhooks_settings, clock):
    h = Harness(webhooks_settings, clock)
    await h.start()
    try:
        yield h
    finally:
        await h.stop()


@pytest.fixture
def client(harness) -> httpx.AsyncClient:
    return harness.client


@pytest.fixture
def partner(webhooks_settings):
    """Identity headers of a partner API key with the given scopes (a fresh key each call)."""

    def make(*scopes: str, key: str | None = None) -> dict[str, str]:
        return identity_headers(
            webhooks_settings,
            "partner",
            subject=f"apikey:{key or uuid.uuid4().hex[:16]}",
            scopes=list(scopes),
        )

    return make


@pytest.fixture
def admin(webhooks_settings) -> dict[str, str]:
    return identity_headers(webhooks_settings, "admin", subject="admin-1")


@pytest.fixture
async def subscribe(harness, receiver, partner):
    """Create a subscription to a fresh receiver path; each is deleted after the test."""
    created: list[tuple[str, dict[str, str]]] = []

    async def make(
        event_types: list[str],
        *,
        scopes: tuple[str, ...] = ("webhooks:read", "webhooks:write", "audit:read"),
        headers: dict[str, str] | None = None,
        rucs: list[str] | None = None,
        regions: list[str] | None = None,
        **endpoint: Any,
    ) -> tuple[dict[str, Any], str, dict[str, str]]:
        headers = headers or partner(*scopes)
        path, ep = receiver.endpoint(**endpoint)
        body: dict[str, Any] = {"url": receiver.url(path), "event_types": event_types}
        if rucs:
            body["rucs"] = rucs
        if regions:
            body["regions"] = regions
        response = await harness.client.post("/api/v1/webhooks/subscriptions", json=body, headers=headers)
        assert response.status_code == 201, response.text
        subscription = response.json()
        ep.secret = subscription["secret"]
        created.append((subscription["id"], headers))
        return subscription, path, headers

    yield make
    for endpoint in receiver.endpoints.values():
        if endpoint.gate is not None:
            endpoint.gate.set()
    for subscription_id, headers in created:
        await harness.client.delete(f"/api/v1/webhooks/subscriptions/{subscription_id}", headers=headers)
