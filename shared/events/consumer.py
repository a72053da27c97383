"""The consumer runner: Kafka -> handler, effect once, poison to the dead-letter topic.

For each message: parse the envelope and its versioned contract, open the service's
unit of work, claim ``(consumer_group, event_id)`` in the inbox (a clash means a
redelivery: skip), run the handler, commit. Offsets are committed to Kafka only after
the database commit, so a crash in between redelivers and the inbox absorbs it.

A poll's messages are first applied together: after a poll brings messages the runner waits
``consumer_linger_seconds`` for the ones right behind them, then claims them all in one
statement and runs their handlers, in order, in one transaction. When anything in that fails
(a poison message, a handler error, Postgres away) nothing of it is kept and the messages go
one by one as described here, so a failure is classified and retried or dead-lettered per
message, exactly as if they had come alone.

Failures are classified once (``shared.errors.classify_failure``, the same families the HTTP
handlers answer 503 for):

- transient (Postgres or Kafka away, a serialization conflict): retried without limit and
  without committing the offset; the partitions are sought back to the failed message and
  polled again after an exponential backoff with jitter (capped at a few seconds), and
  ``stats.retrying_since`` makes the service's ``/ready`` say ``degraded`` meanwhile;
- permanent (not an envelope, a payload that breaks its contract, anything raising
  ``PermanentError``): copied to ``<topic>.dlq`` at once;
- unknown (a handler bug): retried a bounded number of times, then dead-lettered.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from kafka import TopicPartition
from kafka.errors import CommitFailedError
from kafka.structs import OffsetAndMetadata
from opentelemetry.trace import SpanKind, Status, StatusCode
from pydantic import ValidationError

from shared.clock import wait_unless_stopped
from shared.errors import FailureKind, PermanentError, classify_failure
from shared.events.contracts import CONTRACTS, DLQ_SUFFIX
from shared.events.dlq import REDRIVE_GROUP_HEADER, describe_error, dlq_error_headers
from shared.events.envelope import EventContract, EventEnvelope
from shared.events.kafka import MAX_POLL_RECORDS, close_quietly, end_offsets
from shared.events.versions import upcast
from shared.settings import Settings
from shared.telemetry import carrier_from_kafka_headers, context_from_carrier, kafka_headers, tracer
from shared.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger("eco.consumer")

Handler = Callable[[UnitOfWork, Any, EventEnvelope], Awaitable[None]]


class PoisonMessage(PermanentError):
    """A message that can never succeed (unparseable, unknown or invalid): no retries."""


class TransientFailure(Exception):
    """Raised by ``_process`` when a message failed for a transient reason: do not commit it."""


@dataclass
class ConsumerStats:
    processed: int = 0
    duplicates: int = 0
    skipped_redrives: int = 0
    dead_lettered: int = 0
    failures: int = 0
    transient_failures: int = 0
    batch_fallbacks: int = 0
    lag: dict[str, int] = field(default_factory=dict)
    last_poll_at: float | None = None
    last_error: str | None = None
    # Set while a message is being retried for a transient failure (epoch seconds of the first).
    retrying_since: float | None = None


class ConsumerRunner:
    def __init__(
        self,
        settings: Settings,
        uow_factory: UnitOfWorkFactory,
        topic_handlers: Mapping[str, Handler],
        *,
        consumer_factory: Callable[[list[str]], Any] | None = None,
        producer_factory: Callable[[], Any] | None = None,
        retry_backoff_seconds: float = 0.2,
        transient_backoff_max_seconds: float = 5.0,
    ) -> None:
        from shared.events.kafka import make_consumer, make_producer

        self.settings = settings
        self.uow_factory = uow_factory
        self.handlers = dict(topic_handlers)
        self.group = settings.consumer_group
        self._physical = {settings.topic(name): name for name in self.handlers}
        self._consumer_factory = consumer_factory or (lambda topics: make_consumer(settings, topics))
        self._producer_factory = producer_factory or (lambda: make_producer(settings))
        self._producer: Any = None
        self.retry_backoff_seconds = retry_backoff_seconds
        self.transient_backoff_max_seconds = transient_backoff_max_seconds
        self._transient_attempts = 0
        self.stats = ConsumerStats()
        self.assigned = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        if not self.handlers:
            return
        backoff = 0.5
        while not stop.is_set():
            consumer = None
            try:
                consumer = await asyncio.to_thread(self._consumer_factory, sorted(self._physical))
                backoff = 0.5
                await self._loop(consumer, stop)
            except Exception as exc:  # broker away: reconnect; uncommitted work is redelivered
                self.stats.last_error = f"{type(exc).__name__}: {exc}"
                log.warning("consumer %s restarting after: %s", self.group, self.stats.last_error)
                await wait_unless_stopped(stop, backoff)
                backoff = min(backoff * 2, 5.0)
            finally:
                if consumer is not None:
                    await asyncio.to_thread(close_quietly, consumer)
        producer, self._producer = self._producer, None
        if producer is not None:
            await asyncio.to_thread(close_quietly, producer, 2)

    async def _loop(self, consumer: Any, stop: asyncio.Event) -> None:
        last_lag = 0.0
        rewound: set[TopicPartition] = set()
        while not stop.is_set():
            batches = await asyncio.to_thread(consumer.poll, 500)
            self.stats.last_poll_at = time.time()
            if consumer.assignment():
                self.assigned.set()
            if batches:
                batches = await self._linger(consumer, batches, stop)
            offsets: dict[TopicPartition, OffsetAndMetadata] = {}
            # Where each partition must be read again after a transient failure.
            rewind: dict[TopicPartition, int] = {}
            if await self._apply_together(batches):
                offsets = {
                    tp: OffsetAndMetadata(ms[-1].offset + 1, "", -1) for tp, ms in batches.items() if ms
                }
                batches = {}
            for tp, messages in batches.items():
                for message in messages:
                    if rewind:
                        rewind.setdefault(tp, message.offset)
                        break
                    try:
                        await self._process(message)
                    except TransientFailure:
                        rewind[tp] = message.offset
                        break
                    offsets[tp] = OffsetAndMetadata(message.offset + 1, "", -1)
            if offsets:
                try:
                    await asyncio.to_thread(consumer.commit, offsets)
                except CommitFailedError as exc:
                    # The group moved on without us (e.g. the broker restarted and forgot this
                    # member). The next poll re-joins; what was applied but not committed comes
                    # again and the inbox absorbs it. Cheaper than a new consumer from scratch.
                    self.stats.last_error = f"{type(exc).__name__}: {str(exc)[:300]}"
                    log.warning("consumer %s: offsets not committed, re-joining: %s", self.group, exc)
            if rewind:
                for tp, offset in rewind.items():
                    consumer.seek(tp, offset)
                rewound = set(rewind)
                await wait_unless_stopped(stop, self._transient_delay())
                continue
            if self.stats.retrying_since is not None and (batches or not rewound & consumer.assignment()):
                # Passed (or the partition went to another member in a rebalance).
                self.stats.retrying_since = None
                self._transient_attempts = 0
            if time.time() - last_lag > 5:
                last_lag = time.time()
                try:
                    await asyncio.to_thread(self._measure_lag, consumer)
                except Exception as exc:  # best effort: never restart (and rejoin) over a metric
                    log.debug("consumer %s lag not measured: %s", self.group, exc)

    async def _linger(
        self, consumer: Any, batches: dict[Any, list[Any]], stop: asyncio.Event
    ) -> dict[Any, list[Any]]:
        """Wait ``consumer_linger_seconds`` after a poll that brought messages, then take those
        that came meanwhile (Kafka's linger.ms on the consuming side: under load one transaction
        carries several; alone, a message waits this long more)."""
        count = sum(len(messages) for messages in batches.values())
        linger = self.settings.consumer_linger_seconds
        if linger <= 0 or count >= MAX_POLL_RECORDS or stop.is_set():
            return batches
        await wait_unless_stopped(stop, linger)
        more = await asyncio.to_thread(consumer.poll, 0, MAX_POLL_RECORDS - count)
        if not more:
            return batches
        merged = {tp: list(messages) for tp, messages in batches.items()}
        for tp, messages in more.items():  # each partition's next messages, in order
            merged.setdefault(tp, []).extend(messages)
        return merged

    async def _apply_together(self, batches: dict[Any, list[Any]]) -> bool:
        """Apply a poll's messages in one transaction: one inbox claim for all, each handler in
        order, one commit. False (nothing kept) when there are fewer than two or anything
        fails: the caller then applies them one by one, where failures are classified."""
        messages = [message for batch in batches.values() for message in batch]
        if len(messages) < 2:
            return False
        try:
            parsed = [(message, self._parse(message)) for message in messages]
        except Exception:  # unusable (or an unknown version): classified on the one-by-one path
            return False
        todo = [(message, found) for message, found in parsed if found is not None]
        handled = 0
        try:
            if todo:
                uow = self.uow_factory()
                async with uow:
                    claimed = await uow.claim_inbox_many(
                        self.group, [(envelope.event_id, topic) for _, (topic, envelope, _) in todo]
                    )
                    for message, (topic, envelope, event) in todo:
                        if envelope.event_id not in claimed:
                            continue  # a redelivery (or a second copy in this poll)
                        claimed.discard(envelope.event_id)
                        # A failure is recorded by the one-by-one attempt that follows, not here.
                        with self._span(message, record_exception=False, set_status_on_exception=False):
                            await self.handlers[topic](uow, event, envelope)
                        handled += 1
                    await uow.commit()
        except Exception as exc:
            self.stats.batch_fallbacks += 1
            log.debug(
                "consumer %s: %d messages one by one after: %s", self.group, len(todo), describe_error(exc)
            )
            return False
        self.stats.processed += handled
        self.stats.duplicates += len(todo) - handled
        self.stats.skipped_redrives += len(parsed) - len(todo)
        self._passed()
        return True

    def _passed(self) -> None:
        if self.stats.retrying_since is not None:
            log.info("consumer %s recovered after transient failures", self.group)
        self.stats.retrying_since = None
        self._transient_attempts = 0

    def _measure_lag(self, consumer: Any) -> None:
        assignment = list(consumer.assignment())
        if not assignment:
            return
        ends = end_offsets(consumer, assignment)
        lag: dict[str, int] = {}
        for tp in assignment:
            position = consumer.position(tp)
            lag[tp.topic] = lag.get(tp.topic, 0) + max(0, ends.get(tp, 0) - position)
        self.stats.lag = lag

    def _span(
        self, message: Any, *, record_exception: bool = True, set_status_on_exception: bool = True
    ) -> Any:
        """The message's consumer span, a child of the trace its event was published in."""
        return tracer().start_as_current_span(
            f"consume {message.topic}",
            context=context_from_carrier(carrier_from_kafka_headers(message.headers)),
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.destination.name": message.topic,
                "messaging.consumer.group.name": self.group,
                "messaging.kafka.offset": message.offset,
            },
            record_exception=record_exception,
            set_status_on_exception=set_status_on_exception,
        )

    async def _process(self, message: Any) -> None:
        with self._span(message) as span:
            attempts = 0
            while True:
                attempts += 1
                try:
                    await self.handle_message(message)
                    self._passed()
                    return
                except Exception as exc:
                    kind = self.classify(exc)
                    if kind == "permanent":
                        span.set_status(Status(StatusCode.ERROR, str(exc)))
                        await self._dead_letter_or_retry(message, exc, attempts)
                        return
                    span.record_exception(exc)
                    if kind == "transient":
                        self._note_transient(message, exc)
                        raise TransientFailure(str(exc)) from exc
                    self.stats.failures += 1
                    if attempts >= self.settings.consumer_max_attempts:
                        span.set_status(Status(StatusCode.ERROR, str(exc)))
                        await self._dead_letter_or_retry(message, exc, attempts)
                        return
                    log.warning(
                        "handler failed (%s/%s) on %s: %s",
                        attempts,
                        self.settings.consumer_max_attempts,
                        message.topic,
                        describe_error(exc),
                    )
                    await asyncio.sleep(min(self.retry_backoff_seconds * 2 ** (attempts - 1), 2.0))

    def classify(self, exc: BaseException) -> FailureKind:
        """Transient (retry forever, keep the offset), permanent (DLQ now) or unknown (bounded
        retries, then DLQ). The one hook to widen: services and contracts raise
        ``PermanentError`` (e.g. an unknown schema version) rather than override this."""
        return classify_failure(exc)

    def _note_transient(self, message: Any, exc: BaseException) -> None:
        self.stats.transient_failures += 1
        self.stats.last_error = f"{type(exc).__name__}: {str(exc)[:300]}"
        if self.stats.retrying_since is None:
            self.stats.retrying_since = time.time()
            log.warning(
                "consumer %s: transient failure on %s@%s offset %s, retrying until it passes: %s",
                self.group,
                message.topic,
                message.partition,
                message.offset,
                self.stats.last_error,
            )

    def _transient_delay(self) -> float:
        """Exponential backoff with full jitter on the upper half, capped."""
        self._transient_attempts += 1
        ceiling = min(
            self.transient_backoff_max_seconds,
            self.retry_backoff_seconds * 2.0 ** min(self._transient_attempts - 1, 16),
        )
        return ceiling * random.uniform(0.5, 1.0)

    async def handle_message(self, message: Any) -> None:
        """Parse and apply one message once; raises PoisonMessage for unusable input."""
        parsed = self._parse(message)
        if parsed is None:
            self.stats.skipped_redrives += 1
            return
        topic, envelope, event = parsed
        uow = self.uow_factory()
        async with uow:
            if not await uow.claim_inbox(self.group, envelope.event_id, topic):
                self.stats.duplicates += 1
                return
            await self.handlers[topic](uow, event, envelope)
            await uow.commit()
        self.stats.processed += 1

    def _parse(self, message: Any) -> tuple[str, EventEnvelope, Any] | None:
        """The message's topic, envelope and contract (None when it is re-driven for another
        group); raises PoisonMessage for unusable input."""
        if self._addressed_elsewhere(message):
            return None
        topic = self._physical.get(message.topic)
        try:
            envelope = EventEnvelope.model_validate(orjson.loads(message.value))
        except (orjson.JSONDecodeError, ValidationError, TypeError) as exc:
            raise PoisonMessage(f"not an event envelope: {_brief(exc)}") from exc
        if topic is None or envelope.event_type != topic:
            raise PoisonMessage(f"event type {envelope.event_type!r} does not belong on {message.topic!r}")
        contract = CONTRACTS.get(topic)
        try:
            event: EventContract | dict[str, Any] = (
                contract.model_validate(upcast(contract, envelope.schema_version, envelope.payload))
                if contract
                else envelope.payload
            )
        except ValidationError as exc:
            raise PoisonMessage(
                f"payload does not match {topic} v{envelope.schema_version}: {_brief(exc)}"
            ) from exc
        return topic, envelope, event

    async def _dead_letter_or_retry(self, message: Any, exc: Exception, attempts: int) -> None:
        """Dead-letter; when the broker is away for that, retry the message later like any
        transient failure (its offset is not committed)."""
        try:
            await self._dead_letter(message, exc, attempts)
        except Exception as dlq_exc:
            if self.classify(dlq_exc) != "transient":
                raise
            producer, self._producer = self._producer, None
            if producer is not None:
                await asyncio.to_thread(close_quietly, producer, 0)
            self._note_transient(message, dlq_exc)
            raise TransientFailure(str(dlq_exc)) from dlq_exc

    def _addressed_elsewhere(self, message: Any) -> bool:
        """A message re-driven from a dead-letter topic is for the one group that failed it
        (``shared.events.dlq``): every other group has applied it already and skips it."""
        for name, value in message.headers or ():
            if name == REDRIVE_GROUP_HEADER:
                return bool(value.decode() != self.group)
        return False

    async def _dead_letter(self, message: Any, exc: Exception, attempts: int) -> None:
        """Copy the message to ``<topic>.dlq`` and wait for the ack before moving on."""
        if self._producer is None:
            self._producer = await asyncio.to_thread(self._producer_factory)
        headers = list(message.headers or []) + kafka_headers(
            {
                **dlq_error_headers(exc),
                "dlq.attempts": str(attempts),
                "dlq.consumer_group": self.group,
                "dlq.original_topic": message.topic,
                "dlq.original_partition": str(message.partition),
                "dlq.original_offset": str(message.offset),
            }
        )
        raw_key = message.key.decode() if isinstance(message.key, bytes) else (message.key or "")
        future = await asyncio.to_thread(
            self._producer.send, message.topic + DLQ_SUFFIX, key=raw_key, value=message.value, headers=headers
        )
        await asyncio.to_thread(future.get, 10)
        self.stats.dead_lettered += 1
        log.error(
            "dead-lettered %s@%s offset %s after %s attempts: %s",
            message.topic,
            message.partition,
            message.offset,
            attempts,
            describe_error(exc),
        )


def _brief(exc: Exception) -> str:
    """A validation error without the offending input values (they may be personal data)."""
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{'.'.join(map(str, e['loc'])) or '<root>'}: {e['msg']}"
            for e in exc.errors(include_input=False, include_url=False)
        )
    return f"{type(exc).__name__}: {exc}"[:200]
