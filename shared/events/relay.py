"""The outbox relay: publishes committed outbox rows to Kafka and marks them sent.

It wakes on the ``NOTIFY`` that every commit with events sends, and polls as a
fallback, so events leave within milliseconds while a lost notification costs at most
one poll interval. Rows are claimed with ``FOR UPDATE SKIP LOCKED`` so several replicas
can run relays side by side. While Kafka is unreachable, writes keep succeeding and
rows simply wait: nothing is lost, they go out when the broker is back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import asyncpg
import sqlalchemy as sa
from opentelemetry.trace import SpanKind
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.events.tables import messaging_tables, outbox_channel
from shared.settings import Settings
from shared.telemetry import context_from_carrier, current_trace_carrier, kafka_headers, tracer

log = logging.getLogger("eco.relay")


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        settings: Settings,
        *,
        schema: str | None = None,
        producer_factory: Callable[[], Any] | None = None,
        batch_size: int = 500,
    ) -> None:
        from shared.events.kafka import make_producer

        self.engine = engine
        self.settings = settings
        self.schema = schema or settings.schema
        self.outbox = messaging_tables(self.schema).outbox
        self._producer_factory = producer_factory or (lambda: make_producer(settings))
        self._producer = None
        self.batch_size = batch_size
        self._wake = asyncio.Event()
        self.published = 0
        self.last_error: str | None = None

    async def run(self, stop: asyncio.Event) -> None:
        listener = await self._listen()
        backoff = self.settings.outbox_poll_seconds
        try:
            while not stop.is_set():
                try:
                    sent = await self.publish_pending()
                    backoff = self.settings.outbox_poll_seconds
                    if sent >= self.batch_size:
                        continue
                except Exception as exc:  # Kafka or DB down: keep the rows, retry later
                    self.last_error = str(exc)
                    log.warning("outbox relay for %s failed: %s", self.schema, exc)
                    await self._close_producer()
                    backoff = min(backoff * 2, 5.0)
                self._wake.clear()
                waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
                _done, pending = await asyncio.wait(
                    waiters, timeout=backoff, return_when=asyncio.FIRST_COMPLETED
                )
                for waiter in pending:
                    waiter.cancel()
        finally:
            if listener is not None:
                await listener.close()
            await self._close_producer()

    async def _listen(self) -> asyncpg.Connection | None:
        url = self.engine.url
        try:
            conn = await asyncpg.connect(
                host=url.host,
                port=url.port,
                user=url.username,
                password=url.password,
                database=url.database,
            )
            await conn.add_listener(outbox_channel(self.schema), lambda *_: self._wake.set())
            return conn
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("relay falls back to polling only: %s", exc)
            return None

    async def _close_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            await asyncio.to_thread(producer.close, 2)

    async def _ensure_producer(self):
        if self._producer is None:
            self._producer = await asyncio.to_thread(self._producer_factory)
        return self._producer

    async def publish_pending(self) -> int:
        """Publish one batch of pending rows; returns how many were sent."""
        outbox = self.outbox
        async with self.engine.connect() as conn, conn.begin():
            rows = (
                await conn.execute(
                    sa.select(outbox.c.id, outbox.c.topic, outbox.c.key, outbox.c.envelope)
                    .where(outbox.c.published_at.is_(None))
                    .order_by(outbox.c.id)
                    .limit(self.batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            producer = await self._ensure_producer()
            results = await asyncio.to_thread(self._send_all, producer, rows)
            sent = [row_id for row_id, error in results if error is None]
            failed = [(row_id, error) for row_id, error in results if error is not None]
            if sent:
                await conn.execute(
                    sa.update(outbox).where(outbox.c.id.in_(sent)).values(published_at=sa.func.now())
                )
            for row_id, error in failed:
                await conn.execute(
                    sa.update(outbox)
                    .where(outbox.c.id == row_id)
                    .values(attempts=outbox.c.attempts + 1, last_error=error[:2000])
                )
        self.published += len(sent)
        if failed:
            raise RuntimeError(f"{len(failed)} outbox rows not published: {failed[0][1]}")
        return len(sent)

    def _send_all(self, producer, rows) -> list[tuple[int, str | None]]:
        import orjson

        futures = []
        for row in rows:
            envelope = row.envelope
            parent = context_from_carrier(envelope.get("trace") or {})
            with tracer().start_as_current_span(
                f"publish {row.topic}",
                context=parent,
                kind=SpanKind.PRODUCER,
                attributes={
                    "messaging.system": "kafka",
                    "messaging.destination.name": self.settings.topic(row.topic),
                    "messaging.message.id": envelope.get("event_id", ""),
                },
            ):
                headers = kafka_headers(current_trace_carrier()) + [
                    ("event_type", row.topic.encode()),
                    ("event_id", str(envelope.get("event_id", "")).encode()),
                    ("content-type", b"application/json"),
                ]
                future = producer.send(
                    self.settings.topic(row.topic),
                    key=row.key,
                    value=orjson.dumps(envelope),
                    headers=headers,
                )
            futures.append((row.id, future))
        producer.flush(timeout=10)
        results: list[tuple[int, str | None]] = []
        for row_id, future in futures:
            try:
                future.get(timeout=10)
                results.append((row_id, None))
            except Exception as exc:
                results.append((row_id, f"{type(exc).__name__}: {exc}"))
        return results

    async def backlog(self) -> int:
        async with self.engine.connect() as conn:
            return (
                await conn.execute(
                    sa.select(sa.func.count())
                    .select_from(self.outbox)
                    .where(self.outbox.c.published_at.is_(None))
                )
            ).scalar_one()
