"""The delivery worker: a background job of the webhooks service.

It leases due deliveries (chain heads whose retry time has come), POSTs each signed message
concurrently, and records the outcomes in batches. A lease is a promise, not a lock: if the
process dies mid-send, the lease runs out and the delivery is sent again, with the same
``webhook-id`` (at least once). A slow or dead endpoint holds at most ``per_subscription``
sends in flight, so it never starves the other subscriptions of the shared concurrency.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import httpx
from fastapi import FastAPI
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from services.webhooks.domain import signing
from services.webhooks.domain.catalogue import PARTITIONS
from services.webhooks.domain.policy import RetryPolicy
from services.webhooks.events.consume import DELIVERED_TOPICS
from services.webhooks.handlers.delivery import Claimed, Outcome, backlog, claim, record
from services.webhooks.handlers.fanout import SEEN
from shared.clock import wait_unless_stopped
from shared.settings import Settings

if TYPE_CHECKING:  # kafka's clients are imported where the offsets are first read
    from kafka import KafkaAdminClient, KafkaConsumer

log = logging.getLogger("eco.webhooks.worker")

FLUSH_SECONDS = 0.05
FLUSH_BATCH = 200
BACKLOG_EVERY_SECONDS = 5.0
OFFSETS_EVERY_SECONDS = 0.2
NEVER = datetime.min.replace(tzinfo=UTC)


def policy_from(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        base_seconds=settings.webhook_retry_base_seconds,
        max_seconds=settings.webhook_retry_max_seconds,
        window_seconds=settings.webhook_retry_window_seconds,
        disable_after_seconds=settings.webhook_disable_after_seconds,
    )


@dataclass
class WorkerStats:
    outcomes: Counter = field(default_factory=Counter)  # delivered / retried / failed / disabled
    attempts: int = 0
    attempt_failures: int = 0
    in_flight: int = 0
    backlog: dict[str, float] = field(default_factory=dict)


class DeliveryWorker:
    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.settings: Settings = app.state.settings
        self.uow_factory = app.state.uow_factory
        self.clock = app.state.clock
        self.policy = policy_from(self.settings)
        self.stats = WorkerStats()
        self.per_subscription = max(1, self.settings.webhook_concurrency // 8)
        self._inflight: dict[asyncio.Task, uuid.UUID] = {}
        self._outcomes: asyncio.Queue[Outcome] = asyncio.Queue()
        self._wake = asyncio.Event()
        # True when the last claim filled every free slot: a finished send then frees a slot for
        # work already due. Otherwise new work appears only when outcomes are recorded (the next
        # head of a chain) or through the API, and those wake the loop themselves.
        self._starved = False
        self._offsets: dict[tuple[str, int], bool] | None = None
        self._kafka: tuple[KafkaAdminClient, KafkaConsumer] | None = None
        consumer = getattr(app.state, "consumer", None)
        self._consumes = consumer is not None and bool(consumer.handlers) and self.settings.run_background

    def wake(self) -> None:
        """Look for due work now (after a ping or a redelivery was queued)."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        limits = httpx.Limits(
            max_connections=self.settings.webhook_concurrency,
            max_keepalive_connections=self.settings.webhook_concurrency,
        )
        timeout = httpx.Timeout(self.settings.webhook_timeout_seconds)
        async with httpx.AsyncClient(limits=limits, timeout=timeout, follow_redirects=False) as client:
            recorder = asyncio.create_task(self._record_loop(stop), name="webhooks-recorder")
            offsets = asyncio.create_task(self._offsets_loop(stop), name="webhooks-offsets")
            try:
                await self._claim_loop(client, stop)
            finally:
                await offsets
                if self._inflight:
                    await asyncio.wait(list(self._inflight), timeout=self.settings.webhook_timeout_seconds)
                for task in self._inflight:
                    task.cancel()
                await recorder

    async def _claim_loop(self, client: httpx.AsyncClient, stop: asyncio.Event) -> None:
        last_backlog = 0.0
        while not stop.is_set():
            claimed: list[Claimed] = []
            free = self.settings.webhook_concurrency - len(self._inflight)
            try:
                if free > 0:
                    claimed = await claim(
                        self.uow_factory(),
                        now=self.clock.now(),
                        limit=free,
                        lease=timedelta(seconds=self.settings.webhook_lease_seconds),
                        per_subscription=self.per_subscription,
                        saturated=self._saturated(),
                        settle=timedelta(seconds=self.settings.webhook_order_settle_seconds),
                        watermarks=self.watermarks(),
                    )
                for delivery in claimed:
                    task = asyncio.create_task(self._send(client, delivery))
                    self._inflight[task] = delivery.subscription_id
                    task.add_done_callback(self._done)
                if time.monotonic() - last_backlog > BACKLOG_EVERY_SECONDS:
                    last_backlog = time.monotonic()
                    async with self.app.state.engine.connect() as conn:
                        self.stats.backlog = await backlog(conn, now=self.clock.now())
            except Exception:
                log.exception("claiming deliveries failed; retrying")
            self.stats.in_flight = len(self._inflight)
            self._starved = bool(claimed) and len(claimed) == free
            if self._starved and len(self._inflight) < self.settings.webhook_concurrency:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake_or_stop(stop), timeout=self.settings.webhook_poll_seconds)

    async def _wake_or_stop(self, stop: asyncio.Event) -> None:
        waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    def watermarks(self) -> list[datetime] | None:
        """Per partition: events up to this time may go out for the first time (None: no limit).

        Topics are read independently, so after an outage or under a backlog one company's
        earlier event may still wait unread on one topic while a later one was read from another.
        A company's events are in the same partition number of every topic (keyed by RUC). Where a
        delivered topic's partition holds events the group has not committed yet, an event of
        that partition goes out only if no newer than the newest one read from it. Offsets are
        refreshed in the background; until the first refresh, nothing new goes out.
        """
        if self._offsets is None:
            return [NEVER] * PARTITIONS if self._consumes else None
        limits: list[datetime] | None = None
        for (topic, partition), behind in self._offsets.items():
            if behind:
                seen = SEEN.get((topic, partition), NEVER)
                limits = limits or [datetime.max.replace(tzinfo=UTC)] * PARTITIONS
                limits[partition] = min(limits[partition], seen)
        return limits

    def _read_offsets(self) -> dict[tuple[str, int], bool]:
        """(topic, partition) -> whether the group's committed offset is behind the end."""
        from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

        from shared.events.kafka import end_offsets

        if self._kafka is None:
            self._kafka = (
                KafkaAdminClient(
                    bootstrap_servers=self.settings.kafka_bootstrap, client_id="eco-webhooks-offsets"
                ),
                KafkaConsumer(
                    bootstrap_servers=self.settings.kafka_bootstrap, client_id="eco-webhooks-offsets"
                ),
            )
        admin, consumer = self._kafka
        physical = {self.settings.topic(t): t for t in DELIVERED_TOPICS}
        tps = [TopicPartition(name, p) for name in physical for p in range(PARTITIONS)]
        ends = end_offsets(consumer, tps)
        committed = admin.list_consumer_group_offsets(self.settings.consumer_group)
        return {
            (physical[tp.topic], tp.partition): (committed[tp].offset if tp in committed else 0) < end
            for tp, end in ends.items()
        }

    async def _offsets_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                self._offsets = await asyncio.to_thread(self._read_offsets)
            except Exception as exc:  # Kafka away: hold first sends (retries go on)
                log.warning("cannot read consumer offsets: %s", exc)
                self._offsets = None
                self._close_kafka()
            await wait_unless_stopped(stop, OFFSETS_EVERY_SECONDS)
        self._close_kafka()

    def _close_kafka(self) -> None:
        if self._kafka is not None:
            for client in self._kafka:
                with contextlib.suppress(Exception):
                    client.close()
            self._kafka = None

    def _saturated(self) -> list[uuid.UUID]:
        counts = Counter(self._inflight.values())
        return [s for s, n in counts.items() if n >= self.per_subscription]

    def _done(self, task: asyncio.Task) -> None:
        self._inflight.pop(task, None)
        if self._starved:
            self._wake.set()

    async def _send(self, client: httpx.AsyncClient, delivery: Claimed) -> None:
        headers = signing.headers(delivery.secret, delivery.message_id, int(time.time()), delivery.body)
        attempted_at = self.clock.now()
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        try:
            response = await client.post(delivery.url, content=delivery.body.encode(), headers=headers)
            status = response.status_code
            if not 200 <= status < 300:
                error = f"HTTP {status}: {response.text[:200]}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500] or type(exc).__name__
        latency_ms = (time.perf_counter() - started) * 1000
        self.stats.attempts += 1
        outcome = Outcome(delivery, attempted_at, status, latency_ms, error)
        if not outcome.ok:
            self.stats.attempt_failures += 1
        await self._outcomes.put(outcome)

    async def _record_loop(self, stop: asyncio.Event) -> None:
        """Write outcomes in batches (one transaction each); drains what is left on stop."""
        while True:
            batch: list[Outcome] = []
            with contextlib.suppress(TimeoutError):
                batch.append(await asyncio.wait_for(self._outcomes.get(), timeout=FLUSH_SECONDS * 4))
            deadline = time.monotonic() + FLUSH_SECONDS
            while len(batch) < FLUSH_BATCH and time.monotonic() < deadline:
                try:
                    batch.append(self._outcomes.get_nowait())
                except asyncio.QueueEmpty:
                    await asyncio.sleep(0.005)  # gather a batch: outcomes arrive one by one
            if batch:
                await self._record(batch)
            elif stop.is_set() and not self._inflight:
                return

    async def _record(self, batch: list[Outcome]) -> None:
        for attempt in range(5):
            try:
                counts = await record(self.uow_factory(), batch, self.policy)
                self.stats.outcomes.update(counts)
                self._wake.set()
                return
            except Exception:
                log.exception("recording %d delivery outcomes failed (try %d)", len(batch), attempt + 1)
                await asyncio.sleep(0.5 * 2**attempt)  # back off before retrying the same batch
        # Leases run out and the deliveries are sent again: at least once, never lost.
        log.error(
            "gave up recording %d outcomes; their leases will expire and they will be resent", len(batch)
        )


async def delivery_job(app: FastAPI, stop: asyncio.Event) -> None:
    worker = app.state.webhook_worker
    while not stop.is_set():
        try:
            await worker.run(stop)
        except Exception:
            log.exception("delivery worker crashed; restarting")
            await wait_unless_stopped(stop, 1.0)


class WebhookCollector(Collector):
    """``eco_webhook_*`` metrics on the service's /metrics."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        worker: DeliveryWorker | None = getattr(self.app.state, "webhook_worker", None)
        if worker is None:
            return
        stats = worker.stats
        deliveries = CounterMetricFamily(
            "eco_webhook_deliveries", "Deliveries completed or rescheduled, by outcome", labels=["outcome"]
        )
        for outcome in ("delivered", "retried", "failed"):
            deliveries.add_metric([outcome], float(stats.outcomes.get(outcome, 0)))
        yield deliveries
        yield CounterMetricFamily(
            "eco_webhook_attempts", "HTTP delivery attempts", value=float(stats.attempts)
        )
        yield CounterMetricFamily(
            "eco_webhook_attempt_failures",
            "Attempts without a 2xx answer",
            value=float(stats.attempt_failures),
        )
        yield CounterMetricFamily(
            "eco_webhook_endpoints_disabled",
            "Subscriptions disabled after failing too long",
            value=float(stats.outcomes.get("disabled", 0)),
        )
        for name, help_text, key in (
            ("eco_webhook_pending", "Deliveries not yet completed (queued or due)", "pending"),
            (
                "eco_webhook_retry_backlog",
                "Pending deliveries that already failed at least once",
                "retry_backlog",
            ),
            (
                "eco_webhook_oldest_pending_age_seconds",
                "Age of the oldest delivery not yet completed",
                "oldest_pending_age_seconds",
            ),
        ):
            yield GaugeMetricFamily(name, help_text, value=float(stats.backlog.get(key, 0.0)))
        yield GaugeMetricFamily(
            "eco_webhook_in_flight", "Deliveries being sent now", value=float(stats.in_flight)
        )
