"""The unit of work: the one place a transaction opens, and where events join it.

``async with uow:`` opens a transaction; leaving the block without ``await
uow.commit()`` rolls it back. ``uow.publish(event)`` queues an event that ``commit``
writes to the service's outbox in the same transaction, so the state change and its
event commit or roll back together; once committed, this process's relay is woken
(``shared.events.relay.outbox_committed``). Entering an already-open unit of work is a no-op
(the Kafka consumer opens the outer one around a handler that also uses ``async with``),
and only the outermost ``commit`` commits.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.clock import Clock
from shared.events.envelope import EventContract, EventEnvelope
from shared.events.relay import outbox_committed
from shared.events.tables import messaging_tables
from shared.repository import inserting
from shared.telemetry import current_trace_carrier


class UnitOfWork:
    def __init__(
        self,
        sessionmaker: Callable[[], Any],
        *,
        schema: str,
        producer: str,
        clock: Clock,
    ) -> None:
        self._sessionmaker = sessionmaker
        self.schema = schema
        self.producer = producer
        self.clock = clock
        self.tables = messaging_tables(schema)
        self._depth = 0
        self._session: Any = None
        self._pending: list[EventEnvelope] = []
        self._committed = False
        self._wrote_events = False

    @property
    def session(self) -> Any:
        """The open transaction (``shared.db.KernelTransaction``; a SQLAlchemy session while
        spans are recorded): ``execute`` for the repositories, ``begin_nested`` for a SAVEPOINT."""
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside 'async with'")
        return self._session

    async def __aenter__(self) -> Self:
        if self._depth == 0:
            self._session = self._sessionmaker()
            await self._session.begin()
            self._pending = []
            self._committed = False
            self._wrote_events = False
        self._depth += 1
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth > 0:
            return
        session, self._session = self._session, None
        assert session is not None  # entered: __aenter__ opened it
        try:
            if not self._committed:
                await session.rollback()
        finally:
            self._pending = []
            await session.close()

    def publish(self, event: EventContract) -> EventEnvelope:
        """Queue ``event`` for the outbox; it is written by ``commit``, or dropped by rollback."""
        envelope = EventEnvelope.wrap(
            event, producer=self.producer, occurred_at=self.clock.now(), trace=current_trace_carrier()
        )
        self._pending.append(envelope)
        return envelope

    async def flush_events(self) -> None:
        """Write queued events to the outbox now (commit calls it)."""
        if not self._pending:
            return
        rows = [
            {
                "event_id": e.event_id,
                "topic": e.event_type,
                "key": e.key,
                "envelope": e.model_dump(mode="json"),
            }
            for e in self._pending
        ]
        outbox = self.tables.outbox
        if len(rows) == 1:  # the usual case: one statement built once, the row as parameters
            await self.session.execute(inserting(outbox, returning=False), rows[0])
        else:  # one round trip for all (SQLAlchemy's insertmanyvalues)
            await self.session.execute(sa.insert(outbox), rows)
        self._pending = []
        self._wrote_events = True

    async def commit(self) -> None:
        if self._depth > 1:
            return
        await self.flush_events()
        await self.session.commit()
        self._committed = True
        if self._wrote_events:
            self._wrote_events = False
            outbox_committed(self.schema)  # this process's relay publishes them now

    async def claim_inbox(self, consumer_group: str, event_id: uuid.UUID, topic: str) -> bool:
        """Record that this group handled ``event_id``; False when it already had."""
        inbox = self.tables.inbox
        stmt = (
            pg_insert(inbox)
            .values(consumer_group=consumer_group, event_id=event_id, topic=topic)
            .on_conflict_do_nothing()
            .returning(inbox.c.event_id)
        )
        return (await self.session.execute(stmt)).first() is not None

    async def claim_inbox_many(
        self, consumer_group: str, events: list[tuple[uuid.UUID, str]]
    ) -> set[uuid.UUID]:
        """Claim several ``(event_id, topic)`` for the group in one statement; returns the ids
        that were new (an id given twice is returned once: the first claims it)."""
        if not events:
            return set()
        stmt = _claim_many(self.schema)
        params = {"group": consumer_group, "ids": [e for e, _ in events], "topics": [t for _, t in events]}
        return {row[0] for row in (await self.session.execute(stmt, params)).all()}


@functools.cache
def _claim_many(schema: str) -> sa.Insert:
    """``INSERT .. SELECT :group, unnest(:ids), unnest(:topics) ON CONFLICT DO NOTHING RETURNING
    event_id``: one shape whatever the count (compiled once, the arrays as parameters)."""
    inbox = messaging_tables(schema).inbox
    rows = sa.select(
        sa.bindparam("group", type_=sa.Text),
        sa.func.unnest(sa.bindparam("ids", type_=ARRAY(PG_UUID(as_uuid=True))), type_=PG_UUID(as_uuid=True)),
        sa.func.unnest(sa.bindparam("topics", type_=ARRAY(sa.Text)), type_=sa.Text),
    )
    return (
        pg_insert(inbox)
        .from_select(["consumer_group", "event_id", "topic"], rows)
        .on_conflict_do_nothing()
        .returning(inbox.c.event_id)
    )


class UnitOfWorkFactory:
    """Makes a fresh unit of work per use case; wired once at start-up."""

    def __init__(
        self,
        engine: AsyncEngine,
        sessionmaker: Callable[[], Any],
        *,
        schema: str,
        producer: str,
        clock: Clock,
    ) -> None:
        self.engine = engine
        self.sessionmaker = sessionmaker
        self.schema = schema
        self.producer = producer
        self.clock = clock

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self.sessionmaker, schema=self.schema, producer=self.producer, clock=self.clock)
