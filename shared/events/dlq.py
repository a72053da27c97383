"""Dead letters: what a DLQ copy carries, how deep each group's DLQ is, and re-driving it.

A consumer that gives up on a message copies it to ``<topic>.dlq`` with ``dlq.*``
headers (``shared.events.consumer``). Several groups consume one topic, so one DLQ topic
holds one copy *per failing group*, told apart by ``dlq.consumer_group``.

What has been handled is kept in Kafka, not in memory, so it survives restarts: the
compacted topic ``eco.dlq.handled`` holds, per (consumer group, DLQ partition), the offset
below which every copy of that group is handled (re-driven or discarded), the copies
handled out of order beyond it, and the last action (what, which copies, when, by whom).
A group's DLQ depth is therefore "its copies from that offset to the end, minus those
listed", and is 0 without reading a message when that offset is the end offset. (Not a
consumer group's committed offset: Kafka expires those of a group without members after
``offsets.retention.minutes``, and the copies would come back as un-handled.)

Re-driving puts the copy back on its original topic with the same key through the
platform's producer (kafka-python's default murmur2 partitioner, the one the relay uses),
so it lands on the same partition as the original; its ``dlq.*`` headers are dropped and
``redrive.consumer_group`` names the one group that failed it: every other group skips it
(it applied the original already). ``redrive.from`` records where it came from.
"""

from __future__ import annotations

import asyncio
import getpass
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from shared.events.contracts import CONTRACTS, DLQ_SUFFIX
from shared.events.kafka import beginning_offsets, end_offsets
from shared.settings import Settings

REDRIVE_GROUP_HEADER = "redrive.consumer_group"
REDRIVE_FROM_HEADER = "redrive.from"
REDRIVE_AT_HEADER = "redrive.at"
DLQ_HEADER_PREFIX = "dlq."
MAX_ERROR_CHARS = 500
HANDLED_TOPIC = "eco.dlq.handled"
HANDLED_TOPIC_CONFIG = {"cleanup.policy": "compact", "retention.ms": "-1"}
MAX_BEYOND = 1000  # copies handled out of order per partition before the oldest must be handled


# --- what a DLQ copy says about its error ----------------------------------------------------


def _sqlstate(exc: BaseException) -> str | None:
    for candidate in (exc, getattr(exc, "orig", None), getattr(exc, "__cause__", None)):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(code, str) and code:
            return code
    return None


def _is_database_error(exc: BaseException) -> bool:
    module = type(exc).__module__ or ""
    return module.startswith(("sqlalchemy", "asyncpg", "psycopg")) or _sqlstate(exc) is not None


def describe_error(exc: BaseException) -> str:
    """The error as a DLQ header may carry it: class and a bounded message, never SQL.

    A database error (SQLAlchemy, asyncpg, or anything caused by one) becomes its class and
    SQLSTATE only: its text holds the statement and its parameters (a monitor's e-mail).
    """
    seen: BaseException | None = exc
    depth = 0
    while seen is not None and depth < 5:
        if _is_database_error(seen):
            code = _sqlstate(seen)
            described = f"{type(seen).__name__}" + (f" (SQLSTATE {code})" if code else "")
            if seen is not exc:
                described = f"{type(exc).__name__} caused by {described}"
            return described[:MAX_ERROR_CHARS]
        seen = seen.__cause__ or seen.__context__
        depth += 1
    text = f"{type(exc).__name__}: {exc}"
    text = text.split("[SQL:", 1)[0].rstrip()  # SQLAlchemy's format, should one be wrapped as text
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


def dlq_error_headers(exc: BaseException) -> dict[str, str]:
    return {"dlq.error_class": type(exc).__name__, "dlq.error": describe_error(exc)}


# --- reading the DLQ ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadLetter:
    dlq_topic: str  # physical
    partition: int
    offset: int
    key: str | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...]
    timestamp: int
    handled: bool = False

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key == name:
                return value.decode(errors="replace")
        return None

    @property
    def group(self) -> str:
        return self.header("dlq.consumer_group") or "?"

    @property
    def original_topic(self) -> str:
        return self.header("dlq.original_topic") or self.dlq_topic.removesuffix(DLQ_SUFFIX)

    @property
    def error(self) -> str | None:
        return self.header("dlq.error")

    def ref(self, settings: Settings) -> str:
        """``<logical dlq topic>:<partition>:<offset>``: how the CLI names one copy."""
        return f"{_logical(settings, self.dlq_topic)}:{self.partition}:{self.offset}"

    def envelope(self) -> Any:
        try:
            return orjson.loads(self.value)
        except orjson.JSONDecodeError:
            return {"raw": self.value.decode(errors="replace")}

    def describe(self, settings: Settings) -> dict[str, Any]:
        return {
            "ref": self.ref(settings),
            "consumer_group": self.group,
            "original_topic": self.original_topic,
            "handled": self.handled,
            "key": self.key,
            "timestamp_ms": self.timestamp,
            "error": self.error,
            "headers": {k: v.decode(errors="replace") for k, v in self.headers},
            "envelope": self.envelope(),
        }


def _logical(settings: Settings, physical: str) -> str:
    ns = settings.kafka_namespace
    return physical[len(ns) :] if ns and physical.startswith(ns) else physical


@dataclass
class _Handled:
    """One group's handled state on one DLQ partition: the offset below which all its
    copies are handled, and its copies handled beyond it."""

    below: int
    beyond: set[int] = field(default_factory=set)

    def contains(self, offset: int) -> bool:
        return offset < self.below or offset in self.beyond


def parse_ref(settings: Settings, ref: str) -> tuple[str, int, int]:
    """``enrollment.company.registered.dlq:0:12`` -> (physical topic, partition, offset)."""
    topic, partition, offset = ref.rsplit(":", 2)
    if not topic.endswith(DLQ_SUFFIX):
        topic += DLQ_SUFFIX
    return settings.topic(topic), int(partition), int(offset)


class DeadLetterStore:
    """Blocking (kafka-python) access to the platform's DLQ topics; one thread at a time."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._reader: Any = None
        self._producer: Any = None

    # kafka clients ---------------------------------------------------------------------
    def _consumer(self) -> Any:
        from kafka import KafkaConsumer

        if self._reader is None:
            self._reader = KafkaConsumer(
                bootstrap_servers=self.settings.kafka_bootstrap,
                client_id=f"eco-{self.settings.service}-dlq",
                group_id=None,
                enable_auto_commit=False,
                request_timeout_ms=5000,
            )
        return self._reader

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        if self._producer is not None:
            self._producer.close(2)
        self._reader, self._producer = None, None

    def _producer_(self) -> Any:
        from shared.events.kafka import make_producer

        if self._producer is None:
            self._producer = make_producer(self.settings)
        return self._producer

    # reading -----------------------------------------------------------------------------
    def dlq_topics(self, logical_topics: Iterable[str] | None = None) -> list[str]:
        """Physical DLQ topics of ``logical_topics`` (default: every contract's) that exist."""
        names = sorted(logical_topics) if logical_topics is not None else sorted(CONTRACTS)
        existing = self._consumer().topics()
        wanted = [self.settings.topic(n.removesuffix(DLQ_SUFFIX) + DLQ_SUFFIX) for n in names]
        return [t for t in wanted if t in existing]

    def _partitions(self, topic: str) -> list[Any]:
        from kafka import TopicPartition

        return [TopicPartition(topic, p) for p in sorted(self._consumer().partitions_for_topic(topic) or ())]

    def _read(self, tp: Any, start: int, end: int) -> list[DeadLetter]:
        consumer = self._consumer()
        if start >= end:
            return []
        consumer.assign([tp])
        consumer.seek(tp, start)
        out: list[DeadLetter] = []
        deadline = time.monotonic() + 30
        while consumer.position(tp) < end:
            if time.monotonic() > deadline:
                raise TimeoutError(f"reading {tp.topic}:{tp.partition} up to {end} took over 30 s")
            for records in consumer.poll(timeout_ms=500).values():
                out.extend(
                    DeadLetter(
                        dlq_topic=r.topic,
                        partition=r.partition,
                        offset=r.offset,
                        key=r.key.decode() if isinstance(r.key, bytes) else r.key,
                        value=r.value,
                        headers=tuple(r.headers or ()),
                        timestamp=r.timestamp,
                    )
                    for r in records
                    if r.offset < end
                )
        return out

    def _states(self) -> dict[tuple[str, str, int], _Handled]:
        """The latest handled state of every (group, DLQ topic, partition), from the compacted topic."""
        from kafka import TopicPartition

        consumer = self._consumer()
        topic = self.settings.topic(HANDLED_TOPIC)
        if topic not in consumer.topics():
            return {}
        states: dict[tuple[str, str, int], _Handled] = {}
        for tp in [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]:
            start, end = beginning_offsets(consumer, [tp])[tp], end_offsets(consumer, [tp])[tp]
            for record in self._read(tp, start, end):
                group, dlq_topic, partition = orjson.loads(record.key or "")
                if not record.value:
                    states.pop((group, dlq_topic, partition), None)
                    continue
                value = orjson.loads(record.value)
                states[(group, dlq_topic, partition)] = _Handled(value["below"], set(value["beyond"]))
        return states

    def history(self) -> list[dict[str, Any]]:
        """Every re-drive and discard still in ``eco.dlq.handled`` (compaction keeps at least the
        latest per group and DLQ partition), oldest first."""
        from kafka import TopicPartition

        consumer = self._consumer()
        topic = self.settings.topic(HANDLED_TOPIC)
        if topic not in consumer.topics():
            return []
        out = []
        tp = TopicPartition(topic, 0)
        start, end = beginning_offsets(consumer, [tp])[tp], end_offsets(consumer, [tp])[tp]
        for record in self._read(tp, start, end):
            if not record.value:
                continue
            group, dlq_topic, partition = orjson.loads(record.key or "")
            action = orjson.loads(record.value).get("last_action", {})
            out.append({"group": group, "dlq_topic": dlq_topic, "partition": partition, **action})
        return out

    def _ensure_handled_topic(self) -> None:
        from kafka import KafkaAdminClient
        from kafka.admin import NewTopic
        from kafka.errors import TopicAlreadyExistsError

        topic = self.settings.topic(HANDLED_TOPIC)
        if topic in self._consumer().topics():
            return
        admin = KafkaAdminClient(bootstrap_servers=self.settings.kafka_bootstrap, client_id="eco-dlq")
        try:
            admin.create_topics([NewTopic(topic, 1, 1, topic_configs=HANDLED_TOPIC_CONFIG)], timeout_ms=30000)
        except TopicAlreadyExistsError:
            pass
        finally:
            admin.close()

    def letters(
        self, *, group: str | None = None, topics: Iterable[str] | None = None, include_handled: bool = True
    ) -> list[DeadLetter]:
        """Every DLQ copy (of ``group``, on ``topics``), each marked handled or not."""
        consumer = self._consumer()
        states = self._states()
        out: list[DeadLetter] = []
        for topic in self.dlq_topics(topics):
            tps = self._partitions(topic)
            starts, ends = beginning_offsets(consumer, tps), end_offsets(consumer, tps)
            for tp in tps:
                for letter in self._read(tp, starts[tp], ends[tp]):
                    if group is not None and letter.group != group:
                        continue
                    state = states.get((letter.group, tp.topic, tp.partition))
                    handled = state is not None and state.contains(letter.offset)
                    if handled and not include_handled:
                        continue
                    out.append(_with_handled(letter, handled))
        return out

    def letter(self, topic: str, partition: int, offset: int) -> DeadLetter:
        from kafka import TopicPartition

        tp = TopicPartition(topic, partition)
        found = self._read(tp, offset, offset + 1)
        if not found:
            raise LookupError(f"no message at {topic}:{partition}:{offset}")
        state = self._states().get((found[0].group, topic, partition))
        return _with_handled(found[0], state is not None and state.contains(offset))

    def depth(self, group: str, logical_topics: Iterable[str]) -> dict[str, int]:
        """Un-handled copies of ``group`` per logical topic (only topics with some)."""
        consumer = self._consumer()
        states = self._states()
        depth: dict[str, int] = {}
        for topic in self.dlq_topics(logical_topics):
            tps = self._partitions(topic)
            starts, ends = beginning_offsets(consumer, tps), end_offsets(consumer, tps)
            count = 0
            for tp in tps:
                state = states.get((group, tp.topic, tp.partition))
                start = max(starts[tp], state.below if state else 0)
                if start >= ends[tp]:
                    continue  # nothing past the handled offset: no need to read
                count += sum(
                    1
                    for letter in self._read(tp, start, ends[tp])
                    if letter.group == group and not (state and state.contains(letter.offset))
                )
            if count:
                depth[_logical(self.settings, topic).removesuffix(DLQ_SUFFIX)] = count
        return depth

    # handling ------------------------------------------------------------------------------
    def mark_handled(self, letters: Iterable[DeadLetter], *, action: str = "discard") -> None:
        """Record ``letters`` as handled for their groups (one state record per DLQ partition)."""
        from kafka import TopicPartition

        by_slot: dict[tuple[str, str, int], set[int]] = {}
        for letter in letters:
            by_slot.setdefault((letter.group, letter.dlq_topic, letter.partition), set()).add(letter.offset)
        if not by_slot:
            return
        self._ensure_handled_topic()
        consumer, states = self._consumer(), self._states()
        for (group, topic, partition), offsets in by_slot.items():
            tp = TopicPartition(topic, partition)
            state = states.get((group, topic, partition)) or _Handled(beginning_offsets(consumer, [tp])[tp])
            done = state.beyond | offsets
            end = end_offsets(consumer, [tp])[tp]
            below = end
            for letter in self._read(tp, state.below, end):
                if letter.group == group and letter.offset not in done:
                    below = letter.offset  # the oldest copy of the group still to handle
                    break
            beyond = sorted(o for o in done if o >= below)
            if len(beyond) > MAX_BEYOND:
                raise ValueError(
                    f"too many copies handled out of order on {topic}:{partition}; handle the oldest first"
                )
            record = {
                "below": below,
                "beyond": beyond,
                "last_action": {
                    "action": action,
                    "offsets": sorted(offsets),
                    "at": datetime.now(UTC).isoformat(),
                    "by": _operator(),
                },
            }
            self._producer_().send(
                self.settings.topic(HANDLED_TOPIC),
                key=orjson.dumps([group, topic, partition]).decode(),
                value=orjson.dumps(record),
            ).get(timeout=10)

    def redrive(self, letters: Iterable[DeadLetter]) -> list[tuple[DeadLetter, int, int]]:
        """Put each copy back on its original topic for its one group; returns (copy, partition,
        offset) of each re-driven message. Each is marked handled once Kafka has acked it."""
        done = []
        for letter in letters:
            if letter.handled:
                raise ValueError(f"{letter.ref(self.settings)} was handled already")
            headers = [
                (k, v)
                for k, v in letter.headers
                if not k.startswith(DLQ_HEADER_PREFIX) and not k.startswith("redrive.")
            ]
            headers += [
                (REDRIVE_GROUP_HEADER, letter.group.encode()),
                (REDRIVE_FROM_HEADER, f"{letter.dlq_topic}:{letter.partition}:{letter.offset}".encode()),
                (REDRIVE_AT_HEADER, str(int(time.time() * 1000)).encode()),
            ]
            meta = (
                self._producer_()
                .send(letter.original_topic, key=letter.key, value=letter.value, headers=headers)
                .get(timeout=10)
            )
            self.mark_handled([letter], action="redrive")
            done.append((letter, meta.partition, meta.offset))
        return done


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _with_handled(letter: DeadLetter, handled: bool) -> DeadLetter:
    from dataclasses import replace

    return replace(letter, handled=handled)


# --- the depth a service reports ------------------------------------------------------------


class DeadLetterMonitor:
    """A service's DLQ depth, read from Kafka at most every ``ttl`` seconds."""

    def __init__(self, settings: Settings, logical_topics: Iterable[str], *, ttl: float = 10.0) -> None:
        self.settings = settings
        self.group = settings.consumer_group
        self.topics = sorted(logical_topics)
        self.ttl = ttl
        self._store = DeadLetterStore(settings)
        self._lock = asyncio.Lock()
        self._at = 0.0
        self.depth: dict[str, int] | None = None
        self.error: str | None = None

    async def refresh(self, *, force: bool = False) -> dict[str, int] | None:
        async with self._lock:
            if force or self.depth is None or time.monotonic() - self._at > self.ttl:
                try:
                    self.depth = await asyncio.to_thread(self._store.depth, self.group, self.topics)
                    self.error = None
                except Exception as exc:  # Kafka away: report unknown, keep the last figure
                    self.error = describe_error(exc)
                    await asyncio.to_thread(self._store.close)
                self._at = time.monotonic()
            return self.depth

    def report(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "group": self.group,
            "unhandled": sum(self.depth.values()) if self.depth is not None else None,
            "topics": self.depth or {},
        }
        if self.error:
            body["error"] = self.error
        return body

    async def close(self) -> None:
        await asyncio.to_thread(self._store.close)


async def dead_letter_report(app: Any) -> dict[str, Any] | None:
    """For ``/ready`` and ``/metrics``: the service's un-handled DLQ copies (None if it consumes nothing)."""
    consumer = getattr(app.state, "consumer", None)
    if consumer is None or not consumer.handlers:
        return None
    monitor = getattr(app.state, "dlq_monitor", None)
    if monitor is None:
        monitor = app.state.dlq_monitor = DeadLetterMonitor(consumer.settings, consumer.handlers)
    await monitor.refresh()
    return monitor.report()
