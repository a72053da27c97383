"""Dependencies named once, as ``Annotated`` aliases, for every service's routes."""

from __future__ import annotations

import weakref
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.clock import Clock
from shared.db import ReadConnection
from shared.pagination import DEFAULT_LIMIT, MAX_LIMIT
from shared.settings import Settings
from shared.telemetry import recording_spans
from shared.uow import UnitOfWork


# Dependencies are ``async def`` even when they only read app state: FastAPI runs a plain
# ``def`` dependency in its thread pool, a thread hop per request (measured: ~2 ms of a
# catalogue search went to waking a worker thread for the clock).
async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _uow(request: Request) -> UnitOfWork:
    uow: UnitOfWork = request.app.state.uow_factory()
    return uow


async def _clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def _engine(request: Request) -> AsyncEngine:
    engine: AsyncEngine = request.app.state.engine
    return engine


_READ_ENGINES: weakref.WeakKeyDictionary[Engine, AsyncEngine] = weakref.WeakKeyDictionary()


def read_engine(engine: AsyncEngine) -> AsyncEngine:
    """The engine's autocommit twin (same pool) for reads: no BEGIN before and no ROLLBACK after.

    A read on a plain ``engine.connect()`` paid two extra round trips (SQLAlchemy opens a
    transaction on the first statement and rolls it back on release). Under READ COMMITTED
    each statement of a transaction takes its own snapshot anyway, so a read sees exactly
    what it saw inside one; what changes is that a write sent on it would persist, and reads
    never write (writes go through the unit of work).
    """
    cached = _READ_ENGINES.get(engine.sync_engine)
    if cached is None:
        cached = _READ_ENGINES[engine.sync_engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return cached


async def _read_connection(request: Request) -> AsyncConnection:
    """The read path's connection (SQLAlchemy Core, no ORM session, no transaction): plain
    SELECTs run straight on asyncpg (``shared.db.ReadConnection``) unless spans are recorded
    (the SQLAlchemy instrumentation then sees every statement); anything else on the
    engine's autocommit twin, a connection per statement. Stateless: one per app, and a
    plain dependency (an async generator dependency cost ~100 µs a request here)."""
    state = request.app.state
    engine = state.engine
    conn: ReadConnection | None = getattr(state, "read_connection", None)
    if conn is None or conn.sync_engine.pool is not engine.pool:
        conn = state.read_connection = ReadConnection(read_engine(engine), fast=not recording_spans())
    return conn


SettingsDep = Annotated[Settings, Depends(_settings)]
UowDep = Annotated[UnitOfWork, Depends(_uow)]
ClockDep = Annotated[Clock, Depends(_clock)]
EngineDep = Annotated[AsyncEngine, Depends(_engine)]
ReadConnDep = Annotated[AsyncConnection, Depends(_read_connection)]
# The one read path (docs/conventions.md §2): handlers' read functions take ``db: ReadDb``.
ReadDb = AsyncConnection
ReadDbDep = ReadConnDep
CursorQuery = Annotated[str | None, Query(description="opaque cursor from the previous page's next_cursor")]
LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="page size")]
DEFAULT_PAGE_SIZE = DEFAULT_LIMIT
