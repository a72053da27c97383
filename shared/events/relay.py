"""The outbox relay: publishes committed outbox rows to Kafka and marks them sent.

It wakes when a unit of work of its own process commits events (``outbox_committed``: no
round trip, and no ``NOTIFY`` in the transaction, whose commit took Postgres's cluster-wide
notification lock and so serialised every writing commit behind one WAL flush), on a
``NOTIFY`` from elsewhere (a bulk import), and polls as a fallback, so events leave within
milliseconds while a missed wake-up costs at most one poll interval. Several relays on one outbox (replicas, or uvicorn workers: ``ECO_WORKERS``)
take turns: a batch is published inside a transaction holding the outbox's advisory lock
(``pg_try_advisory_xact_lock``); a relay that does not get it tries again moments later
(``TURN_RETRY_SECONDS``), and the one that did loops while full batches remain. So every row is published once, and in commit order per key
(two relays claiming disjoint batches side by side, as ``SKIP LOCKED`` alone allowed, could
put a later event of a key on Kafka before an earlier one). While Kafka is unreachable, writes keep succeeding and
rows simply wait: nothing is lost, they go out when the broker is back.

Nothing in the loop may end it while the service runs: a failed batch closes the producer
quietly (``close_quietly`` never raises, and discards a producer whose buffered records cannot
be flushed) and backs off; the ``LISTEN`` connection is checked on every turn and opened again,
with backoff, when Postgres dropped it. ``running``, ``listening`` and ``last_error`` feed the
service's ``/ready`` (see ``shared.app``), which also degrades when the oldest unpublished row
is older than ``ECO_OUTBOX_MAX_AGE_SECONDS``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
import sqlalchemy as sa
from opentelemetry.trace import SpanKind
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.clock import wait_unless_stopped
from shared.db import create_sessionmaker
from shared.events.kafka import close_quietly
from shared.events.tables import messaging_tables, outbox_channel
from shared.settings import Settings
from shared.telemetry import (
    context_from_carrier,
    current_trace_carrier,
    kafka_headers,
    recording_spans,
    tracer,
)

log = logging.getLogger("eco.relay")

LISTEN_BACKOFF_MAX_SECONDS = 30.0
# A relay that found another one publishing looks again this soon: the other may have
# taken its batch before this process's commit.
TURN_RETRY_SECONDS = 0.02

_RELAYS: dict[str, set[OutboxRelay]] = {}
# Per outbox: mark a batch sent (one array parameter, so the statement is compiled once).
_MARK_SENT: dict[str, Any] = {}


def outbox_committed(schema: str) -> None:
    """A unit of work committed events to ``schema``'s outbox: wake this process's relays."""
    for relay in _RELAYS.get(schema, ()):
        relay._wake.set()


@dataclass(frozen=True)
class OutboxState:
    backlog: int
    oldest_age_seconds: float  # 0 when nothing is pending


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
        self._producer: Any = None
        self.batch_size = batch_size
        self._wake = asyncio.Event()
        self.published = 0
        self.failures = 0
        self.lost_turns = 0
        self.last_error: str | None = None
        self.running = False
        self._listener: asyncpg.Connection | None = None
        self._listen_backoff = 0.5
        self._next_listen_at = 0.0
        self._lost_turn = False
        self._sessions = create_sessionmaker(engine, fast=not recording_spans())
        if self.schema not in _MARK_SENT:
            _MARK_SENT[self.schema] = (
                sa.update(self.outbox)
                .where(self.outbox.c.id == sa.func.any(sa.bindparam("ids", type_=ARRAY(sa.BigInteger))))
                .values(published_at=sa.func.now())
            )

    @property
    def listening(self) -> bool:
        return self._listener is not None and not self._listener.is_closed()

    async def run(self, stop: asyncio.Event) -> None:
        backoff = self.settings.outbox_poll_seconds
        self.running = True
        _RELAYS.setdefault(self.schema, set()).add(self)
        try:
            while not stop.is_set():
                await self._ensure_listener()
                # Cleared before publishing: a commit notified while the batch is out wakes the
                # next turn at once (clearing after the batch lost it until the next poll).
                self._wake.clear()
                wait = self.settings.outbox_poll_seconds
                try:
                    self._lost_turn = False
                    sent = await self.publish_pending()
                    backoff = self.settings.outbox_poll_seconds
                    if sent >= self.batch_size:
                        continue
                    if self._lost_turn:
                        # Another relay is publishing, this process's rows too (one outbox): look
                        # again in a moment, whatever commits wake this one meanwhile. Trying on
                        # every wake-up spent a transaction per commit on lost turns (measured with
                        # two workers: ~25 % more CPU per write).
                        await wait_unless_stopped(stop, TURN_RETRY_SECONDS)
                        continue
                except Exception as exc:  # Kafka or DB down: keep the rows, retry later
                    self.failures += 1
                    self.last_error = f"{type(exc).__name__}: {str(exc)[:300]}"
                    log.warning("outbox relay for %s failed: %s", self.schema, self.last_error)
                    await self._close_producer()
                    backoff = wait = min(backoff * 2, 5.0)
                waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
                _done, pending = await asyncio.wait(
                    waiters, timeout=wait, return_when=asyncio.FIRST_COMPLETED
                )
                for waiter in pending:
                    waiter.cancel()
                linger = self.settings.outbox_linger_seconds
                if self._wake.is_set() and linger > 0 and not stop.is_set():
                    # Woken by a commit: let the commits right behind it join the batch (Kafka's
                    # linger.ms). Under load a batch then carries several rows for one set of
                    # round trips and one flush; alone, an event waits this long more.
                    await wait_unless_stopped(stop, linger)
        finally:
            self.running = False
            _RELAYS.get(self.schema, set()).discard(self)
            await self._drop_listener()
            await self._close_producer()

    async def _ensure_listener(self) -> None:
        """(Re)open the LISTEN connection when it is missing or Postgres dropped it."""
        if self.listening:
            return
        if self._listener is not None:
            log.warning("relay for %s lost its LISTEN connection; opening it again", self.schema)
            await self._drop_listener()
        if time.monotonic() < self._next_listen_at:
            return
        url = self.engine.url
        conn: Any = None  # an asyncpg.Connection (asyncpg ships no types)
        try:
            conn = await asyncio.wait_for(
                asyncpg.connect(
                    host=url.host,
                    port=url.port,
                    user=url.username,
                    password=url.password,
                    database=url.database,
                ),
                timeout=5,
            )
            await conn.add_listener(outbox_channel(self.schema), lambda *_: self._wake.set())
        except Exception as exc:
            if conn is not None:
                conn.terminate()
            self._next_listen_at = time.monotonic() + self._listen_backoff
            log.warning(
                "relay for %s polls only for now (LISTEN retried in %.1f s): %s",
                self.schema,
                self._listen_backoff,
                exc,
            )
            self._listen_backoff = min(self._listen_backoff * 2, LISTEN_BACKOFF_MAX_SECONDS)
            return
        self._listener = conn
        self._listen_backoff = 0.5
        self._wake.set()  # a notification may have been missed while not listening

    async def _drop_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(listener.close(), timeout=2)
            if not listener.is_closed():
                listener.terminate()

    async def _close_producer(self) -> None:
        """Never raises: a producer that cannot flush (broker away) is discarded."""
        producer, self._producer = self._producer, None
        if producer is not None:
            await asyncio.to_thread(close_quietly, producer, 2)

    async def _ensure_producer(self) -> Any:
        if self._producer is None:
            self._producer = await asyncio.to_thread(self._producer_factory)
        return self._producer

    async def publish_pending(self) -> int:
        """Publish one batch of pending rows; returns how many were sent."""
        outbox = self.outbox
        # A unit-of-work transaction (shared.db.KernelTransaction): its statements are compiled
        # once and run on the driver's connection, ~4 per batch on every write's path.
        async with self._sessions() as session, session.begin():
            found = (await session.execute(_pending(self.schema, self.batch_size))).all()
            if not found[0].got:
                self._lost_turn = True  # another relay is publishing this outbox: look again soon
                self.lost_turns += 1
                return 0
            rows = [row for row in found if row.id is not None]
            if not rows:
                return 0
            producer = await self._ensure_producer()
            results = await asyncio.to_thread(self._send_all, producer, rows)
            sent = [row_id for row_id, error in results if error is None]
            failed = [(row_id, error) for row_id, error in results if error is not None]
            if sent:
                await session.execute(_MARK_SENT[self.schema], {"ids": sent})
            for row_id, error in failed:
                await session.execute(
                    sa.update(outbox)
                    .where(outbox.c.id == row_id)
                    .values(attempts=outbox.c.attempts + 1, last_error=error[:2000])
                )
        self.published += len(sent)
        if failed:
            raise RuntimeError(f"{len(failed)} outbox rows not published: {failed[0][1]}")
        return len(sent)

    def _send_all(self, producer: Any, rows: Sequence[Any]) -> list[tuple[int, str | None]]:
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
        return (await self.state()).backlog

    async def state(self) -> OutboxState:
        """How many rows wait to be published, and how long the oldest has waited."""
        outbox = self.outbox
        async with self.engine.connect() as conn:
            count, age = (
                await conn.execute(
                    sa.select(
                        sa.func.count(),
                        sa.func.coalesce(
                            sa.func.extract("epoch", sa.func.now() - sa.func.min(outbox.c.created_at)), 0
                        ),
                    ).where(outbox.c.published_at.is_(None))
                )
            ).one()
        return OutboxState(backlog=int(count), oldest_age_seconds=max(0.0, float(age)))


@functools.cache
def _pending(schema: str, batch_size: int) -> sa.Select[Any]:
    """The relay's turn and its batch in one round trip: ``pg_try_advisory_xact_lock`` (one
    relay of a schema at a time, the others look again soon) and, only when it was taken, the
    oldest unpublished rows, locked. Always one row at least: ``got`` false is a lost turn; a
    taken turn with nothing to publish is one row of NULLs."""
    outbox = messaging_tables(schema).outbox
    turn = sa.select(
        sa.func.pg_try_advisory_xact_lock(sa.func.hashtext(f"outbox:{schema}")).label("got")
    ).subquery("turn")
    pending = (
        sa.select(outbox.c.id, outbox.c.topic, outbox.c.key, outbox.c.envelope)
        .where(turn.c.got, outbox.c.published_at.is_(None))
        .order_by(outbox.c.id)
        .limit(batch_size)
        .with_for_update(skip_locked=True)
        .lateral("pending")
    )
    columns = (pending.c.id, pending.c.topic, pending.c.key, pending.c.envelope)
    return sa.select(turn.c.got, *columns).select_from(turn.outerjoin(pending, sa.true()))
