"""Support for the test suites of every service: real apps, real Kafka, deadlines.

Nothing here fakes a part of the platform: apps run with their real lifespan (outbox
relay and consumers included), and Kafka is read with a real consumer. Waiting is
always polling against a deadline, never a fixed sleep.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import time
import uuid
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
from fastapi import FastAPI
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from shared.auth import IDENTITY_HEADER, Principal, Role, sign_identity
from shared.clock import Clock
from shared.events.envelope import EventContract, EventEnvelope
from shared.settings import Settings


class TestClock(Clock):
    """The clock an app under test gets: the process's clock (shifted as a whole by
    ``ECO_TEST_NOW``), which a test may move (``advance``) or pin (``at``/``pin``).

    Every instance goes back to that clock after each test (``tests/conftest.py`` calls
    :meth:`reset_all`), so no test sees where another one left it, in any order.
    """

    __test__ = False  # not a test class for pytest
    _instances: weakref.WeakSet[TestClock] = weakref.WeakSet()

    def __init__(self) -> None:
        super().__init__()
        self.pinned: datetime | None = None
        TestClock._instances.add(self)

    def now(self) -> datetime:
        return self.pinned + self.offset if self.pinned is not None else super().now()

    def pin(self, instant: datetime) -> None:
        """Stand still at ``instant`` (an aware datetime) until moved or reset."""
        if instant.tzinfo is None:
            raise ValueError("pin an aware datetime")
        self.pinned, self.offset = instant, timedelta(0)

    @contextlib.contextmanager
    def at(self, instant: datetime) -> Iterator[None]:
        self.pin(instant)
        try:
            yield
        finally:
            self.reset()

    def reset(self) -> None:
        self.pinned, self.offset = None, timedelta(0)

    @classmethod
    def reset_all(cls) -> None:
        for clock in list(cls._instances):
            clock.reset()


async def eventually(
    check: Callable[[], Any] | Callable[[], Awaitable[Any]],
    *,
    timeout: float = 30.0,
    interval: float = 0.05,
    message: str = "condition",
) -> Any:
    """Poll ``check`` until it returns something truthy or the deadline passes."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        last = check()
        if inspect.isawaitable(last):
            last = await last
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} not reached within {timeout}s (last value: {last!r})")
        await asyncio.sleep(interval)  # the poll interval of a deadline loop


def wait_until(
    check: Callable[[], Any], *, timeout: float = 30.0, interval: float = 0.1, message: str = "condition"
) -> Any:
    """The blocking twin of :func:`eventually`, for sync fixtures (process start-up)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} not reached within {timeout}s (last value: {value!r})")
        time.sleep(interval)  # the poll interval of a deadline loop


def identity_headers(
    settings: Settings,
    role: Role | str,
    *,
    subject: str | None = None,
    ruc: str | None = None,
    body_id: str | None = None,
    scopes: list[str] | None = None,
    ttl: int = 600,
    method: str | None = None,
    path: str | None = None,
) -> dict[str, str]:
    """The header the gateway would forward for such a caller.

    Unbound (no ``method``/``path``) it is accepted in dev/test only; give both, as the gateway
    does, for an app running with a production ``env`` (the raw path, without the query).
    """
    principal = Principal(
        subject=subject or f"test-{uuid.uuid4().hex[:8]}",
        role=Role(role),
        ruc=ruc,
        body_id=body_id,
        scopes=scopes or [],
        expires_at=int(time.time()) + ttl,
        method=method,
        path=path,
    )
    return {IDENTITY_HEADER: sign_identity(principal, settings.identity_secret)}


@contextlib.asynccontextmanager
async def running_app(app: FastAPI, base_url: str = "http://test") -> AsyncIterator[httpx.AsyncClient]:
    """Run ``app`` with its lifespan (relay, consumers) and give a client bound to it."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client


class TopicReader:
    """Reads a topic from the offsets it had when created (sees only what came after),
    or from its beginning."""

    def __init__(
        self, settings: Settings, topic: str, *, physical: bool = False, from_beginning: bool = False
    ) -> None:
        self.topic = topic if physical else settings.topic(topic)
        self._consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, enable_auto_commit=False)
        partitions = self._consumer.partitions_for_topic(self.topic) or set()
        if not partitions:
            raise AssertionError(f"topic {self.topic} does not exist")
        self._tps = [TopicPartition(self.topic, p) for p in sorted(partitions)]
        self._consumer.assign(self._tps)
        if from_beginning:
            self._consumer.seek_to_beginning()
        else:
            for tp, offset in self._consumer.end_offsets(self._tps).items():
                self._consumer.seek(tp, offset)
        self.messages: list[Any] = []

    def poll(self) -> list[Any]:
        for records in self._consumer.poll(timeout_ms=200).values():
            self.messages.extend(records)
        return self.messages

    def envelopes(self) -> list[dict[str, Any]]:
        out = []
        for m in self.messages:
            try:
                out.append(orjson.loads(m.value))
            except orjson.JSONDecodeError:
                out.append({"raw": m.value})
        return out

    async def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], *, count: int = 1, timeout: float = 30.0
    ) -> list[dict[str, Any]]:
        """Poll until ``count`` envelopes match, then return all that match."""

        def matches() -> list[dict[str, Any]]:
            self.poll()
            found = [e for e in self.envelopes() if predicate(e)]
            return found if len(found) >= count else []

        found: list[dict[str, Any]] = await eventually(
            lambda: asyncio.to_thread(matches), timeout=timeout, message=f"{count} matching on {self.topic}"
        )
        return found

    def drain(self) -> None:
        """Read everything up to the current end of the topic."""
        ends = self._consumer.end_offsets(self._tps)
        while any(self._consumer.position(tp) < end for tp, end in ends.items()):
            self.poll()

    def close(self) -> None:
        self._consumer.close()


def publish_event(settings: Settings, event: EventContract, *, producer: str = "test") -> EventEnvelope:
    """Put ``event`` on its topic as another service's relay would (envelope, key, headers).

    For tests of a consumer: the upstream service is not needed, its contract is.
    """
    envelope = EventEnvelope.wrap(event, producer=producer, occurred_at=datetime.now(UTC), trace={})
    send_envelope(settings, envelope)
    return envelope


def send_envelope(settings: Settings, envelope: EventEnvelope, *, times: int = 1) -> None:
    """Send an envelope (again): ``times=2`` is a redelivery, as Kafka does after a consumer crash."""
    kafka = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    try:
        for _ in range(times):
            kafka.send(
                settings.topic(envelope.event_type),
                key=envelope.key.encode(),
                value=orjson.dumps(envelope.model_dump(mode="json")),
                headers=[
                    ("event_type", envelope.event_type.encode()),
                    ("event_id", str(envelope.event_id).encode()),
                ],
            ).get(timeout=10)
    finally:
        kafka.close()
